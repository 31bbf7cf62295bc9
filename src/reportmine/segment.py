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

import logging
import os
from dataclasses import dataclass
from functools import lru_cache

import regex

from .lexicon import Lexicon

_SENTENCE_RE = regex.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’\"」』)]?|\n|$)")
CLAUSE_STOPS = "。！？!?；;\n，,、：:"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences end at 。！？； (and their ASCII forms) or a line break.

    >>> [(s.start, s.end) for s in split_sentences("一。二\\n三")]
    [(0, 2), (2, 4), (4, 5)]
    """
    out = []
    for m in _SENTENCE_RE.finditer(text):
        if m.end() > m.start():
            out.append(Sentence(m.start(), m.end(), m.group()))
    return out


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence:
    """The sentence that holds offset `pos` (binary search)."""
    lo, hi = 0, len(sentences) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sentences[mid].start <= pos:
            lo = mid
        else:
            hi = mid - 1
    return sentences[lo]


def clause_bounds(text: str, start: int, end: int, limit: int = 60) -> tuple[int, int]:
    """The clause around [start, end): from the last stop before to the next after.

    >>> clause_bounds("其中,建安投资完成151384万元,比增61.7%", 9, 18)
    (3, 18)
    """
    lo = start
    while lo > 0 and text[lo - 1] not in CLAUSE_STOPS and start - lo < limit:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in CLAUSE_STOPS and hi - end < limit:
        hi += 1
    return lo, hi


@lru_cache(maxsize=4)
def tokenizer(lex: Lexicon):
    """A jieba tokenizer with the lexicon's domain words, built once per process."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in lex.domain_words:
        tk.add_word(word, freq, tag)
    pos = jieba.posseg.POSTokenizer(tk)
    # POSTokenizer reads the tags of user words from its own table
    for word, _freq, tag in lex.domain_words:
        if tag:
            pos.word_tag_tab[word] = tag
    return tk, pos


def tokens(lex: Lexicon, text: str, offset: int = 0, hmm: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, word) for every jieba token of `text`, offsets shifted by `offset`.

    >>> [w for _, _, w in tokens(load_lexicon(), "集体土地幢房签约率达76%")][:4]
    ['集体', '土地', '幢房', '签约率']
    """
    tk, _ = tokenizer(lex)
    out = []
    for word, s, e in tk.tokenize(text, HMM=hmm):
        out.append((s + offset, e + offset, word))
    return out


def tagged(lex: Lexicon, text: str, hmm: bool = False) -> list[tuple[str, str]]:
    """(word, part-of-speech tag) pairs, jieba's tag set (n, v, ns, m, q ...)."""
    _, pos = tokenizer(lex)
    return [(p.word, p.flag) for p in pos.cut(text, HMM=hmm)]


def warm(lex: Lexicon) -> None:
    """Load the tokenizer now (worker start-up), not at the first document."""
    if os.environ.get("REPORTMINE_LAZY_JIEBA"):
        return
    tokenizer(lex)
