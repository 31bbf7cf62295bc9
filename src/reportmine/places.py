"""Where and when an indicator belongs: its place, place_path and period.

Each document is read once:

    find_places    names of administrative units: county and above from the
                   gazetteer (涵江区, 常山县), below it a name before a suffix
                   of lexicons/places.toml (许码头社区, 白塘镇, 金川街道), and
                   words that point at one (全县, 该镇)
    find_periods   time words (periods.py)
    headings       short lines without an indicator, whose place and period
                   hold for the lines under them (1-8月份城东街道“成绩单”)
    document       the document's own unit, from its metadata (发布单位),
                   title, or the unit it names most (or alone)

and every mention then takes, by offset, the most specific place of its
clause, else of its sentence before it, else of its heading, else of the
document; its period comes the same way, with the time word its paragraph
opens with (今年以来,…) before the heading's, and the title's only time word
last.  Only short stretches before a suffix word go through jieba.

>>> text = "1-8月份城东街道“成绩单”\\n一般公共预算总收入完成16915万元\\n"
>>> locate_all(text, "", "", load_lexicon(), [(29, 36, 16, 37)])
[('城东街道', '', '1-8月')]
"""
from __future__ import annotations

import bisect
import re
import sys
from collections import Counter
from operator import attrgetter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import regex

from .chars import HAN, WS, class_body
from .gazetteer import CITY, COUNTY, PROVINCE, Gazetteer, code_level, load_gazetteer
from .lexicon import Lexicon, LexiconError, alternation as _alt
from .periods import PeriodCue, context_years, find_periods, period_rules, resolve_period
from .segment import clause_bounds, tagged, tokenizer

COUNTRY, ZONE, TOWN, VILLAGE = 0, 4, 5, 6
LEVELS = {"country": COUNTRY, "province": PROVINCE, "city": CITY, "county": COUNTY,
          "zone": ZONE, "town": TOWN, "village": VILLAGE}
COUNTRY_NAME = "中国"
SENTENCE_END = "。！？!?；;"
CLAUSE_LIMIT = 60                 # characters a clause reaches at most on either side of a number
_GAZ_CHARS = "省市区县旗州盟"           # the last characters of the names looked for
_HAN = regex.compile(r"\p{Han}")
_SENTENCE_END = re.compile("[" + re.escape(SENTENCE_END) + "]")
_LABEL = regex.compile(r"[^\s:：]{1,8}\s*[:：]")
_START = attrgetter("start")
_NUMERALS = set("〇零一二三四五六七八九十百千万两0123456789")
# one-character words that end a name even next to the suffix
_SHORT_BREAK_TAGS = frozenset("p c u uj ul uz ud ug uv r q x w y e o".split())
# tags of proper nouns: places, people, organizations, abbreviations
_PROPER_TAGS = frozenset("ns nr nrt nrfg nz nt j".split())


class Place(NamedTuple):
    """A place named in the text: [start, end) holds `name`.

    kind: gazetteer (a county or above), suffix (a name before 街道, 村 ...),
    scope (全县: the document's own unit), anaphora (该镇: the last 镇 named).

    A named tuple rather than a frozen dataclass: a document names hundreds
    of places, and a tuple is made in a third of the time.
    """

    start: int
    end: int
    name: str
    level: int
    kind: str = "suffix"
    suffix: str = ""              # the suffix word; for scope and anaphora, the level word
    codes: tuple = ()             # gazetteer codes the name may mean
    parent: "Place | None" = None  # the unit named right before it (丰泽区 in 丰泽区城东街道)


_NOWHERE = Place(-1, -1, "", VILLAGE + 1)   # ends before any text: a place before the first


class Where(NamedTuple):
    """A resolved place: its name, level and path from the province down
    (a named tuple: every distinct place of a document makes one)."""

    name: str
    level: int
    path: str = ""


@dataclass(frozen=True, eq=False)
class PlaceRules:
    suffixes: dict
    suffix_re: object
    min_chars: int
    max_chars: int
    window: int
    break_words: frozenset
    break_first: tuple
    break_tags: frozenset
    not_before: dict
    stop_names: frozenset
    stop_endings: tuple
    stop_endings_of: dict         # suffix -> the stop endings a word ending in it can have
    product_after: tuple
    person_titles: frozenset
    scope: dict
    scope_re: object
    anaphora_re: object
    gazetteer: Gazetteer
    gaz_not_before: tuple
    gaz_end_re: object            # where a gazetteer name may end (see _gazetteer_pattern)
    short_suffixes: tuple
    meta_re: object
    publisher_keys: frozenset
    source_keys: frozenset
    min_count: int
    heading_chars: int
    markers: tuple
    marker_rank: object           # one pattern for all markers: m.lastindex is the rank (None: try each)


