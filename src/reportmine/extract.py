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
import re
import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

import regex

from .chars import class_body
from .lexicon import Lexicon, alternation
from .model import Quantity
from .numbers import find_quantities, parse_numeral
from .segment import CLAUSE_STOPS, _tagged, clause_bounds, sentence_around, tokens

# jieba tags of words that can end a subject phrase (nouns and noun-like words)
NOUNISH = ("n", "nr", "ns", "nt", "nz", "nrt", "ng", "vn", "an", "j", "zg", "l", "nrfg")
# tags that end a phrase: prepositions, conjunctions, particles, pronouns,
# numerals, measure words, time and place words, punctuation
BREAK = ("p", "c", "u", "ul", "uz", "ug", "uv", "ud", "r", "m", "mq", "q", "t", "tg", "x", "y", "e", "o", "f", "eng", "w")
MAX_TOKENS = 5
MAX_CHARS = 14


class Mention(NamedTuple):
    """An indicator found in a text, before place and period are attached.

    A named tuple rather than a frozen dataclass: as immutable, and built
    several times faster (there is one per indicator of every document).
    """

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


def excluded_spans(text: str, lex: Lexicon, near: list[tuple[int, int]] | None = None,
                   seen: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Sorted, merged spans of text that no indicator may overlap.

    With `near` (spans of candidate numbers), rules run as over windows around
    them (`_windows`): the rules decide about numbers, so text far from any
    number need not be scanned.  The spans are then those that the spans in
    `seen` (by default `near`; each within one of `near`) can see: every
    window match that could overlap one of them (`_near_matches`), no others.

    >>> excluded_spans("2023年以来,完成签约212户", load_lexicon())
    [(0, 5)]
    """
    if near is None:
        rules = [(rule.pattern, None) for rule in lex.rules]
        if lex.idiom_regex is not None:
            rules.append((lex.idiom_regex, None))
        return _merge(_window_matches(text, [(0, len(text))], rules))
    windows = _windows(near, len(text))
    plan = exclusion_plan(lex)
    if plan.wide_cue is not None:
        # the windows where any wide rule can match (each checks its own cue again)
        wide_windows = [w for w in windows if plan.wide_cue.search(text, w[0], w[1])]
    else:
        wide_windows = windows
    return _merge(_window_matches(text, wide_windows, plan.wide)
                  + _near_matches(text, near if seen is None else seen, windows, plan))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _window_matches(text: str, windows: list[tuple[int, int]], rules) -> list[tuple[int, int]]:
    """Every non-empty match of every (pattern, cue) rule, each run over each window."""
    spans = []
    for pattern, cue in rules:
        for lo, hi in windows:
            if cue is not None and cue.search(text, lo, hi) is None:
                continue         # every match holds a cue character
            for m in pattern.finditer(text, lo, hi):
                if m.end() > m.start():
                    spans.append(m.span())
    return spans


WINDOW_BEFORE, WINDOW_AFTER = 60, 30


def _windows(near: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = end = -1                     # the window being grown, none yet
    for s, e in sorted(near):
        lo = s - WINDOW_BEFORE if s > WINDOW_BEFORE else 0
        hi = e + WINDOW_AFTER if e + WINDOW_AFTER < n else n
        if lo <= end:
            if hi > end:
                end = hi
        else:
            if end >= 0:
                out.append((start, end))
            start, end = lo, hi
    if end >= 0:
        out.append((start, end))
    return out


# Rules near candidates
# ---------------------
# Running every rule over every window costs a regex scan of most of a
# document per rule, although a candidate sees only the matches that overlap
# it.  A match consumes only characters its pattern can match; call every
# other character (for all rules at once) a barrier.  No match crosses a
# barrier, so the matches in a window split into independent stretches
# between barriers: the matches inside one stretch are those of a scan that
# starts at the stretch (the window's scan has nothing pending there), and
# a match attempt inside it looks at the text from the barrier before to the
# barrier after (plus `margin` characters for lookarounds that may look past
# a barrier).  The matches that can overlap a candidate lie in the stretch
# around it (its region), so only regions are scanned: their text, with
# `margin` characters of context on either side, is joined into one string
# per document (a piece; a region whose window starts or ends within reach
# gets the window's own start or end), and a match found in a region of a
# piece is one of the window's.  Rules whose patterns cannot be bounded so
# (a negated class, `.`, an unbounded lookaround) keep the plain window scan.

class _NearRule(NamedTuple):
    """A rule scanned in regions only."""
    pattern: object
    cue: object          # stdlib pattern of characters one of which every match holds, or None
    cue_chars: frozenset | None
    width: int           # of its shortest match
    slow: bool           # see _slow_start


@dataclass(frozen=True)
class _ExclusionPlan:
    near: tuple          # _NearRule, ...
    wide: tuple          # (pattern, cue) of the rules scanned over whole windows
    left: object         # regex: the run of non-barrier characters that ends at pos
    right: object        # regex: the run that starts at pos
    margin: int          # context a match attempt may look at past a barrier
    cue_rules: dict      # cue character -> the slow near rules (by index) it is a cue of
    cued: frozenset      # those rules (all slow ones whose cues are not digits, which every number holds)
    cue_class: object    # stdlib pattern of those characters, or None
    wide_cue: object     # stdlib pattern of the cue characters of all wide rules, if each has a cue
    barriers: dict = field(default_factory=dict)   # character -> is it a barrier, as met


class _Unbounded(Exception):
    """A pattern whose matches are not confined by any set of characters."""


_RE_OPS = re._parser   # the stdlib parser: the rules use no syntax it reads otherwise
_C = re._constants
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT)
_LOOKS = (_C.ASSERT, _C.ASSERT_NOT)
_CATEGORIES = {_C.CATEGORY_DIGIT: r"\d", _C.CATEGORY_SPACE: r"\s", _C.CATEGORY_WORD: r"\w"}
# \p{Han} and friends: a character class the stdlib does not know, read as
# this placeholder, which no analysis takes for a plain character
_PROPERTY = re.compile(r"\\(?:[pP](?:\{[^}]*\}|.)|.)", re.S)
_UNKNOWN = 0x10FFFE
# POSIX classes and fuzzy matching ({e<=1}) mean something else to the stdlib
_FOREIGN = re.compile(r"\[:\^?\w+:\]|\{(?!\d*,?\d*\})")
# candidates are numbers with units, so the characters of numbers (and of
# the lexicon's units) are everywhere near them and make poor cues
_NUMBER_CHARS = frozenset("0123456789.,%-/:一二两三四五六七八九十百千万亿零〇")


def _parse_rule(pattern: str):
    """The stdlib's parse tree of a rule pattern, or None where it may read it otherwise."""
    text = _PROPERTY.sub(lambda m: r"\U0010fffe" if m.group()[1] in "pP" else m.group(), pattern)
    if _FOREIGN.search(text):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")       # a nested set: regex reads it otherwise
            tree = _RE_OPS.parse(text)
    except (re.error, Warning, RecursionError):
        return None
    if tree.state.flags & (re.IGNORECASE | re.VERBOSE | re.DOTALL):
        return None
    return tree


def _class_items(op, av) -> set | None:
    """The regex class items of a one-character node, or None for a negated or unknown class."""
    if op is _C.LITERAL:
        return None if av == _UNKNOWN else {regex.escape(chr(av))}
    items = set()
    for o, a in av:
        if o is _C.LITERAL and a != _UNKNOWN:
            items.add(regex.escape(chr(a)))
        elif o is _C.RANGE:
            items.add(regex.escape(chr(a[0])) + "-" + regex.escape(chr(a[1])))
        elif o is _C.CATEGORY and a in _CATEGORIES:
            items.add(_CATEGORIES[a])
        else:
            return None
    return items


def _confine(items, chars: set, reaches: list) -> None:
    """Add to `chars` the class items of every character a match may consume or
    a lookaround look at; to `reaches`, how many characters past the one it
    stands at an anchor or a lookaround that cannot be confined so may look
    at.  Raise _Unbounded when neither holds."""
    for op, av in items:
        if op is _C.LITERAL or op is _C.IN:
            found = _class_items(op, av)
            if found is None:
                raise _Unbounded
            chars |= found
        elif op is _C.BRANCH:
            for branch in av[1]:
                _confine(branch, chars, reaches)
        elif op is _C.SUBPATTERN:
            if av[1] or av[2]:
                raise _Unbounded                 # local flags
            _confine(av[3], chars, reaches)
        elif op is _C.ATOMIC_GROUP:
            _confine(av, chars, reaches)
        elif op in _REPEATS:
            _confine(av[2], chars, reaches)
        elif op is _C.GROUPREF:
            pass                                 # the group's characters are counted where it stands
        elif op is _C.AT:
            reaches.append(2)                    # ^ $ \b: the characters beside, and is the next the end
        elif op in _LOOKS:
            inner: set = set()
            try:
                _confine(av[1], inner, reaches)
                chars |= inner
            except _Unbounded:
                reaches.append(_look_reach(av[1]))   # (?=\p{Han}): one character, whatever it is
        else:
            raise _Unbounded


def _look_reach(items) -> int:
    """How many characters from where it stands a lookaround with these
    contents may look at; raise _Unbounded when that has no bound."""
    reach = offset = 0
    for op, av in items:
        if op is _C.AT:
            reach = max(reach, offset + 2)
            continue
        if op is _C.LITERAL or op is _C.IN:
            width = inner = 1
        elif op is _C.BRANCH:
            width = max(branch.getwidth()[1] for branch in av[1])
            inner = max(_look_reach(branch) for branch in av[1])
        elif op is _C.SUBPATTERN:
            width, inner = av[3].getwidth()[1], _look_reach(av[3])
        elif op is _C.ATOMIC_GROUP:
            width, inner = av.getwidth()[1], _look_reach(av)
        elif op in _REPEATS:
            width = av[1] * av[2].getwidth()[1]
            inner = width + _look_reach(av[2])   # its last time round
        else:
            raise _Unbounded                     # a lookaround in a lookaround, a group reference
        if offset + width >= _C.MAXREPEAT:
            raise _Unbounded
        reach = max(reach, offset + inner)
        offset += width
    return max(reach, offset)


def _cue_chars(items, common: frozenset) -> frozenset | None:
    """Characters one of which every match of `items` holds (the fewest, and
    the fewest `common` ones), or None."""
    best = None
    for op, av in items:
        found = _cue_chars_of(op, av, common)
        if found and (best is None or (len(found & common), len(found)) < (len(best & common), len(best))):
            best = found
    return best


def _cue_chars_of(op, av, common: frozenset) -> frozenset | None:
    if op is _C.LITERAL:
        return None if av == _UNKNOWN else frozenset(chr(av))
    if op is _C.IN:
        chars = set()
        for o, a in av:
            if o is _C.LITERAL and a != _UNKNOWN:
                chars.add(chr(a))
            elif o is _C.RANGE and a[1] - a[0] < 64:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            else:
                return None
        return frozenset(chars)
    if op is _C.BRANCH:
        chars = set()
        for branch in av[1]:
            found = _cue_chars(branch, common)
            if not found:
                return None
            chars |= found
        return frozenset(chars)
    if op is _C.SUBPATTERN:
        return None if av[1] or av[2] else _cue_chars(av[3], common)
    if op is _C.ATOMIC_GROUP:
        return _cue_chars(av, common)
    if op in _REPEATS and av[0] >= 1:
        return _cue_chars(av[2], common)
    return None


def _slow_start(items) -> bool:
    """True when a match may start with a character of a category or negated
    class (\\d, \\s, [^...]): the regex engine has no quick way to such
    starts, and in the text around numbers it tries one at almost every
    position.  Rules that start with plain characters it finds quickly."""
    for k, (op, av) in enumerate(items):
        if op is _C.AT or op in _LOOKS:
            continue
        rest = list(items[k + 1:])
        if op is _C.LITERAL:
            return av == _UNKNOWN
        if op is _C.IN:
            return any(o is not _C.LITERAL and o is not _C.RANGE or a == _UNKNOWN for o, a in av)
        if op is _C.BRANCH:
            return any(_slow_start(list(branch) + rest) for branch in av[1])
        if op is _C.SUBPATTERN:
            return _slow_start(list(av[3]) + rest)
        if op is _C.ATOMIC_GROUP:
            return _slow_start(list(av) + rest)
        if op in _REPEATS:
            return _slow_start(list(av[2])) or (av[0] == 0 and _slow_start(rest))
        return True
    return False


def _char_class(chars) -> object:
    return re.compile(f"[{class_body(chars)}]")


def _literal_trie(words) -> str:
    """A stdlib pattern for a set of literal words that, like their
    alternation longest first, matches the longest word at each position but
    tries one branch per character, not every word.

    >>> _literal_trie(["一线", "一线城市", "十分"])
    '(?:一线(?:城市|)|十分)'
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        # a word that ends here comes after every longer one
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alts.append("")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return emit(trie)


@lru_cache(maxsize=8)
def exclusion_plan(lex: Lexicon) -> _ExclusionPlan:
    """How `excluded_spans` runs each exclusion rule of `lex` near candidates,
    read from the patterns once (the lexicon loader asks for it at load)."""
    near, wide = [], []
    chars: set = set()
    reaches: list = []
    cue_rules: dict = {}
    wide_cues: list = []                 # the cue characters of each wide rule, or None
    common = _NUMBER_CHARS | frozenset("".join(lex.unit_words))
    for rule in lex.rules:
        tree = _parse_rule(rule.pattern.pattern)
        found = _cue_chars(list(tree), common) if tree is not None else None
        cue = _char_class(found) if found else None
        try:
            if tree is None or tree.getwidth()[0] == 0:
                raise _Unbounded                 # an empty match would need the scan's history
            rule_chars: set = set()
            _confine(list(tree), rule_chars, reaches)
        except _Unbounded:
            wide.append((rule.pattern, cue))
            wide_cues.append(found or None)
            continue
        slow = _slow_start(list(tree))
        if slow and found and found.isdisjoint("0123456789"):
            for c in found:
                cue_rules.setdefault(c, []).append(len(near))
        near.append(_NearRule(rule.pattern, cue, found, tree.getwidth()[0], slow))
        chars |= rule_chars
    if lex.idiom_regex is not None:       # (the loader admits no empty word)
        # the same matches as lex.idiom_regex: plain words read alike by both engines
        first = frozenset(w[0] for w in lex.idioms)
        near.append(_NearRule(re.compile(_literal_trie(lex.idioms)), _char_class(first), first,
                              min(map(len, lex.idioms)), False))
        chars |= {regex.escape(c) for w in lex.idioms for c in w}
    run = "[" + "".join(sorted(chars)) + "]*+" if chars else "(?!)"
    return _ExclusionPlan(tuple(near), tuple(wide), regex.compile("(?r)" + run), regex.compile(run),
                          max([2] + reaches), {c: tuple(rules) for c, rules in cue_rules.items()},
                          frozenset(k for rules in cue_rules.values() for k in rules),
                          _char_class(cue_rules) if cue_rules else None,
                          _char_class(set().union(*wide_cues)) if wide and None not in wide_cues else None)


def _near_matches(text: str, near, windows, plan: _ExclusionPlan) -> list[tuple[int, int]]:
    """The matches of plan.near rules, run over `windows`, that lie in the
    regions around the `near` spans."""
    spans: list[tuple[int, int]] = []
    if not plan.near:
        return spans
    for piece in _pieces(text, _regions(text, near, windows, plan), plan.margin):
        # a match lies in one region, and holds a cue character: in a short
        # piece (a text of a line or two) most rules can be passed over
        longest = piece.longest
        present = frozenset(piece.string) if len(piece.string) <= _SHORT_PIECE else None
        for k, rule in enumerate(plan.near):
            if rule.width > longest:
                continue
            if present is not None and rule.cue_chars is not None and rule.cue_chars.isdisjoint(present):
                continue
            _piece_matches(k, rule, piece, plan, spans)
    return spans


_SHORT_PIECE = 200


def _regions(text: str, near, windows, plan: _ExclusionPlan) -> list[list[int]]:
    """[start, end, window start, window end] of the stretches between
    barriers around the near spans, clipped to their windows; sorted and
    disjoint.  Stretches of one window closer than two margins are joined
    (the text between them would be scanned as context anyway)."""
    regions: list[list[int]] = []
    join = 2 * plan.margin
    barriers = plan.barriers
    w = -1
    lo = hi = -1                         # the window of the span, none yet
    last = None                          # the region before
    for s, e in sorted(near):
        if s >= hi:
            w += 1
            while s >= windows[w][1]:
                w += 1
            lo, hi = windows[w]
        joins = last is not None and last[2] == lo and s <= last[1] + join
        if joins and e <= last[1]:
            continue                     # inside the region before (its stretch
                                         # is known: never look along it again)
        # most spans have a barrier right beside them (a known one: the
        # stretch functions learn the others): that needs no call
        if e < hi and barriers.get(text[e]) is True:
            end = e
        else:
            end = _stretch_end(text, e, hi, plan)
        if joins:
            last[1] = end
            continue
        if s > lo and barriers.get(text[s - 1]) is not True:
            s = _stretch_start(text, s, lo, plan)
        last = [s, end, lo, hi]
        regions.append(last)
    return regions


# The stretches next to numbers are mostly a character or two long: up to
# this many characters, looking each up is cheaper than a regex call
_STEPS = 6


def _stretch_start(text: str, s: int, lo: int, plan: _ExclusionPlan) -> int:
    """Where the stretch of non-barriers that ends at `s` starts (at least `lo`)."""
    barriers = plan.barriers
    stop = s - _STEPS if s - _STEPS > lo else lo
    while s > stop:
        c = text[s - 1]
        found = barriers.get(c)
        if found or (found is None and _is_barrier(c, plan)):
            return s
        s -= 1
    return s if s == lo else plan.left.match(text, lo, s).start()


def _stretch_end(text: str, e: int, hi: int, plan: _ExclusionPlan) -> int:
    """Where the stretch of non-barriers from `e` ends (at most `hi`)."""
    barriers = plan.barriers
    stop = e + _STEPS if e + _STEPS < hi else hi
    while e < stop:
        c = text[e]
        found = barriers.get(c)
        if found or (found is None and _is_barrier(c, plan)):
            return e
        e += 1
    return e if e == hi else plan.right.match(text, e, hi).end()


def _is_barrier(c: str, plan: _ExclusionPlan) -> bool:
    # the characters next to a number are mostly barriers: look them up
    # once instead of running a regex from each
    found = plan.barriers.get(c)
    if found is None:
        found = plan.barriers[c] = plan.right.match(c).end() == 0
    return found


class _Piece:
    """Regions with their context, joined into one string to scan."""

    __slots__ = ("string", "pos", "starts", "ends", "shifts", "longest", "_long", "_cued")

    def __init__(self, string: str, pos: int, starts: list, ends: list, shifts: list, longest: int) -> None:
        self.string, self.pos = string, pos
        self.starts, self.ends, self.shifts = starts, ends, shifts     # of each region
        self.longest = longest                                          # region
        self._long: dict = {}
        self._cued: dict | None = None

    def long_regions(self, width: int) -> list[int]:
        """The regions at least `width` characters long (shorter ones hold no match)."""
        found = self._long.get(width)
        if found is None:
            found = self._long[width] = [i for i, (s, e) in enumerate(zip(self.starts, self.ends)) if e - s >= width]
        return found

    def cued_regions(self, plan: _ExclusionPlan) -> dict:
        """Rule (index in plan.near) -> the regions that hold a character of
        its cue, for the rules in plan.cued, from one scan for them all."""
        if self._cued is None:
            self._cued = {}
            if plan.cue_class is not None:
                for m in plan.cue_class.finditer(self.string, self.pos):
                    h = m.start()
                    i = bisect.bisect_right(self.starts, h) - 1
                    if i < 0 or h >= self.ends[i]:
                        continue                 # context, not a region
                    for k in plan.cue_rules[m.group()]:
                        regions = self._cued.setdefault(k, [])
                        if not regions or regions[-1] != i:
                            regions.append(i)
        return self._cued


def _pieces(text: str, regions, margin: int) -> list[_Piece]:
    """The regions with `margin` characters of context on either side, as pieces."""
    pieces: list[_Piece] = []
    parts: list[str] = []               # the text of the piece before its current segment
    starts: list[int] = []
    ends: list[int] = []
    shifts: list[int] = []
    seg_start = seg_end = -1            # the current segment of text, none yet
    length = pos = longest = 0          # of the piece, current segment included; of its regions

    def close() -> None:
        nonlocal parts, starts, ends, shifts, seg_end, length, pos, longest
        if seg_end >= 0:
            parts.append(text[seg_start:seg_end])
            pieces.append(_Piece("".join(parts), pos, starts, ends, shifts, longest))
        parts, starts, ends, shifts, seg_end, length, pos, longest = [], [], [], [], -1, 0, 0, 0

    for a, b, lo, hi in regions:
        # a region at its window's start: the window's scan starts there, so
        # the piece does (with the text before as context for lookbehinds);
        # one within reach of its window's end: the piece ends where it ends
        fresh = a == lo and lo > 0
        last = b + margin > hi
        if fresh:
            close()
        start = a - margin if a > margin else 0
        end = hi if last else b + margin
        if start <= seg_end:
            if end > seg_end:
                length += end - seg_end
                seg_end = end
        else:
            if seg_end >= 0:
                parts.append(text[seg_start:seg_end])
            seg_start, seg_end = start, end
            length += end - start
        shift = seg_end - length            # text offset minus offset in the piece
        if fresh:
            pos = a - shift
        starts.append(a - shift)
        ends.append(b - shift)
        shifts.append(shift)
        if b - a > longest:
            longest = b - a
        if last:
            close()
    close()
    return pieces


def _piece_matches(k: int, rule: tuple, piece: _Piece, plan: _ExclusionPlan, spans: list) -> None:
    """Add to `spans` the matches of `rule` (plan.near[k]) in the regions of `piece`."""
    pattern, cue, _, width, slow = rule
    string, starts, ends, shifts = piece.string, piece.starts, piece.ends, piece.shifts
    # a rule that is slow to scan: when few regions can hold a match (with a
    # cue character, long enough), scan just those; else the whole piece
    todo = None
    if slow and k in plan.cued:
        todo = [i for i in piece.cued_regions(plan).get(k, ()) if ends[i] - starts[i] >= width]
    elif slow and width > 1:
        todo = piece.long_regions(width)
        if cue is not None and len(todo) <= len(starts) // 2:
            todo = [i for i in todo if cue.search(string, starts[i], ends[i])]
    if todo is not None and len(todo) <= len(starts) // 2:
        for i in todo:
            for m in pattern.finditer(string, starts[i], min(len(string), ends[i] + plan.margin)):
                if m.end() <= ends[i]:
                    spans.append((m.start() + shifts[i], m.end() + shifts[i]))
        return
    for m in pattern.finditer(string, piece.pos):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.end() <= ends[i]:
            spans.append((m.start() + shifts[i], m.end() + shifts[i]))


_SCALE_CHARS = frozenset("千万亿仟萬億")


def _plausible(q: Quantity, text: str, lex: Lexicon) -> bool:
    """The judgement that is not a matter of lexicon rules alone."""
    if q.value <= 0:
        return False
    if q.chinese:
        # "one" as an article: the numeral as written, not the converted
        # value (三百米 is 0.3 km and counts; 一个班子 does not)
        n = parse_numeral(q.numeral) if q.numeral else None
        if (n is not None and n == int(n) and n < lex.cn_min_value and not q.pre_applied
                and q.category in ("count", "people", "households", "duration")):
            return False
        if q.surface_unit in lex.cn_digits_only_units and _SCALE_CHARS.isdisjoint(q.numeral):
            return False
        if q.category in ("count", "people", "households"):
            # numbers that name a slogan or sum up a list of quoted names:
            # 三个“一号工程”, “问题清单”、“服务清单”三张清单
            nxt = text[q.end:q.end + 1]
            prv = text[q.start - 1:q.start] if q.start else ""
            if (nxt and nxt in "“\"‘「『") or (prv and prv in "“”\"‘’「」『』"):
                return False
    # a number glued to Latin letters or to a longer digit string is a code
    if q.start and (text[q.start - 1].isascii() and text[q.start - 1].isalnum()):
        return False
    return True


def _strip_fillers(words: list[tuple[str, str]], lex: Lexicon, from_end: bool) -> list[tuple[str, str]]:
    rng = range(len(words) - 1, -1, -1) if from_end else range(len(words))
    fillers = _filler_words(lex)
    cut = None
    for i in rng:
        w, t = words[i]
        if w in fillers or not w.strip() or w in QUOTES:
            continue
        cut = i
        break
    if cut is None:
        return []
    return words[: cut + 1] if from_end else words[cut:]


QUOTES = "“”‘’\"'「」『』《》"


def _is_filler(w: str, lex: Lexicon) -> bool:
    return w in _filler_words(lex)


@lru_cache(maxsize=8)
def _filler_words(lex: Lexicon) -> frozenset:
    """Words that never make a subject: fillers, change words, qualifiers before a number."""
    return frozenset(lex.fillers).union(lex.change_up, lex.change_down, lex.qualifier_before)


_BREAK_TAGS = frozenset(BREAK)
_CLAUSE_STOP_CHARS = frozenset(CLAUSE_STOPS)


def _cuts(w: str) -> bool:
    """True for a blank word or one with a clause stop or a digit in it."""
    # a word of letters only (most Chinese words) is none of these: one
    # C-level test instead of a look at every character
    return not w.isalpha() and (not w.strip() or not _CLAUSE_STOP_CHARS.isdisjoint(w)
                                or any(c.isdigit() for c in w))


def _breaks(w: str, t: str, fillers: frozenset) -> bool:
    if w.isascii() and w.isalnum() and any(c.isalpha() for c in w):
        return False             # GDP, 5A, 5G: Latin abbreviations and codes are names
    return w in fillers or t in _BREAK_TAGS or _cuts(w)


@lru_cache(maxsize=16384)
def subject_before(clause: str, lex: Lexicon) -> tuple[str, str, str]:
    """The noun phrase that ends the text before a number, the word right
    before the number, and that word's tag.

    >>> subject_before("半年度完成征收土地", load_lexicon())
    ('征收土地', '征收土地', 'n')
    """
    words = [pair for pair in _tagged(lex, clause, False) if pair[0] not in QUOTES]
    if not words:
        return "", "", ""
    imm, imm_tag = words[-1]
    words = _strip_fillers(words, lex, from_end=True)
    fillers = _filler_words(lex)
    phrase: list[str] = []
    chars = 0
    for i in range(len(words) - 1, -1, -1):
        w, t = words[i]
        if t == "q" and i > 0 and words[i - 1][1] not in ("m", "mq") and w not in fillers:
            t = "n"              # 充电桩: a measure-word character ending a noun
        if _breaks(w, t, fillers):
            break
        if len(phrase) >= MAX_TOKENS or chars + len(w) > MAX_CHARS:
            break
        phrase.append(w)
        chars += len(w)
    phrase.reverse()
    while phrase and phrase[0] in fillers:
        phrase.pop(0)
    return "".join(phrase), imm, imm_tag


@lru_cache(maxsize=16384)
def subject_after(clause: str, lex: Lexicon, skip: bool = False, verbal: bool = False) -> tuple[str, str]:
    """The noun phrase right after a number and its unit, and the tag of its
    first word: 个攻坚组逐一... -> 攻坚组.

    With `skip`, leading fillers and other quantities are skipped (381户共
    33.15公顷土地征收 -> 土地征收 for both); "N unit 的 X" and "N个村的 X" give X.  With `verbal`,
    a verb may end the phrase (the object of 完成: 房屋全部签约, 整体搬迁).

    >>> subject_after("的土地上", load_lexicon())
    ('土地', 'n')
    """
    if skip:
        clause = _skipper(lex)(clause)
    fillers = _filler_words(lex)
    words = [pair for pair in _tagged(lex, clause, False) if pair[0] not in QUOTES]
    while words and (words[0][0] in ("的", "之") or (words[0][0] in fillers and not words[0][1].startswith("v"))
                     or not words[0][0].strip()):
        words = words[1:]
    best = 0
    chars = 0
    de = -1
    for i, (w, t) in enumerate(words):
        if i >= MAX_TOKENS + 2 or chars + len(w) > MAX_CHARS + 4:
            break
        if _cuts(w):
            break
        if w == "的":
            if best == 0 and i > 2:
                break
            de = i
            chars += 1
            continue
        if (t in _BREAK_TAGS and not (verbal and best and t == "m")) or (w in fillers and i > 0 and not (verbal and best)):
            break
        if best and (t.startswith("d") or t == "ad"):
            break
        chars += len(w)
        if t.startswith(NOUNISH) or t in NOUNISH or (verbal and best and t.startswith("v")):
            best = i + 1
    if best == 0:
        return "", ""
    first = 0
    if 0 <= de < best and de <= 1 and not clause_text_after(words, best, clause):
        first = de + 1           # 30多亩的土地, 8个村的整村拆除 (not 112个项目的设计、监理)
    words = words[first:best]
    return "".join([w for w, _ in words]), (words[0][1] if words else "")


def clause_text_after(words, best, clause) -> bool:
    """True when the phrase words[:best] is followed by 、 in the clause (the first item of a list)."""
    prefix = "".join(w for w, _ in words[:best])
    k = clause.find(prefix) if prefix else -1
    return k >= 0 and clause[k + len(prefix): k + len(prefix) + 1] == "、"


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
    endings, lengths = _change_endings(lex)
    found = None
    for k in lengths:
        if k <= len(before):
            rank = endings.get(before[len(before) - k:])
            if rank is not None and (found is None or rank < found):
                found = rank
    return "" if found is None else found[1]


@lru_cache(maxsize=8)
def _change_endings(lex: Lexicon) -> tuple[dict, tuple]:
    """Every growth or decline word followed by a gap (比增, 下降了, 增幅达), as
    the text before a rate may end with it -> (rank, 'up' or 'down'), and
    the lengths of these endings.  Of the endings a text has, the lowest
    rank decides: the first gap that fits, a growth word before a decline
    word.  One lookup per length replaces a test per gap and word."""
    endings: dict = {}
    for g, gap in enumerate(lex.change_gaps):
        for kind, change, words in ((0, "up", lex.change_up), (1, "down", lex.change_down)):
            for w in words:
                rank = ((g, kind), change)
                if w + gap not in endings or rank < endings[w + gap]:
                    endings[w + gap] = rank
    return endings, tuple(sorted({len(e) for e in endings}))


def find_mentions(text: str, lex: Lexicon) -> list[Mention]:
    """Every indicator mention in a normalized text, in reading order."""
    quantities = find_quantities(text, lex)
    if not quantities:
        return []
    # the judgement that needs no rules first, so that the rules run only
    # around the numbers it leaves (windows stay those of all numbers)
    plausible = []
    for q in quantities:
        if q.pre_word:
            q = _check_pre_word(text, q, lex)
        if _plausible(q, text, lex):
            plausible.append(q)
    spans = excluded_spans(text, lex, [(q.start, q.end) for q in quantities], [(q.start, q.end) for q in plausible])
    spans.append((len(text) + 1, len(text) + 1))   # a sentinel: the walk below needs no bounds check
    k = 0                                # the first span that ends after the number
    out: list[Mention] = []
    last = None                          # the mention before
    sent_start = sent_end = 0            # the sentence it stands in
    for q in plausible:
        # the spans are sorted and disjoint, and the numbers in reading
        # order: one walk along both finds the spans a number overlaps
        if k and spans[k - 1][1] > q.start:
            k = 0                        # (a number out of order: walk again)
        while spans[k][1] <= q.start:
            k += 1
        if spans[k][0] < q.end:
            continue
        if not sent_start <= q.start < sent_end:
            sent_start, sent_end = sentence_around(text, q.start, sent_end if sent_end <= q.start else 0)
        lo, hi = clause_bounds(text, q.start, q.end)
        same_sentence = last is not None and last.sentence_start == sent_start
        if last is not None and last.quantity.end >= sent_start and last.quantity.end > lo:
            lo = last.quantity.end       # not back into the mention before
        subject = pick_subject(text, q, lo, hi, lex, last.quantity.end if last is not None else -1)
        change = ""
        if q.category == "rate":
            change = find_change(text, q, lo, lex)
            if not change and same_sentence and last.change and _joins_rates(text[last.quantity.end:q.start], lex):
                change = last.change     # 分别增长5.1%和6.8%
        if not subject and same_sentence:
            subject = last.subject
        sentence = last.sentence if same_sentence else text[sent_start:sent_end]
        last = Mention(q, subject, change, sentence, sent_start)
        out.append(last)
    return out


def _check_pre_word(text: str, q: Quantity, lex: Lexicon) -> Quantity:
    """约 in 签约212户 is part of a word, not a qualifier: drop it from the span."""
    n = len(q.pre_word)
    window_start = max(0, q.start - 8)
    toks = tokens(lex, text[window_start:q.start + n])
    # a qualifier starts a word of its own (不少于 may come as 不少/于; the 约
    # of 签约 starts inside one)
    if any(s == q.start for s, _e, _w in ((s + window_start, e, w) for s, e, w in toks)):
        return q
    return replace(q, start=q.start + n, raw=q.raw[n:], pre_word="",
                   qualifier="exact" if q.pre_applied else q.qualifier, pre_applied=False)


def _joins_rates(between: str, lex: Lexicon) -> bool:
    """和 in 分别增长5.1%和6.8%: the second rate shares the first one's change."""
    between = between.strip()
    return any(between == j or between == j + w for j in lex.list_joiners
               for w in ("",) + lex.change_up + lex.change_down)


def pick_subject(text: str, q: Quantity, lo: int, hi: int, lex: Lexicon, prev_end: int = -1) -> str:
    """Before or after the number, by how Chinese reports write a statistic.

    [noun] [filler] N unit     签约率达76%, 承租企业575家      -> the noun before
    [verb] N unit [noun]       组建8个攻坚组, 完成42.8%房屋签约 -> the noun after
    X、Y等 N unit [noun]       陈桥、江尾等9个村                -> the noun after
    N measure-word [noun]      63个建设项目, 10多名村干部       -> the noun after
    N unit 的 [noun]           30多亩的土地, 13人的攻坚队伍     -> the noun after
    duration 完成 [object]     7天完成14幢房屋全部签约          -> the object
    全县N家 (a scope)          ...荣获省级引领性农村社区,全县3家 -> the object before
    """
    if q.category in ("duration", "rate"):
        obj = _completed_object(text, q, lex)
        if obj:
            return obj
    # q.start already includes a qualifier word (约, 超过) when it is one; a
    # line break inside a clause is a layout wrap (新建安|置房), not a stop
    before_text = text[lo:q.start].replace("\n", "")
    before, imm, imm_tag = subject_before(before_text, lex) if before_text else ("", "", "")
    scoped = before in lex.scope_words
    if scoped:
        before = ""
    # the stop after the clause goes along: a 、 there shows a list
    after, after_tag = subject_after(text[q.end:hi + 1].replace("\n", ""), lex, True) if q.end < hi else ("", "")
    if not (before and after):
        subject = before or after
    else:
        first_after = _tagged(lex, after, False)[0][0]
        after_verb = (first_after in lex.lead_verbs or _is_filler(first_after, lex)) and "的" not in after
        # when the phrase after starts with a verb or a filler, the noun before is the subject
        prefer_after = not after_verb and (
            imm in lex.lead_verbs
            or (imm_tag == "v" and not _is_filler(imm, lex))
            or q.category in ("count", "people", "rate")
            or _only_places(before, lex)
            or (prev_end >= 0 and lo == prev_end and len(before_text) <= 4)
        )
        subject = after if prefer_after else before
    if not subject and scoped and text[lo - 1:lo] in "，,;；":
        subject = _previous_object(text, lo - 1, lex)
    return subject


def _only_places(phrase: str, lex: Lexicon) -> bool:
    """True for a phrase that only names a place (上蒋村, 江南街道): a place is no subject."""
    if not phrase:
        return False
    suffixes = _place_suffixes(lex)
    return all(t in ("ns", "nr", "nrfg", "nrt") or w.endswith(suffixes) for w, t in _tagged(lex, phrase, False))


@lru_cache(maxsize=8)
def _place_suffixes(lex: Lexicon) -> tuple:
    return tuple(lex.places.get("suffix", {})) + tuple(lex.places.get("gazetteer", {}).get("level_words", ()))


@lru_cache(maxsize=8)
def _skipper(lex: Lexicon):
    """A function that drops quantities written at the start of a stretch of text."""
    from .numbers import find_quantities as fq

    glue = "的共约达和及、"

    def skip(s: str) -> str:
        s = s.lstrip(glue)
        if not (s[:1].isdigit() or s[:1] in "一二两三四五六七八九十百千万"):
            return s
        pos = 0
        for q in fq(s, lex):             # one reading of the stretch, then walk it
            if s[pos:q.start].strip(glue):
                break
            pos = q.end
        return s[pos:].lstrip(glue)
    return skip


def _completed_object(text: str, q: Quantity, lex: Lexicon) -> str:
    """What a duration or a rate was spent on: 7天完成14幢房屋全部签约 -> 房屋全部签约,
    已100%完成丈量任务 -> 丈量任务.
    """
    pattern, firsts = _complete_re(lex)
    if firsts is not None and text[q.end:q.end + 1] not in firsts:
        return ""                        # most numbers: no regex call
    m = pattern.match(text, q.end)
    if not m:
        return ""
    seg_end = m.end()
    while seg_end < len(text) and text[seg_end] not in "，,。；;！？!?\n" and seg_end - m.end() < 60:
        seg_end += 1
    seg = text[m.end():seg_end]
    first = seg.split("、", 1)[0]
    if "、" in seg and not any(c.isdigit() for c in first):
        # 完成十里山、新建、蒋家四个区块13000平方米主体建设: the head ends the list
        phrase, _, _ = subject_before(seg, lex)
        return phrase
    phrase, _ = subject_after(seg, lex, True, verbal=True)
    return phrase


@lru_cache(maxsize=8)
def _complete_re(lex: Lexicon):
    """时间就完成了, 内完成, 已完成: a completion verb right after a duration or
    rate; with the characters a match can start with (None when an empty verb
    lets it match anywhere)."""
    verbs = alternation(lex.completion_verbs) or "(?!)"
    pattern = regex.compile(rf"(?:时间|的时间|之内|内)?(?:就|即|便|已|均|全部)?(?:{verbs})了?")
    if any(not v for v in lex.completion_verbs):
        return pattern, None
    return pattern, frozenset("时的之内就即便已均全").union(v[0] for v in lex.completion_verbs)


def _previous_object(text: str, end: int, lex: Lexicon) -> str:
    """The noun phrase that ends the previous clause: 荣获省级引领性农村社区,全县3家."""
    lo, _ = clause_bounds(text, end - 1, end)
    clause = text[lo:end].strip("“”\"'‘’")
    if not clause:
        return ""
    phrase, _, _ = subject_before(clause, lex)
    return phrase
