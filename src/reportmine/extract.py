"""From a normalized text to indicator mentions.

For every quantity `numbers.find_quantities` reads, decide whether it is an
indicator (not a date, an ordinal, a code, a name or an idiom: the rules of
lexicons/exclusions.toml), then find what it measures (its subject), whether
a rate is a growth or a decline (change), and the sentence it stands in.

>>> [(m.raw, m.subject, m.value, m.unit) for m in find_mentions("集体土地幢房签约率达76%", load_lexicon())]
[('76%', '集体土地幢房签约率', 76.0, '%')]
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from .lexicon import Lexicon
from .model import Quantity
from .numbers import find_quantities
from .segment import CLAUSE_STOPS, clause_bounds, sentence_at, split_sentences, tagged, tokens

# jieba tags of words that can end a subject phrase (nouns and noun-like words)
NOUNISH = ("n", "nr", "ns", "nt", "nz", "nrt", "ng", "vn", "an", "j", "zg", "l", "nrfg")
# tags that end a phrase: prepositions, conjunctions, particles, pronouns,
# numerals, measure words, time and place words, punctuation
BREAK = ("p", "c", "u", "ul", "uz", "ug", "uv", "ud", "r", "m", "mq", "q", "t", "tg", "x", "y", "e", "o", "f", "eng", "w")
MAX_TOKENS = 5
MAX_CHARS = 14


@dataclass(frozen=True)
class Mention:
    """An indicator found in a text, before place and period are attached."""

    quantity: Quantity
    subject: str
    change: str
    sentence: str
    sentence_start: int

    # shortcuts used by tables and tests
    @property
    def raw(self) -> str:
        return self.quantity.raw

    @property
    def value(self) -> float:
        return self.quantity.value

    @property
    def unit(self) -> str:
        return self.quantity.unit


def excluded_spans(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Sorted, merged spans of text that no indicator may overlap.

    >>> excluded_spans("2023年以来,完成签约212户", load_lexicon())
    [(0, 5)]
    """
    spans = []
    for rule in lex.rules:
        for m in rule.pattern.finditer(text):
            if m.end() > m.start():
                spans.append((m.start(), m.end()))
    if lex.idiom_regex is not None:
        spans.extend((m.start(), m.end()) for m in lex.idiom_regex.finditer(text))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _overlaps(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    i = bisect.bisect_right(starts, e - 1) - 1
    while i >= 0:
        a, b = spans[i]
        if b > s:
            return True
        if b <= s:
            # spans are merged and sorted: an earlier one ends earlier still
            return False
        i -= 1
    return False


def _numeral_start(q: Quantity, text: str) -> int:
    """Where the number itself starts (after a prefix such as 百分之)."""
    i = text.find(q.numeral, q.start, q.end) if q.numeral else -1
    return i if i >= 0 else q.start


def is_indicator(q: Quantity, text: str, spans, starts) -> bool:
    """The judgement that is not a matter of lexicon rules alone."""
    if _overlaps(spans, starts, q.start, q.end):
        return False
    if q.value <= 0:
        return False
    if q.chinese and q.category in ("count", "people", "households"):
        # "one" as an article, and numbers that name a slogan or sum up a
        # list of quoted names: 三个“一号工程”, “问题清单”、“服务清单”三张清单
        if q.value < 2:
            return False
        nxt = text[q.end:q.end + 1]
        prv = text[q.start - 1:q.start] if q.start else ""
        if nxt in "“\"‘「『" or prv in "“”\"‘’「」『』":
            return False
    # a number glued to Latin letters or to a longer digit string is a code
    if q.start and (text[q.start - 1].isascii() and text[q.start - 1].isalnum()):
        return False
    return True


def _strip_fillers(words: list[tuple[str, str]], lex: Lexicon, from_end: bool) -> list[tuple[str, str]]:
    rng = range(len(words) - 1, -1, -1) if from_end else range(len(words))
    cut = None
    for i in rng:
        w, t = words[i]
        if w in lex.fillers or w in lex.change_up or w in lex.change_down or w in lex.qualifier_before or not w.strip():
            continue
        cut = i
        break
    if cut is None:
        return []
    return words[: cut + 1] if from_end else words[cut:]


def subject_before(clause: str, lex: Lexicon) -> tuple[str, str]:
    """The noun phrase that ends the text before a number, and the word right before it.

    >>> subject_before("半年度完成征收土地", load_lexicon())
    ('征收土地', '征收土地')
    """
    words = tagged(lex, clause)
    if not words:
        return "", ""
    imm = words[-1][0]
    words = _strip_fillers(words, lex, from_end=True)
    if not words:
        return "", imm
    phrase: list[str] = []
    chars = 0
    for w, t in reversed(words):
        if w in lex.fillers or t in BREAK or not w.strip() or any(c in CLAUSE_STOPS for c in w):
            break
        if t.startswith("d") and not phrase:
            break
        if len(phrase) >= MAX_TOKENS or chars + len(w) > MAX_CHARS:
            break
        phrase.append(w)
        chars += len(w)
    phrase.reverse()
    while phrase and (phrase[0] in lex.fillers):
        phrase.pop(0)
    return "".join(phrase), imm


def subject_after(clause: str, lex: Lexicon) -> str:
    """The noun phrase right after a number and its unit: 个攻坚组逐一... -> 攻坚组.

    >>> subject_after("的土地上", load_lexicon())
    '土地'
    """
    words = tagged(lex, clause)
    while words and (words[0][0] in ("的", "之") or not words[0][0].strip()):
        words = words[1:]
    best = 0
    chars = 0
    for i, (w, t) in enumerate(words):
        if i >= MAX_TOKENS + 1 or chars + len(w) > MAX_CHARS + 4:
            break
        if any(c in CLAUSE_STOPS for c in w) or not w.strip():
            break
        if w != "的" and (t in BREAK or w in lex.fillers and i > 0):
            break
        if w in lex.fillers and i == 0 and not t.startswith("v"):
            break
        if best and (t.startswith("d") or t == "ad"):
            break
        chars += len(w)
        if t.startswith(NOUNISH) or t in NOUNISH:
            best = i + 1
    return "".join(w for w, _ in words[:best])


def find_change(text: str, q: Quantity, lo: int, lex: Lexicon) -> str:
    """'up' or 'down' for a growth or decline rate, else ''.

    >>> find_change("比增61.7%", find_quantities("比增61.7%", load_lexicon())[0], 0, load_lexicon())
    'up'
    """
    if q.category != "rate":
        return ""
    if q.signed == "+":
        return "up"
    if q.signed == "-":
        return "down"
    before = text[lo:q.start]
    # the change word must stand close to the number: 比增61.7%, 同比下降了17%
    for gap in ("", "了", "达", "约", "超", "近", "逾", "了约", "幅达", "幅为", "率为", "率达"):
        for words, direction in ((lex.change_up, "up"), (lex.change_down, "down")):
            for w in words:
                if before.endswith(w + gap):
                    return direction
    return ""


def find_mentions(text: str, lex: Lexicon) -> list[Mention]:
    """Every indicator mention in a normalized text, in reading order."""
    quantities = find_quantities(text, lex)
    if not quantities:
        return []
    spans = excluded_spans(text, lex)
    starts = [s for s, _ in spans]
    sentences = split_sentences(text)
    out: list[Mention] = []
    for q in quantities:
        if q.pre_word:
            q = _check_pre_word(text, q, lex)
        if not is_indicator(q, text, spans, starts):
            continue
        sent = sentence_at(sentences, q.start)
        lo, hi = clause_bounds(text, q.start, q.end)
        lo = max(lo, _previous_end(out, sent.start))
        subject = pick_subject(text, q, lo, hi, lex)
        change = find_change(text, q, lo, lex)
        if not subject and out and out[-1].sentence_start == sent.start:
            subject = out[-1].subject
        out.append(Mention(q, subject, change, sent.text, sent.start))
    return out


def _check_pre_word(text: str, q: Quantity, lex: Lexicon) -> Quantity:
    """约 in 签约212户 is part of a word, not a qualifier: drop it from the span."""
    n = len(q.pre_word)
    window_start = max(0, q.start - 8)
    toks = tokens(lex, text[window_start:q.start + n])
    if toks and toks[-1][2] == q.pre_word:
        return q
    return replace(q, start=q.start + n, raw=q.raw[n:], pre_word="",
                   qualifier="exact" if q.pre_applied else q.qualifier, pre_applied=False)


def _previous_end(out: list[Mention], sent_start: int) -> int:
    if out and out[-1].quantity.end >= sent_start:
        return out[-1].quantity.end
    return 0


def pick_subject(text: str, q: Quantity, lo: int, hi: int, lex: Lexicon) -> str:
    """Before or after the number, by how Chinese reports write a statistic.

    [noun] [filler] N unit     签约率达76%, 承租企业575家      -> the noun before
    [verb] N unit [noun]       组建8个攻坚组, 完成42.8%房屋签约 -> the noun after
    X、Y等 N unit [noun]       陈桥、江尾等9个村                -> the noun after
    N measure-word [noun]      63个建设项目, 10多名村干部       -> the noun after
    """
    nstart = _numeral_start(q, text)
    before_text = text[lo:nstart]
    # drop a qualifier written just before the number (约, 超过)
    for w in sorted(lex.qualifier_before, key=len, reverse=True):
        if before_text.endswith(w):
            before_text = before_text[: -len(w)]
            break
    before, imm = subject_before(before_text, lex) if before_text else ("", "")
    after = subject_after(text[q.end:hi], lex) if q.end < hi else ""
    lead = imm in lex.lead_verbs
    if after and (lead or not before or q.category in ("count", "people")):
        return after
    if not before and imm and imm in lex.fillers and after:
        return after
    return before or after