def _table(data: dict, key: str) -> dict:
    t = data.get(key, {})
    if not isinstance(t, dict):
        raise LexiconError(f"places.toml: [{key}] must be a table")
    return t


def _list(t: dict, key: str, where: str) -> tuple:
    v = t.get(key, [])
    if not (isinstance(v, (list, tuple)) and all(isinstance(x, str) and x for x in v)):
        raise LexiconError(f"places.toml: [{where}] field {key!r}: must be a list of non-empty strings")
    return tuple(v)


def _int(t: dict, key: str, where: str, default: int) -> int:
    v = t.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise LexiconError(f"places.toml: [{where}] field {key!r}: must be a whole number")
    return v


def _han_class() -> str:
    """\\p{Han} for the stdlib engine: its BMP part as one class, which the
    engine tests in a few nanoseconds, and the ranges beyond it as another
    (one class with both is walked range by range for every character)."""
    cut = next(i for i, c in enumerate(HAN) if ord(c) >= 0x10000)
    return f"(?:[{HAN[:cut]}]|[{HAN[cut:]}])"


# searched in text[pos:endpos]: the Chinese characters that end at endpos
_HAN_BEFORE = re.compile(f"{_han_class()}+\\Z")


def _suffix_pattern(suffixes, not_before: dict, min_chars: int, endings: tuple, product_after: tuple):
    """The suffix words, each followed by an empty group that takes part
    only where a name may stand before the word: after at least min_chars
    Chinese characters, not in a stop ending (新农村, 美丽乡村: checked on
    the suffix and the min_chars characters before it, the shortest name),
    not before a not_before word (村民) or a product (稻香村月饼).

    Where two suffix words can overlap in a text (one inside the other, or
    one ending as the other starts), a word that fails these checks still
    matches (without the group), so the scan steps over the same words
    whatever they hold; where none can, the words that fail need no match.
    """
    han = _han_class()
    words = set(suffixes)
    overlap = any(v != u and v in u or any(v.startswith(u[k:]) for k in range(1, len(u)))
                  for u in words for v in words)
    branches = []
    for s in sorted(words, key=lambda w: (-len(w), w)):
        esc = re.escape(s)
        if any(s.startswith(w) for w in not_before.get(s, ())):
            if overlap:
                branches.append(esc)  # every occurrence starts a not_before word
            continue
        checks = f"(?<={han}{{{max(min_chars, 1)}}}{esc})"
        by_length: dict[int, list[str]] = {}
        for e in endings:
            if (e.endswith(s) or s.endswith(e)) and len(e) <= min_chars + len(s):
                by_length.setdefault(len(e), []).append(e)
        for n in sorted(by_length):
            checks += f"(?<!{_alt(by_length[n])})"  # a lookbehind must have one width
        tails = [w[len(s):] for w in not_before.get(s, ()) if w.startswith(s)]
        tails += product_after
        if tails:
            checks += f"(?!{_alt(tails)})"
        branches.append(f"{esc}(?:{checks}()|)" if overlap else f"{esc}{checks}()")
    return re.compile("|".join(branches) or "(?!)")


def _gazetteer_pattern(gz: Gazetteer, not_before: tuple):
    """The last character of a gazetteer name, where the character before
    it ends some name with it too (most 市 and 区 end no name at all: 城市,
    社区) and it starts no not_before word (义乌市场)."""
    branches = []
    for c in _GAZ_CHARS:
        tails = [w[1:] for w in not_before if w[0] == c]
        before = {k[0] for k in gz.lengths if k[1] == c}
        if not before or "" in tails:
            continue
        esc = re.escape(c)
        branches.append(f"{esc}(?<=[{class_body(before)}]{esc})" + (f"(?!{_alt(tails)})" if tails else ""))
    return re.compile("|".join(branches) or "(?!)")


