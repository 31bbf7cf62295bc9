"""Sentences, clauses and jieba tokens, all with offsets into the normalized text.

The tokenizer is a `jieba.Tokenizer` of our own, loaded once per process with
the domain words of the lexicon; jieba's global tokenizer is never touched.
jieba is costly (about 1 MB/s), so callers segment only the short stretches
of text they need (the clause around a number), not whole documents, unless
the terms table is asked for.

>>> [s.text for s in split_sentences("完成签约212户。签约率达76%")]
['完成签约212户。', '签约率达76%']
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from .lexicon import Lexicon

CLAUSE_STOPS = "。！？!?；;\n，,、：:"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences end at 。！？； (and their ASCII forms) or a line break; a
    line that a layout wrapped in mid-sentence (`is_soft_newline`) goes on.

    >>> [(s.start, s.end) for s in split_sentences("一。二\\n三")]
    [(0, 2), (2, 4), (4, 5)]
    """
    return [Sentence(start, end, text[start:end]) for start, end in sentence_spans(text)]


# What ends a sentence: a run of stops with the closing quote after it, or a
# line break; a sentence is the text up to the next one (or the end of the
# text).  Written to start with one character class, which the stdlib scans
# for quickly.
_SENTENCE_END = re.compile(r"[\n。！？!?；;](?:(?<=\n)|[。！？!?；;]*[”’\"」』)]?)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `split_sentences`, without building them.

    >>> sentence_spans("一。二\\n三")
    [(0, 2), (2, 4), (4, 5)]
    """
    starts = sentence_starts(text)
    return list(zip(starts, starts[1:] + [len(text)]))


def sentence_starts(text: str) -> list[int]:
    """Where each sentence of `split_sentences` starts.

    >>> sentence_starts("一。二\\n三")
    [0, 2, 4]
    """
    if not text:
        return []
    # every end starts a sentence but the text's own end and a soft line break
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    n = len(text)
    return [0] + [e for e in ends if e < n and (text[e - 1] != "\n" or not is_soft_newline(text, e - 1))]


def sentence_around(text: str, pos: int, floor: int = 0) -> tuple[int, int]:
    """(start, end) of the sentence of `split_sentences` that holds offset
    `pos` (0 <= pos < len(text)), read from the stops on either side of it
    only.  `floor`, an offset known to start a sentence (at most `pos`),
    bounds the look back: a caller walking a text in order passes the end of
    the sentence before.

    >>> sentence_around("一。二\\n三", 2)
    (2, 4)
    """
    if pos > 0 and text[pos - 1] in _TERMINATORS and text[pos] in _STOP_TAIL:
        # inside the stops that end a sentence: the sides do not tell
        spans = sentence_spans(text)
        return spans[bisect.bisect_right(spans, (pos, len(text) + 1)) - 1]
    start = floor
    stop = _LAST_STOP.match(text, floor, pos)
    while stop is not None:
        i = stop.end() - 1
        if text[i] != "\n":                      # a run of stops ends here, with its quote
            start = i + 2 if text[i + 1] in _CLOSERS else i + 1
            break
        if not is_soft_newline(text, i):
            start = i + 1
            break
        stop = _LAST_STOP.match(text, floor, i)
    stop = _SENTENCE_END.search(text, pos)
    while stop is not None:
        end = stop.end()
        if text[end - 1] != "\n" or not is_soft_newline(text, end - 1):
            return start, end
        stop = _SENTENCE_END.search(text, end)
    return start, len(text)


_TERMINATORS = "。！？!?；;"
_CLOSERS = "”’\"」』)"
_STOP_TAIL = _TERMINATORS + _CLOSERS
_LAST_STOP = re.compile(r"(?s).*[\n。！？!?；;]")   # up to the last one


SOFT_LINE_MIN = 16
_ENDS = set("。！？!?；;，,、：:”’\"」』)）】》")


def is_soft_newline(text: str, i: int) -> bool:
    """True for a line break that a layout put inside a sentence (newsprint
    and OCR wrap lines at a fixed width): a long line that ends without
    punctuation, followed at once by more Chinese text or a number, in a
    block of lines of about the same length or after a comma in its line (a
    headline above a paragraph is neither).

    >>> is_soft_newline("今年以来街道共完成征迁签约工作，涉及\\n1286户。", 18)
    True
    >>> is_soft_newline("征迁工作推进会召开\\n今年以来街道共完成签约1286户。", 9)
    False
    """
    if text[i] != "\n" or i == 0 or i + 1 >= len(text):
        return False
    prev, nxt = text[i - 1], text[i + 1]
    if prev in _ENDS or prev.isspace() or nxt.isspace():
        return False
    if not (nxt.isdigit() or "\u4e00" <= nxt <= "\u9fff"):
        return False
    if (prev.isdigit() or prev == ".") and nxt.isdigit():
        return True              # a number cut by the wrap: 98.\n6%
    if _ENDS_WITH_QUANTITY.search(text, max(0, i - 6), i):
        return False             # a bulletin line: name, value, unit
    line_start = text.rfind("\n", 0, i) + 1
    length = i - line_start
    if length < SOFT_LINE_MIN:
        return False
    # a wrapped block: this line about as long as its neighbour, or a line
    # that breaks off in mid-clause after a comma (a headline above a
    # paragraph is neither)
    if "，" in text[line_start:i] or "," in text[line_start:i]:
        return True
    nxt_end = text.find("\n", i + 1)
    nxt_len = (len(text) if nxt_end < 0 else nxt_end) - i - 1
    prev_len = line_start - 1 - (text.rfind("\n", 0, line_start - 1) + 1) if line_start else -1
    return any(abs(length - n) <= max(4, length // 5) for n in (nxt_len, prev_len) if n > 0)


_ENDS_WITH_QUANTITY = regex.compile(r"\d[\p{Han}%‰]{0,3}$")


def clause_bounds(text: str, start: int, end: int, limit: int = 60) -> tuple[int, int]:
    """The clause around [start, end): from the last stop before to the next after.

    >>> clause_bounds("其中,建安投资完成151384万元,比增61.7%", 9, 17)
    (3, 17)
    """
    # the nearest stop on either side within `limit`, passing soft line breaks
    lo = start - limit if start > limit else 0
    stop = _LAST_CLAUSE_STOP.match(text, lo, start)
    while stop is not None:
        i = stop.end() - 1
        if text[i] != "\n" or not is_soft_newline(text, i):
            lo = i + 1
            break
        stop = _LAST_CLAUSE_STOP.match(text, lo, i)
    hi = end + limit
    if hi > len(text):
        hi = len(text)
    stop = _CLAUSE_STOP.search(text, end, hi)
    while stop is not None:
        i = stop.start()
        if text[i] != "\n" or not is_soft_newline(text, i):
            hi = i
            break
        stop = _CLAUSE_STOP.search(text, i + 1, hi)
    return lo, hi


_CLAUSE_STOP = re.compile("[" + re.escape(CLAUSE_STOPS) + "]")
_LAST_CLAUSE_STOP = re.compile("(?s).*[" + re.escape(CLAUSE_STOPS) + "]")   # up to the last one


@lru_cache(maxsize=4)
def tokenizer(lex: Lexicon):
    """A jieba tokenizer with the lexicon's domain words, built once per process.

    The engine is rjieba (jieba-rs): the same dictionary and, with HMM off,
    the same words and tags as jieba's own POSTokenizer (tests/test_segment.py
    checks it), at about 15 times the speed.  Returns (tokenizer, tags) where
    `tags` maps our domain words to the part of speech the lexicon gives them.
    """
    import rjieba

    tk = rjieba.Jieba()
    tags = {}
    for word, freq, tag in lex.domain_words:
        tk.add_word(word, freq, tag)
        if tag:
            tags[word] = tag
    return tk, tags


def tokens(lex: Lexicon, text: str, offset: int = 0, hmm: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, word) for every token of `text`, offsets shifted by `offset`.

    >>> [w for _, _, w in tokens(load_lexicon(), "集体土地幢房签约率达76%")][:4]
    ['集体土地', '幢房', '签约率', '达']
    """
    tk, _ = tokenizer(lex)
    return [(s + offset, e + offset, w) for w, s, e in tk.tokenize(text, "default", hmm)]


def tagged(lex: Lexicon, text: str, hmm: bool = False) -> list[tuple[str, str]]:
    """(word, part-of-speech tag) pairs, jieba's tag set (n, v, ns, m, q ...).

    Short stretches around numbers repeat within a document (the same clause
    is read for the subject before and after), so results are cached.
    """
    return list(_tagged(lex, text, hmm))


@lru_cache(maxsize=8192)
def _tagged(lex: Lexicon, text: str, hmm: bool) -> tuple:
    tk, tags = tokenizer(lex)
    pairs = tk.tag(text, hmm)
    # the lexicon's tag wins over the dictionary's; numbers are 'm' (numerals)
    for k, (w, t) in enumerate(pairs):
        if w in tags:
            pairs[k] = (w, tags[w])
        elif t == "eng" and w.replace(".", "", 1).isdigit():
            pairs[k] = (w, "m")
    return tuple(pairs)


def warm(lex: Lexicon) -> None:
    """Load the tokenizer now (worker start-up), not at the first document;
    its HMM model (used for place names) loads at the first HMM call."""
    tk, _ = tokenizer(lex)
    tk.tag("下何宅村", True)