@lru_cache(maxsize=8)
def place_rules(lex: Lexicon) -> PlaceRules:
    """places.toml, validated and compiled; the error names the table and field."""
    data = lex.places
    suffixes = _table(data, "suffix")
    for word, level in suffixes.items():
        if level not in ("town", "village", "zone"):
            raise LexiconError(f"places.toml: [suffix] {word!r}: {level!r} is not one of town, village, zone")
    if not suffixes:
        raise LexiconError("places.toml: [suffix] is empty")
    name = _table(data, "name")
    nb = _table(data, "not_before")
    for k in nb:
        _list(nb, k, "not_before")
    stop = _table(data, "stop")
    scope = _table(data, "scope")
    for word, level in scope.items():
        if level not in ("country", "province", "city", "county", "town"):
            raise LexiconError(f"places.toml: [scope] {word!r}: {level!r} is not a level")
    gaz = _table(data, "gazetteer")
    doc = _table(data, "document")
    head = _table(data, "heading")
    markers = []
    for i, pat in enumerate(_list(head, "markers", "heading"), 1):
        try:
            markers.append(regex.compile(pat))
        except regex.error as e:
            raise LexiconError(f"places.toml: [heading] markers #{i}: {e}") from None
    prefixes = _list(_table(data, "anaphora"), "prefixes", "anaphora")
    keys = _list(doc, "publisher_keys", "document") + _list(doc, "source_keys", "document")
    short = _list(gaz, "short_suffixes", "gazetteer")
    endings = _list(stop, "endings", "stop")
    gazetteer = load_gazetteer(_list(gaz, "skip", "gazetteer"), short or ("省", "市"))
    min_chars = _int(name, "min_chars", "name", 2)
    product_after = _list(stop, "product_after", "stop")
    return PlaceRules(
        suffixes={k: LEVELS[v] for k, v in suffixes.items()},
        suffix_re=_suffix_pattern(suffixes, {k: tuple(v) for k, v in nb.items()}, min_chars, endings, product_after),
        min_chars=min_chars,
        max_chars=_int(name, "max_chars", "name", 4),
        window=_int(name, "window", "name", 8),
        break_words=frozenset(_list(name, "break_words", "name")),
        break_first=_list(name, "break_first", "name"),
        break_tags=frozenset(_list(name, "break_tags", "name")),
        not_before={k: tuple(v) for k, v in nb.items()},
        stop_names=frozenset(_list(stop, "names", "stop")),
        stop_endings=endings,
        stop_endings_of={k: tuple(e for e in endings if e.endswith(k) or k.endswith(e)) for k in suffixes},
        product_after=product_after,
        person_titles=frozenset(_list(stop, "person_titles", "stop")),
        scope={k: LEVELS[v] for k, v in scope.items()},
        scope_re=re.compile(_alt(scope)) if scope else None,
        anaphora_re=(re.compile(f"(?:{_alt(prefixes)})(?P<s>{_alt(list(suffixes) + ['区', '县', '市'])})")
                     if prefixes else None),
        gazetteer=gazetteer,
        gaz_not_before=_list(gaz, "not_before", "gazetteer"),
        gaz_end_re=_gazetteer_pattern(gazetteer, _list(gaz, "not_before", "gazetteer")),
        short_suffixes=short,
        meta_re=(re.compile(rf"(?P<key>{_alt(keys)})[{WS}]*[:：][{WS}]*(?P<val>[^{WS}:：|丨,，。;；]{{2,30}})")
                 if keys else None),
        publisher_keys=frozenset(_list(doc, "publisher_keys", "document")),
        source_keys=frozenset(_list(doc, "source_keys", "document")),
        min_count=_int(doc, "min_count", "document", 3),
        heading_chars=_int(head, "max_chars", "heading", 40),
        markers=tuple(markers),
        marker_rank=_ranked(markers),
    )


def _ranked(patterns):
    """One pattern that matches where the first of `patterns` to match does,
    with m.lastindex its number from 1; None when a pattern has groups or
    inline flags of its own, which joining could change."""
    for p in patterns:
        if p.groups or any(m.group() not in ("(?=", "(?!", "(?:", "(?<=", "(?<!")
                           for m in re.finditer(r"\(\?<?.", p.pattern)):
            return None
    return regex.compile("|".join(f"({p.pattern})" for p in patterns)) if patterns else None


# -- finding places ----------------------------------------------------------

def _gazetteer_places(text: str, rules: PlaceRules) -> list[Place]:
    """County-level units and above: the longest gazetteer name ending at each 省 市 区 县 ... ."""
    gz = rules.gazetteer
    out: list[Place] = []
    lengths_of, codes_of = gz.lengths, gz.codes
    for m in rules.gaz_end_re.finditer(text):
        end = m.end()
        # only the lengths of names with these last two characters can match
        for n in lengths_of[text[end - 2:end]]:
            if n > end:
                continue
            name = text[end - n:end]
            codes = codes_of.get(name)
            if codes is None:
                continue
            start = end - n
            # two-character names (和县, 南县) are parts of words unless they stand alone
            # or follow the unit above them
            if n == 2 and start and _HAN.match(text[start - 1]) and not (out and out[-1].end == start):
                break
            if out and out[-1].end > start:
                if out[-1].end - out[-1].start >= n:
                    break
                out.pop()
            level = code_level(codes[0])
            parent = out[-1] if out and out[-1].end == start and out[-1].level < level else None
            out.append(Place(start, end, name, level, "gazetteer", name[-1], codes, parent))
            break
    return out


def _run_tokens(lex: Lexicon, run: str) -> tuple:
    """(word, tag, known) for the words of a short run; `known`: in jieba's dictionary."""
    tk, _ = tokenizer(lex)
    return tuple((w, t, tk.has_word(w)) for w, t in tagged(lex, run, hmm=True))


def _all_numerals(word: str) -> bool:
    return all(c in _NUMERALS for c in word)


@lru_cache(maxsize=4096)
def read_name(run: str, lex: Lexicon, rules: PlaceRules) -> str:
    """The name at the end of `run` (the text right before a suffix word), or ''.

    Read backwards over jieba's words (HMM on, so unknown names come out as
    words of their own): a one-character word next to the suffix is kept
    (金川弄), words jieba does not know are kept (下何宅), dictionary words
    stop the name when their tag cannot be part of one (组织, 工作); once the
    name has its minimum length only proper nouns extend it (公路|金川,
    顺丰速运向|稠江).

    >>> lex = load_lexicon()
    >>> read_name("江南街道工作人员、湖西", lex, place_rules(lex)), read_name("组织", lex, place_rules(lex))
    ('湖西', '')
    """
    words = _run_tokens(lex, run)
    body: list[str] = []
    chars = 0
    stop_word = ""
    for i in range(len(words) - 1, -1, -1):
        w, t, known = words[i]
        stop_word = w
        if w in rules.break_words or not _HAN.match(w[0]) or chars + len(w) > rules.max_chars:
            break
        if len(w) == 1:
            if body and t in _SHORT_BREAK_TAGS:
                break
        elif w.startswith(rules.break_first):
            break
        elif chars >= rules.min_chars and t not in _PROPER_TAGS:
            break
        elif known:
            if t in rules.break_tags or (t.startswith("m") and _all_numerals(w)):
                break
            if len(w) >= 4 and t == "n":
                break  # a set phrase (全面提高), not the end of a name
        body.append(w)
        chars += len(w)
        stop_word = ""
    name = "".join(reversed(body))
    if len(name) < rules.min_chars or stop_word in rules.person_titles:
        return ""  # 主任陈金镇 is a person
    return name


def _suffix_places(text: str, lex: Lexicon, rules: PlaceRules, gaz: list[Place]) -> list[Place]:
    """Units below the county: a name before a suffix word (湖西村, 城东街道)."""
    out: list[Place] = []
    # the gazetteer place before each suffix word and the last suffix place,
    # or a stand-in that ends before the text: no checks for None
    gaz_starts, gaz_before = [p.start for p in gaz], [_NOWHERE, *gaz]
    window = rules.window
    shortest = max(rules.min_chars, 1)
    stop_names, stop_endings_of, levels = rules.stop_names, rules.stop_endings_of, rules.suffixes
    han_before, last_before = _HAN_BEFORE.search, bisect.bisect_right
    prev = _NOWHERE
    for m in rules.suffix_re.finditer(text):
        if m.lastindex is None:
            continue  # 村民, 新农村, 稻香村月饼, or no name before it (see _suffix_pattern)
        p, q = m.span()
        before = gaz_before[last_before(gaz_starts, p)]
        if before.end > p:
            continue  # inside 镇江市, 乡宁县
        run = han_before(text, p - window if p > window else 0, p)  # at most `window` characters
        if run is None:
            continue
        lo = max(run.start(), prev.end, before.end)
        if p - lo < shortest:
            continue
        name = read_name(text[lo:p], lex, rules)
        if not name:
            continue
        suffix = m.group()
        candidate = name + suffix
        if candidate in stop_names or candidate.endswith(stop_endings_of[suffix]):
            continue
        start = p - len(name)
        level = levels[suffix]
        if before.end == start and before.level < level:
            parent = before
        elif prev.end == start and prev.level < level:
            parent = prev
        else:
            parent = None
        prev = Place(start, q, candidate, level, "suffix", suffix, (), parent)
        out.append(prev)
    return out


def _pointer_places(text: str, rules: PlaceRules, named: list[Place]) -> list[Place]:
    """全县 (the document's county) and 该镇 (the last 镇 named), unresolved."""
    out = []
    starts = [p.start for p in named]

    def free(s: int, e: int) -> bool:
        i = bisect.bisect_right(starts, e - 1) - 1
        return i < 0 or named[i].end <= s

    if rules.scope_re is not None:
        for m in rules.scope_re.finditer(text):
            if free(*m.span()) and not text.startswith(rules.gaz_not_before, m.end() - 1):
                w = m.group()
                out.append(Place(m.start(), m.end(), w, rules.scope[w], "scope", w))
    if rules.anaphora_re is not None:
        for m in rules.anaphora_re.finditer(text):
            s = m.group("s")
            if not free(*m.span()) or text.startswith(rules.gaz_not_before, m.end() - 1):
                continue
            if s in rules.not_before and text.startswith(rules.not_before[s], m.start("s")):
                continue
            level = rules.suffixes.get(s, COUNTY)
            out.append(Place(m.start(), m.end(), m.group(), level, "anaphora", s))
    return out


def find_places(text: str, lex: Lexicon) -> list[Place]:
    """Every place named or pointed at in `text`, in order.

    >>> [p.name for p in find_places("丰泽区城东街道、许码头社区新农村建设,全县4家", load_lexicon())]
    ['丰泽区', '城东街道', '许码头社区', '全县']
    """
    rules = place_rules(lex)
    gaz = _gazetteer_places(text, rules)
    named = sorted(gaz + _suffix_places(text, lex, rules, gaz), key=_START)
    return sorted(named + _pointer_places(text, rules, named), key=_START)


# -- the document's own unit and the paths -----------------------------------

@dataclass(frozen=True)
class DocumentPlaces:
    """The places of one document, resolved: `wheres[i]` belongs to `places[i]`."""

    places: tuple
    wheres: tuple
    document: Where | None = None
    county: str = ""              # gazetteer code of the document's county, if any
    starts: tuple = field(default=(), repr=False)


def _best(places) -> Place | None:
    """The most specific place; among equals, the first."""
    best = None
    for p in places:
        if best is None or p.level > best.level:
            best = p
    return best


def _pick_code(text: str, place: Place, rules: PlaceRules, county: str = "") -> str:
    """One code for a gazetteer name: the only one, or the one whose province or
    city the document also names (朝阳区 in a 北京 text), or the document county's."""
    codes = place.codes
    if len(codes) == 1:
        return codes[0]
    if place.parent is not None and place.parent.codes:
        under = [c for c in codes if any(c.startswith(pc[:2] if code_level(pc) == PROVINCE else pc[:4])
                                         for pc in place.parent.codes)]
        if len(under) == 1:
            return under[0]
    gz = rules.gazetteer
    named = []
    for c in codes:
        ups = [u for u in (c[:2] + "0000", c[:4] + "00") if u != c and u in gz.names]
        if any(gz.names[u] in text or gz.short.get(u, "\0") in text for u in ups):
            named.append(c)
    if len(named) == 1:
        return named[0]
    if county:
        same = [c for c in codes if c[:2] == county[:2]]
        if len(same) == 1:
            return same[0]
    return ""


def _meta_places(text: str, places: list[Place], rules: PlaceRules) -> tuple[list, list]:
    """Places inside the values of metadata lines: (publisher's, source's)."""
    pub, src = [], []
    if rules.meta_re is None:
        return pub, src
    starts = [p.start for p in places]
    spans = [(0, min(len(text), 3000))]
    if len(text) > 3000:
        spans.append((max(3000, len(text) - 1500), len(text)))
    for lo, hi in spans:
        for m in rules.meta_re.finditer(text, lo, hi):
            s, e = m.span("val")
            i = bisect.bisect_left(starts, s)
            inside = []
            while i < len(places) and places[i].start < e:
                if places[i].end <= e and places[i].kind in ("gazetteer", "suffix"):
                    inside.append(places[i])
                i += 1
            (pub if m["key"] in rules.publisher_keys else src).extend(inside)
    return pub, src


@lru_cache(maxsize=4)
def document_places(text: str, title: str, lex: Lexicon) -> DocumentPlaces:
    """All places of a document, resolved against its own unit and county (cached:
    the documents table and the indicators table both ask).

    >>> d = document_places("发布单位: 金川街道\\n信息来源:常山县政府\\n全县4家", "", load_lexicon())
    >>> d.document, [w.path for w in d.wheres][-1]
    (Where(name='金川街道', level=5, path='浙江省/衢州市/常山县/金川街道'), '浙江省/衢州市/常山县')
    """
    rules = place_rules(lex)
    gz = rules.gazetteer
    places = find_places(text, lex)
    named = [p for p in places if p.kind in ("gazetteer", "suffix")]
    pub, src = _meta_places(text, places, rules)
    in_title = [p for p in find_places(title, lex) if p.kind in ("gazetteer", "suffix")] if title else []
    counts = Counter(p.name for p in named)
    first: dict[str, Place] = {}   # each name's first place (named is in text order)
    for p in named:
        first.setdefault(p.name, p)
    doc = _best(pub) or _best(in_title) or _best(src)
    if doc is None and counts:
        name, n = max(counts.items(), key=lambda kv: (kv[1], -first[kv[0]].start))
        # the unit named most, or the only one named
        if n >= rules.min_count or len(counts) == 1:
            doc = first[name]

    # the document's county: its own unit, the unit written right before it
    # (丰泽区城东街道) there or anywhere in the text, the metadata's or the
    # title's, else the county-level unit the text names most
    firsts: list[Place] = []
    if doc is not None:
        firsts.append(doc)
        firsts += [p.parent for p in (doc, *(q for q in named if q.name == doc.name)) if p.parent is not None]
    firsts += pub + in_title + src
    ranked = Counter(p.name for p in named if p.kind == "gazetteer" and p.level == COUNTY)
    firsts += [first[name] for name, _n in ranked.most_common()]
    county = next((c for c in (_pick_code(text, p, rules) for p in firsts
                               if p.kind == "gazetteer" and p.level == COUNTY) if c), "")
    # what 全市 and 全省 hang on when no county is named: a city or province publishing
    anchor = county or (_pick_code(text, doc, rules) if doc is not None and doc.kind == "gazetteer" else "")

    plausible: dict[tuple, bool] = {}  # by codes: the answer needs searches of the whole text

    def is_plausible(codes: tuple) -> bool:
        # a county-level name from another province whose province and city
        # the text never names is a phrase that reads like one (兴城市 in 强产业、兴城市)
        if codes not in plausible:
            plausible[codes] = (any(c[:2] == county[:2] for c in codes)
                                or any(gz.names.get(u, "\0") in text or gz.short.get(u, "\0") in text
                                       for c in codes for u in (c[:2] + "0000", c[:4] + "00")))
        return plausible[codes]

    gaz_paths: dict[tuple, str] = {}

    def path_of(p: Place) -> str:
        if p.kind == "gazetteer":
            # the code depends on the name's codes and the unit before it only
            key = (p.codes, p.parent.codes if p.parent is not None else ())
            if key not in gaz_paths:
                code = _pick_code(text, p, rules, county)
                gaz_paths[key] = gz.paths[code] if code else ""
            return gaz_paths[key]
        up = ""
        if p.parent is not None:
            up = path_of(p.parent)
        elif county:
            up = gz.paths[county]
            if p.level == VILLAGE and doc is not None and doc.level == TOWN and doc.name != p.name:
                up += "/" + doc.name
        return f"{up}/{p.name}" if up else ""

    scope_wheres: dict[int, Where | None] = {}   # by level: 全县 comes back many times

    def scope_where(level: int) -> Where | None:
        if level not in scope_wheres:
            scope_wheres[level] = _scope_where(level)
        return scope_wheres[level]

    def _scope_where(level: int) -> Where | None:
        if level == COUNTRY:
            return Where(COUNTRY_NAME, COUNTRY, "")
        if level == TOWN:
            if doc is not None and doc.level == TOWN:
                return Where(doc.name, TOWN, path_of(doc))
            return None
        if not anchor or level > code_level(anchor):
            return None
        codes = {PROVINCE: anchor[:2] + "0000", CITY: anchor[:4] + "00", COUNTY: anchor}
        code = codes[level]
        if level == CITY and code_level(anchor) == COUNTY and gz.names[anchor].endswith("市"):
            code = anchor                 # 全市 in a county-level city (义乌市) is that city
        if code not in gz.names and level == CITY and gz.names.get(codes[PROVINCE], "").endswith("市"):
            code = codes[PROVINCE]        # 全市 in a district of 北京市
        if code not in gz.names:
            return None
        return Where(gz.names[code], code_level(code), gz.paths[code])

    kept, wheres = [], []
    last: dict[str, Where] = {}
    same: dict[tuple, Where] = {}   # a name comes back many times, with the same path
    # and a name without a unit written before it always has the same path
    alone: dict[tuple, Where] = {}
    for p in places:
        _, _, name, level, kind, suffix, codes, parent = p   # one step for all the fields read here
        if kind == "gazetteer" or kind == "suffix":
            if kind == "gazetteer" and county and level >= COUNTY and not is_plausible(codes):
                continue
            w = alone.get((kind, name, level)) if parent is None else None
            if w is None:
                key = (name, level, path_of(p))
                w = same.get(key)
                if w is None:
                    w = same[key] = Where(*key)
                if parent is None:
                    alone[kind, name, level] = w
            last[suffix] = w
        elif kind == "scope":
            w = scope_where(level)
        elif kind == "anaphora":
            w = last.get(suffix) or scope_where(level)
        else:
            w = None
        if w is not None:
            kept.append(p)
            wheres.append(w)
    document = Where(doc.name, doc.level, path_of(doc)) if doc is not None else None
    return DocumentPlaces(
        places=tuple(kept), wheres=tuple(wheres),
        document=document, county=county, starts=tuple([p.start for p in kept]),
    )


def document_place(text: str, title: str, lex: Lexicon) -> str:
    """The documents table's place column.

    >>> document_place("发布单位: 金川街道 有效性:", "", load_lexicon())
    '金川街道'
    """
    d = document_places(text, title, lex).document
    return d.name if d is not None else ""


# -- headings ------------------------------------------------------------------

class Region(NamedTuple):
    """From `start` on (until the next region), the heading's place and period."""

    start: int
    where: Where | None
    period: str


def heading_regions(text: str, title: str, lex: Lexicon, mention_starts: list[int],
                    dp: DocumentPlaces, cues: list[PeriodCue], periods: list[str]) -> list[Region]:
    """Scopes of the headings: a heading holds until one of the same or an outer rank.

    Ranks follow the numbering (一、 then (一) then 1. then (1)); a heading
    without a number is outermost.  A numbered paragraph closes headings of
    its rank and below even when it is no heading itself.
    """
    rules = place_rules(lex)
    cue_starts = [c.start for c in cues]
    regions: list[Region] = []
    stack: list[tuple[int, Where | None, str]] = []
    title = title.strip()
    max_chars, marker_rank = rules.heading_chars, rules.marker_rank
    pos = 0
    for line in text.split("\n"):
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        s = line.strip()
        if not s:
            continue
        heading = len(s) <= max_chars and s != title and _SENTENCE_END.search(s) is None
        if heading:
            k = bisect.bisect_left(mention_starts, lo)
            heading = not (k < len(mention_starts) and mention_starts[k] < hi)
        # ranks rise along the stack: a paragraph that is no heading closes
        # nothing unless a numbered heading is open, whatever its number
        if not heading and not (stack and stack[-1][0]):
            continue
        if marker_rank is not None:
            m = marker_rank.match(s)
            rank = m.lastindex if m else None
        else:
            rank = next((n for n, mk in enumerate(rules.markers, 1) if mk.match(s)), None)
        if heading and rank is None and (":" in s or "：" in s) and _LABEL.match(s):
            heading = False  # a metadata line (信息来源:常山县政府), not a heading
        if rank is None and not heading:
            continue
        r = rank or 0
        new = [e for e in stack if e[0] < r]
        if heading:
            # the line's most specific place (the first among equals)
            where, level = None, -1
            for i in range(bisect.bisect_left(dp.starts, lo), bisect.bisect_left(dp.starts, hi)):
                if dp.places[i].level > level:
                    where, level = dp.wheres[i], dp.places[i].level
            j = bisect.bisect_left(cue_starts, lo)
            period = periods[j] if j < len(cues) and cues[j].start < hi else ""
            new.append((r, where, period))
        if new != stack:
            # the innermost heading's place and period, each from further out if it has none
            where, period = None, ""
            for _, w, p in reversed(new):
                if where is None:
                    where = w
                if not period:
                    period = p
            regions.append(Region(lo, where, period))
        stack = new
    return regions


# -- putting it together -------------------------------------------------------

def _pick(starts, lo: int, hi: int, pos: int, levels, after_ok=None) -> int | None:
    """The index of the best item starting in [lo, hi): highest level, nearest
    before `pos`, else nearest after it among those `after_ok` allows (all if None)."""
    best, best_rank = None, None
    for k in range(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)):
        s = starts[k]
        before = s < pos
        if not before and after_ok is not None and not after_ok[k]:
            continue
        rank = (levels[k], before, s if before else -s)
        if best is None or rank > best_rank:
            best, best_rank = k, rank
    return best


def locate_all(text: str, title: str, date: str, lex: Lexicon,
               spans: list[tuple[int, int, int, int]]) -> list[tuple[str, str, str]]:
    """(place, place_path, period) for mentions given as (start, end,
    sentence_start, sentence_end), in the order given.

    >>> locate_all("截至目前,全县已完成签约212户", "", "2020-10-23", load_lexicon(), [(11, 15, 0, 15)])
    [('', '', '2020-10-23')]
    """
    if not spans:
        return []
    dp = document_places(text, title, lex)
    cues = find_periods(text, lex)
    cue_starts = [c.start for c in cues]
    title_cues = find_periods(title, lex) if title else []
    years = context_years(text, cues, title_cues)
    periods = [resolve_period(c, date, y) for c, y in zip(cues, years)]
    regions = heading_regions(text, title, lex, sorted([span[0] for span in spans]), dp, cues, periods)
    region_starts = [r.start for r in regions]
    # a title with one time word gives the whole document its period
    # (2023年国民经济和社会发展统计公报); one with two (上半年总结及下半年思路) none
    doc_period = resolve_period(title_cues[0], date) if len(title_cues) == 1 else ""
    leads: dict[int, int | None] = {}
    lead_prefixes = period_rules(lex).lead_prefixes

    def lead_of(line: int) -> int | None:
        """The cue a paragraph opens with (今年以来,东湖街道…): it sets the paragraph's period."""
        k = bisect.bisect_left(cue_starts, line)
        ok = k < len(cues) and text[line:cues[k].start].strip() in ("", *lead_prefixes)
        leads[line] = k if ok else None
        return leads[line]

    levels = [w.level for w in dp.wheres]
    # 全县 counts only before the number (全县3家; not 两项工作均在全县率先完成)
    after_ok = [p.kind != "scope" for p in dp.places]

    starts, wheres = dp.starts, dp.wheres
    # the starts of the places and of the time words between two sentinels:
    # the ones on either side of a number are read without bounds checks
    place_at = (-sys.maxsize, *starts, sys.maxsize)
    cue_at = (-sys.maxsize, *cue_starts, sys.maxsize)
    # a mention outside every clause and sentence place and time word takes
    # its heading's, else the document's: by the number of headings before it
    region_wheres = [dp.document] + [r.where if r.where is not None else dp.document for r in regions]
    region_periods = [doc_period] + [r.period or doc_period for r in regions]
    last_before, regions_before = bisect.bisect_left, bisect.bisect_right
    out = []
    for start, end, s_lo, s_hi in spans:
        # place_at[b - 1] is the last place before the number, place_at[b]
        # the next; cue_at[a - 1] and cue_at[a] the same for time words (the
        # a-2nd and a-1st of cues): most clauses and sentences hold neither,
        # and then they need no look
        b = last_before(place_at, start)
        a = last_before(cue_at, start)
        place_before, place_after = place_at[b - 1], place_at[b]
        cue_before, cue_after = cue_at[a - 1], cue_at[a]
        if (place_before >= start - CLAUSE_LIMIT or place_after < end + CLAUSE_LIMIT
                or cue_before >= start - CLAUSE_LIMIT or cue_after < end + CLAUSE_LIMIT):
            lo, hi = clause_bounds(text, start, end, CLAUSE_LIMIT)
        else:
            lo, hi = start, end  # nothing within a clause's reach: bounds that hold nothing do
        # place: clause (either side), sentence (before), heading, document
        k = None
        if place_before >= lo or place_after < hi:
            k = _pick(starts, lo, hi, start, levels, after_ok)
        if k is None and place_before >= s_lo:
            k = _pick(starts, s_lo, start, start, levels)
        r = regions_before(region_starts, start)
        where = wheres[k] if k is not None else region_wheres[r]
        # period: clause (nearest before, else nearest after), sentence
        # (before), the paragraph's opening clause, heading, title
        if cue_before >= lo:
            c = a - 2
        elif cue_after < hi:
            c = a - 1
        elif cue_before >= s_lo:
            c = a - 2
        else:
            line = text.rfind("\n", 0, start) + 1
            c = leads[line] if line in leads else lead_of(line)
            if c is not None and cue_starts[c] >= start:
                c = None
        period = periods[c] if c is not None else region_periods[r]
        out.append((where.name, where.path, period) if where else ("", "", period))
    return out
