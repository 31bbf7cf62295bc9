"""Read the numbers of Chinese reports and the units written after them.

Two layers:

- `parse_numeral("三千五")` -> 3500.0: one numeral as written (Arabic digits
  with or without thousands separators, full-width digits, Chinese numerals
  with 点 decimals, financial forms 壹贰叁, 廿/卅, and mixed forms such as
  1.2万, 3千万, 4万5千, 两万五, 十几万, 数十亿);
- `find_quantities(text, lexicon)` -> [Quantity]: every number+unit span in a
  normalized text, with value in the standard unit, range end and qualifier
  (ranges 3-5人, 3人到5人, 三四户, 两到三万元; fractions 百分之二十, 千分之五,
  三分之一, 1/15; tenths 七成, 八五折; amounts 五元三毛; currencies written
  before the number, 港币两千元, ￥300).

Judging whether a quantity is an indicator (dates, ordinals, names, subjects)
is the job of `extract`, not of this module.  Nothing here uses jieba: the
scan is two compiled regexes per lexicon (where a number may start, and the
number there) plus a few look-ups around each match.

>>> parse_numeral("一万二千")
12000.0
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from typing import NamedTuple

import regex

from .chars import ASTRAL_RE, class_body
from .lexicon import Lexicon, alternation as _alt
from .model import Quantity
from .segment import CLAUSE_STOPS

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "俩": 2, "倆": 2, "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# 兆 is 10^12 in the series 万 亿 兆 (Taiwan and Japan reports); units such as
# 兆瓦 are not in the unit table, so a 兆 there never yields a quantity.
BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000, "兆": 10 ** 12}
TENS = {"廿": 20, "卅": 30, "卌": 40}
ZEROS = "零〇○"

CN_DIGITS = "".join(DIGITS)
UNIT_CHARS = "".join(SMALL) + "".join(BIG)
CN_CHARS = CN_DIGITS + UNIT_CHARS + "".join(TENS)
# Words inside a numeral for "some": 十余万, 一千多万, 十几万, 数十亿, 二十来万.
AT_LEAST_MARKS = "余多几数"
APPROX_MARKS = "来"

# Digits, perhaps grouped by thousands (1,234,567) and with decimals.  One
# greedy sequence: the engine reads it in one pass where a choice between a
# grouped and an ungrouped number tried the digits twice.
ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# One numeral run.  Besides digits and unit characters it takes: 点 between
# digits (十五点七); 几/数 standing for a digit (几十, 十几万, 数百); 余/多/来
# between a number and a following multiplier (十余万); 个 before 亿 (两个亿);
# one space a layout left before 万/亿 (10.2 万).
# The digit chunks are atomic: a run of digits is one chunk, never split, so a
# long run that is no numeral fails in linear time.
# What a run takes besides Arabic digits, at its start and further on.  Each
# alternative opens with the character it takes (the look back comes after
# it), so the engine passes over an alternative at one glance where the run ends.
_RUN_FIRST = rf"[{CN_CHARS}]|[几数](?=[{UNIT_CHARS}])"
_RUN_NEXT = (
    rf"[{CN_CHARS}]"
    rf"|点(?<=[{CN_CHARS}\d]点)(?=[{CN_DIGITS}\d])"
    rf"|几(?<=[{UNIT_CHARS}{ZEROS}]几)"
    rf"|[余多来](?<=[{CN_CHARS}\d][余多来])(?=[{UNIT_CHARS}])"
    rf"|个(?<=[{CN_CHARS}\d]个)(?=多?[亿億])"
    rf"|[ \t](?=[万萬亿億])"
)
NUMRUN = rf"(?:(?>{ARABIC})|{_RUN_FIRST})(?:(?>{ARABIC})|{_RUN_NEXT})*"
# The same run where it holds no digit: every step takes one character and
# depends only on the text around it, so this is NUMRUN exactly when the
# character after it is no digit.
CN_RUN = rf"(?:{_RUN_FIRST})(?:{_RUN_NEXT})*"

_ARABIC_RE = regex.compile(ARABIC)
_NUMRUN_RE = regex.compile(NUMRUN)
_SPLIT_DIGITS_RE = regex.compile(r"\d\s+\d")
_INSIDE_RE = re.compile(r"[ \t]?([多余来几])")
_INSIDE_START = frozenset(" \t多余来几")
_HAN_RE = regex.compile(r"\p{Han}")
_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def _unit_alt(lex: Lexicon) -> str:
    """The unit words for the stdlib `re`, longest first, each with its checks.

    A word is no unit before one of its `not_before` words (as read within
    six characters of its end: 方 in 三方协议 is no volume), nor a Latin word
    before a Latin letter (250m, but not 10mg).  All words that match at one
    place are beginnings of the longest, so the first alternative that passes
    its checks is the longest of them that is a unit there.

    The words are grouped by their first character (万(?:千瓦|元|...)): the
    engine passes over a group at one look at that character, where it tried
    every word of a long list in turn.  Words with different first characters
    never match at one place, so only the order within a group matters.
    """
    groups: dict[str, list[str]] = {}
    for w in sorted((w for w in lex.units if w), key=len, reverse=True):
        not_before = {x for x in lex.units[w].not_before if 0 < len(x) <= 6}
        alt = re.escape(w[1:])
        if any(not x for x in lex.units[w].not_before):
            continue      # nothing may follow: never a unit
        if not_before:
            # the single characters as one class: far quicker to compile
            chars = sorted(x for x in not_before if len(x) == 1)
            words = sorted(x for x in not_before if len(x) > 1)
            alt += f"(?!{'|'.join(([_char_class(chars)] if chars else []) + [re.escape(x) for x in words])})"
        if w[-1].isascii() and w[-1].isalpha():
            alt += "(?![A-Za-z])"
        groups.setdefault(w[0], []).append(alt)
    return "|".join(re.escape(first) + (alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})")
                    for first, alts in groups.items())


def _char_class(chars) -> str:
    """A regex character class of the given characters, each escaped."""
    return f"[{class_body(chars)}]"


class NumeralError(ValueError):
    """A numeral that does not follow the grammar (五十千, 一万两万)."""


def _digit_sequence(s: str) -> bool:
    """二〇二三, 五五: Chinese digits only, read one by one (no unit between)."""
    return len(s) >= 2 and all(c in DIGITS for c in s)


def _section(s: str) -> Decimal:
    """A numeral without 万/亿: '两千四百五' -> 2450; raises NumeralError.

    Units must fall from left to right; 零 only marks a gap; a single digit
    right after 百 or 千 is short for the next unit down (一百五 = 150).
    """
    total = Decimal(0)
    number: Decimal | None = None
    single = False          # the pending number is one written digit
    last_unit: int | None = None
    gap = False
    i = 0
    while i < len(s):
        m = _ARABIC_RE.match(s, i)
        if m:
            if number is not None:
                raise NumeralError(s)
            number = Decimal(m.group().replace(",", ""))
            single = len(m.group()) == 1
            i = m.end()
            continue
        ch = s[i]
        i += 1
        if ch in ZEROS:
            if number is not None:
                raise NumeralError(s)
            gap = True
            continue
        if ch in DIGITS:
            if number is not None:
                raise NumeralError(s)
            number, single = Decimal(DIGITS[ch]), True
            continue
        if ch in TENS:
            if number is not None or (last_unit is not None and last_unit <= 10):
                raise NumeralError(s)
            total += TENS[ch]
            last_unit, gap = 10, False
            continue
        if ch in SMALL:
            u = SMALL[ch]
            if last_unit is not None and u >= last_unit:
                raise NumeralError(s)
            total += (1 if number is None else number) * u
            number, last_unit, gap = None, u, False
            continue
        raise NumeralError(s)
    if number is not None:
        if single and not gap and last_unit is not None and last_unit >= 100:
            number *= last_unit // 10
        total += number
    return total


_BIG_ORDER = tuple(sorted(BIG.items(), key=lambda kv: -kv[1]))


def _integer(s: str) -> Decimal:
    """A numeral without 点: split at the last of the biggest multiplier present.

    '一千零一万零一' -> 1001 * 10^4 + 1; '4.78万亿' -> 47800 * 10^8.
    """
    for ch, big in _BIG_ORDER:
        i = s.rfind(ch)
        if i < 0:
            continue
        left, right = s[:i], s[i + 1:]
        if ch in left and not left.endswith(ch):
            raise NumeralError(s)   # 一万两万; but 四万万, 十万亿 multiply
        left_value = _integer(left) if left else Decimal(1)
        value = left_value * big
        if right:
            if right[0] in ZEROS:
                rv = _integer(right.lstrip(ZEROS)) if right.lstrip(ZEROS) else Decimal(0)
            elif len(right) == 1 and (right in DIGITS or right.isdigit()):
                # 两万五 = 25000, 一亿五 = 1.5 * 10^8
                rv = Decimal(DIGITS.get(right, right)) * big / 10
            else:
                rv = _integer(right)
            if rv >= big:
                raise NumeralError(s)
            value += rv
        return value
    return _section(s)


_SOME_WORDS = frozenset("几数余多来个")


def _normal_form(s: str) -> str:
    """Full-width folded, spaces dropped, the 'some' words resolved to digits.

    几/数 opening a numeral before a unit count as one (几十 -> 一十, 数百 ->
    一百), elsewhere as zero (十几 -> 十零, 二十几万 -> 二十零万); 余 多 来 and
    the 个 of 两个亿 carry no value.
    """
    s = "".join(s.translate(_FULLWIDTH).split())
    if _SOME_WORDS.isdisjoint(s):
        return s
    out = []
    for i, ch in enumerate(s):
        if ch in "几数":
            nxt = s[i + 1:i + 2]
            first = not out or out[-1] not in CN_CHARS
            out.append("一" if first and nxt and nxt in UNIT_CHARS else "零")
        elif ch in "余多来个":
            continue
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=16384)
def parse_numeral(s: str) -> float | None:
    """The value of one numeral, or None when it is not a well-formed number.

    A run of Chinese digits with no unit (二〇二三, 五五) is read digit by digit.

    >>> parse_numeral("1.2万"), parse_numeral("一百零五"), parse_numeral("两万五")
    (12000.0, 105.0, 25000.0)
    >>> parse_numeral("十五点七"), parse_numeral("数十亿"), parse_numeral("五十千")
    (15.7, 1000000000.0, None)
    """
    if not s.isalnum() and _SPLIT_DIGITS_RE.search(s.translate(_FULLWIDTH)):
        return None      # two numbers side by side
    s = _normal_form(s)
    if not s:
        return None
    if _digit_sequence(s):
        return float("".join(str(DIGITS[c]) for c in s))
    try:
        if "点" in s:
            head, _, tail = s.partition("点")
            k = 0
            while k < len(tail) and (tail[k] in DIGITS or tail[k].isdigit()):
                k += 1
            frac, mult = tail[:k], tail[k:]
            if not head or not frac or any(c not in BIG for c in mult):
                return None
            value = _integer(head) + Decimal("0." + "".join(str(DIGITS.get(c, c)) for c in frac))
            for c in mult:
                value *= BIG[c]
        else:
            value = _integer(s)
    except (NumeralError, ValueError, InvalidOperation):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@lru_cache(maxsize=16384)
def numeral_qualifier(s: str) -> str:
    """The qualifier a numeral carries in itself: 十余万 -> at_least, 二十来 -> approx.

    >>> numeral_qualifier("十几"), numeral_qualifier("三千")
    ('at_least', 'exact')
    """
    if any(c in AT_LEAST_MARKS for c in s):
        return "at_least"
    if any(c in APPROX_MARKS for c in s):
        return "approx"
    return "exact"


# Two neighbouring digits for "this or that many": 三四户, 七八十亩, 十七八岁,
# 一百二三十, 四五千; 三五 only before a multiplier (三五百), since 三五成群
# and 三五折 are no ranges.
_PAIR_RE = regex.compile(
    rf"^(?P<pre>[{CN_CHARS}]*[{UNIT_CHARS}])?(?P<a>[一二两三四五六七八九])(?P<b>[二两三四五六七八九])(?P<u>[{UNIT_CHARS}]*)$"
)


@lru_cache(maxsize=16384)
def parse_range_pair(s: str) -> tuple[float, float] | None:
    """三四 -> (3, 4); 七八十 -> (70, 80); 十七八 -> (17, 18); else None.

    >>> parse_range_pair("二三十"), parse_range_pair("三五百"), parse_range_pair("五五")
    ((20.0, 30.0), (300.0, 500.0), None)
    """
    m = _PAIR_RE.match(s)
    if not m:
        return None
    a, b = DIGITS[m["a"]], DIGITS[m["b"]]
    if not (b == a + 1 or (a, b) == (3, 5) and m["u"] and m["u"][0] in "百千万亿"):
        return None
    pre = m["pre"] or ""
    lo = parse_numeral(pre + m["a"] + m["u"])
    hi = parse_numeral(pre + m["b"] + m["u"])
    if lo is None or hi is None or not lo < hi:
        return None
    return lo, hi


# Parts of a Chinese amount after 元/块: 五元三毛, 50元6角三分.  They are read
# only there (分 alone is a score, 三角 a delta, 五角大楼 a building).
CNY_MINOR = {"角": 0.1, "毛": 0.1, "分": 0.01}
# Discounts name the price paid in tenths, and two digits in a row in
# hundredths: 八折 = 80%, 八五折 = 85%, 75折 = 75%.
DISCOUNT = ("折",)
# A 半 that is part of a word, not "half": 上半年, 一半, 大半, 多半, 过半.
HALF_NOT_AFTER = "上下前后大多好过一这那另每"
# Categories that count whole things: 2.2本 is a version, not 2.2 books.
COUNTED = ("count", "people", "households")
# Clause punctuation and words after which a 半 ending a quantity stands alone:
# 一吨半, 两米半的, 一个半小时 (but 半径, 半岛 are words).
HALF_END = "，,。；;、：:！!？?）)”\"的左以之多后前时就才和及与或\n "


class _Numeral(NamedTuple):
    """What a numeral as written says by itself, before its unit is read."""

    written: str                # as in the text (10.2 万 keeps its space)
    core: str                   # without the spaces around it
    value: float
    value_max: float | None
    qualifier: str
    sequence: bool              # digits read one by one (五五折)
    digitless: bool             # multipliers only: 百万, 亿
    chinese: bool               # no Arabic digit in it
    normal: str                 # its _normal_form
    single: bool                # one value: no range (三四), no digit sequence
    whole: bool                 # a finite whole number (to within 1e-6)


@lru_cache(maxsize=16384)
def _read_numeral(written: str) -> _Numeral | None:
    """The reading of one numeral, or None when it is none (五十千, 三点)."""
    core = written.strip()
    if core[-1:] in "点个余多来":
        return None
    qualifier, sequence = numeral_qualifier(core), False
    value_max = None
    if len(core) > 1 and not _ARABIC_RE.search(core):
        pair = parse_range_pair(core)
        if pair:
            (value, value_max), qualifier = pair, "range"
        elif _digit_sequence(core):
            value, qualifier, sequence = parse_numeral(core), "exact", True
        else:
            value = parse_numeral(core)
    else:
        value = parse_numeral(core)
    if value is None:
        return None
    whole = math.isfinite(value) and abs(value - round(value)) <= 1e-6
    return _Numeral(written, core, value, value_max, qualifier, sequence, _digitless(written),
                    _chinese(written), _normal_form(written), value_max is None and not sequence, whole)


class _AnyChar:
    """The first or last characters of a word list that holds an empty word:
    such a word matches anywhere, so no character rules a match out."""

    def __contains__(self, ch: str) -> bool:
        return True


def _edge_chars(words, index: int, extra: str = ""):
    """The characters `words` start (index 0) or end (index -1) with, and `extra`.

    A regex over the words can only match where one of them stands, so a
    look at one character spares most calls to it.
    """
    words = list(words)
    if any(not w for w in words):
        return _AnyChar()
    return frozenset(w[index] for w in words) | frozenset(extra)


class _Patterns:
    """Compiled patterns and unit tables for one lexicon, built once and cached."""

    def __init__(self, lex: Lexicon) -> None:
        units = _unit_alt(lex)
        before = _alt(lex.qualifier_before)
        after = _alt(lex.qualifier_after)
        joiners = _alt(lex.range_joiners)
        # A fraction (三分之一) starts as a numeral: it is looked for only
        # where one stands before 分之.
        fraction = rf"(?<![\d.,{CN_CHARS}])(?P<den>{NUMRUN})分之(?P<fnum>{NUMRUN})"
        # A numeral read whole takes the unit after it in the same match, past
        # a 'some' word (300多穴, 2万余名) when a unit follows that: as
        # _match_unit there, but with no second look-up.  The groups stay
        # empty when no unit follows.
        number = (
            rf"(?<![\d.])(?P<slash>\d++)/(?P<den2>\d+)(?![\d/])"
            rf"|(?P<num>{NUMRUN})"
            rf"(?:(?:[ \t]?(?P<some>[多余来几]))?[ \t]?(?P<unit>{units or '(?!)'}))?"
            rf"|(?<![{HALF_NOT_AFTER}])(?P<half>半)"
        )
        self.numrun = _NUMRUN_RE
        # Literal word lists, looked up once or twice per number: stdlib `re`.
        self.unit = re.compile(rf"[ \t]?({units})") if units else None
        self.before = re.compile(rf"(?:{before})[ \t]?$") if before else None
        self.after = re.compile(rf"[ \t]?(?:{after})") if after else None
        self.joiner = re.compile(rf"[ \t]?(?:{joiners})[ \t]?") if joiners else None
        self.included = regex.compile(r"[(（]\s*(?:含|不含)\s*[)）]")
        # Where each of these can match: the character at a match start (or
        # before a match end, for the patterns that end at `$`; `$` also
        # matches before a final newline).
        self.unit_start = _edge_chars(lex.unit_words, 0, " \t") if units else frozenset()
        # Can a unit word start inside a run of ASCII digits (12,345.6)?
        self.unit_in_digits = any(c in self.unit_start for c in "0123456789,.")
        self.before_end = _edge_chars(lex.qualifier_before, -1, " \t\n")
        self.after_start = _edge_chars(lex.qualifier_after, 0, " \t(（")
        self.range_start = _edge_chars(lex.range_joiners, 0, " \t(（")
        # currencies: major units (factor 1) by code, their words, symbols
        money = {w: u for w, u in lex.units.items() if u.category == "money"}
        self.major = {w: u.unit for w, u in money.items() if u.factor == 1}
        self.minor = {w: (u.unit, u.factor) for w, u in money.items() if u.factor < 1}
        names = [w for w, code in self.major.items() if code != "CNY" or w == "人民币"]
        names += [w for w in self.major if not _HAN_RE.search(w)]
        self.currency_before = re.compile(rf"(?:{_alt(names)})[ \t]?$") if names else None
        self.currency_end = _edge_chars(names, -1, " \t\n")
        self.currency_after = re.compile(
            rf"(?:{_alt(w for w, c in self.major.items() if c != 'CNY')})") if names else None
        minor_words = list(self.minor) + list(CNY_MINOR)
        self.minor_tail = regex.compile(
            rf"[又和零]?(?P<n>{NUMRUN})(?P<u>{_alt(minor_words)})(?![之钟])")
        self.tenth_tail = regex.compile(rf"(?P<d>[{CN_DIGITS}\d])(?![{CN_CHARS}\d点.])")
        # Units that take nothing but their factor and the qualifier words
        # around them (no context decides them, no tenths follow them), with
        # what a quantity needs: word -> (category, unit, factor, counted,
        # after, before).  Where the character right after such a unit is
        # outside `after`, no range or half follows, and where the one before
        # the number is outside `before`, no sign (or currency name) stands
        # there.  After a money unit, money_tail must not match either (no
        # smaller unit, currency name, 钱 or 整 follows).
        plain_after = _union(self.range_start, "半")
        plain_before = frozenset("+-")
        money_before = _union(plain_before, self.before_end, self.currency_end)
        self.plain_units = {
            w: (ud.category, ud.unit, ud.factor, ud.category in COUNTED,
                plain_after, money_before if ud.category == "money" else plain_before)
            for w, ud in lex.units.items()
            if not ud.alt and not _tenths(ud) and not w.startswith("个半")}
        # what _read_money_tail may read: a currency name, a number (of a
        # smaller unit, or tenths of a yuan), 钱, 整; any character beyond
        # the BMP, where `regex` may know more digits
        other_currencies = [w for w, c in self.major.items() if c != "CNY"]
        money_tail_chars = _union(_edge_chars(other_currencies, 0), CN_CHARS, "几数又和零钱整")
        self.money_tail = None if isinstance(money_tail_chars, _AnyChar) else re.compile(
            rf"{_char_class(money_tail_chars)}|\d|[^\x00-\uffff]")
        # A number with no unit after it is a quantity only in a range, before
        # 个半, after a currency or a qualifier word, or ending in 万/亿; most are
        # years, list numbers and codes, turned down at one look around them.
        self.unitless_after = _union(self.range_start, "个")
        self.word_ends = _union(_edge_chars(lex.qualifier_before, -1), _edge_chars(names, -1))
        self.ge_units = tuple(sorted((w for w in lex.units if w.startswith("个") and len(w) > 1),
                                     key=len, reverse=True))
        # characters that can stand right after a numeral written in Chinese
        # characters when it is a quantity: most Chinese numerals in running
        # text are parts of words (一些, 统一, 十分), which the scan passes over
        words = (list(lex.unit_words) + list(lex.qualifier_inside) + list(lex.qualifier_after)
                 + list(lex.range_joiners) + list(self.major) + minor_words)
        self.follow = frozenset(w[0] for w in words if w) | frozenset("分点半又零 \t")
        # The scan for numbers: where one may start, then the number there
        # (and a fraction where 分之 follows it).  Stdlib `re` runs them in a
        # third of the time `regex` takes and means the same by \d within the
        # BMP; a text with characters beyond it is scanned with `regex` (see
        # scan_all).
        self._scan_source = (_scan_pattern(self.follow), number, fraction)
        self.scan_bmp = tuple(re.compile(pattern) for pattern in self._scan_source)

    @cached_property
    def scan_all(self) -> tuple:
        """The scan in `regex`, compiled when the first text beyond the BMP comes."""
        return tuple(regex.compile(pattern) for pattern in self._scan_source)


def _union(*char_sets):
    """The union of character sets (or strings), any of which may be an _AnyChar."""
    if any(isinstance(chars, _AnyChar) for chars in char_sets):
        return _AnyChar()
    return frozenset().union(*char_sets)


def _scan_pattern(follow: frozenset) -> str:
    """Where a number may start: a digit, a 半 that can be half, or a Chinese
    numeral that is no word.

    A run of Chinese numerals without a digit (CN_RUN, the run NUMRUN takes
    there) that neither ends in a character of `follow` or a multiplier nor
    stands before one is a part of a word (一些, 统一), and is passed over
    here rather than in Python.  Nor does any number start inside such a run,
    so passing it one character at a time finds what jumping to its end finds.
    The pattern opens with one character set, which `re` finds fast.
    """
    ends_ok = _char_class(follow | set("万亿萬億"))
    return (
        rf"[{CN_CHARS}几数半\d]"
        rf"(?:(?<=\d)"
        rf"|(?<=半)(?<![{HALF_NOT_AFTER}]半)"
        rf"|(?<=[{CN_CHARS}几数])(?!(?>(?:{_RUN_NEXT})*)(?!\d)(?<!{ends_ok})(?!{_char_class(follow)})))"
    )


# `regex` knows a newer Unicode than `re`: the digits it has that `re` lacks
# all lie outside the Basic Multilingual Plane (a test pins this).


@lru_cache(maxsize=8)
def _patterns(lex: Lexicon) -> _Patterns:
    return _Patterns(lex)


def _match_unit(p: _Patterns, lex: Lexicon, text: str, pos: int):
    """(unit word, end) of the unit at `pos` (after an optional space), or None.

    Honours `not_before` (方 in 三方协议 is no volume) and lets a Latin unit
    end only where the word ends (250m, but not 10mg).
    """
    if text[pos:pos + 1] not in p.unit_start:
        return None
    m = p.unit.match(text, pos)
    return (m[1], m.end()) if m else None


# The clause around a number, as far as 40 characters before it and 12 after.
_CLAUSE_BEFORE_RE = re.compile(rf"[^{CLAUSE_STOPS}]{{0,40}}\Z")
_CLAUSE_AFTER_RE = re.compile(rf"[^{CLAUSE_STOPS}]{{0,12}}")


def _context(lex: Lexicon, name: str, text: str, start: int, end: int) -> bool:
    """Does the clause around [start, end) hold a word of [context.NAME]?"""
    lo = _CLAUSE_BEFORE_RE.search(text, max(0, start - 40), start).start()
    hi = _CLAUSE_AFTER_RE.match(text, end).end()
    window = text[lo:hi]
    return any(w in window for w in lex.contexts.get(name, ()))


def find_quantities(text: str, lex: Lexicon) -> list[Quantity]:
    """Every number with a known unit in `text` (normalized), in reading order.

    >>> [(q.raw, q.value, q.unit, q.qualifier) for q in find_quantities("迁移坟墓300多穴", load_lexicon())]
    [('300多穴', 300.0, '穴', 'at_least')]
    """
    p = _patterns(lex)
    starts, numbers, fractions = p.scan_all if ASTRAL_RE.search(text) else p.scan_bmp
    scan, number, fraction = starts.search, numbers.match, fractions.match
    out: list[Quantity] = []
    pos = 0
    floor = 0
    while True:
        c = scan(text, pos)
        if not c:
            break
        m = number(text, c.start())
        if not m:
            pos = c.start() + 1
            continue
        q, skip = _read_match(text, m, p, lex, floor, fraction)
        if q is None:
            # never restart inside a number that was rejected (2.2本, 二〇一八年)
            pos = max(skip, m.start() + 1)
            continue
        out.append(q)
        pos = floor = q.end
    return out


# The groups _read_match reads in every match of the number pattern, by
# number (faster than by name; a test pins them to the names).
_NUM, _SOME, _UNIT = 3, 4, 5


def _read_match(text: str, m, p: _Patterns, lex: Lexicon, floor: int,
                fraction) -> tuple[Quantity | None, int]:
    """The quantity that starts with match `m` (or None), and where a next search may start.

    `fraction` matches a fraction at a place, in the engine `m` comes from.
    """
    s = m.start()
    num, some, word = m.group(_NUM, _SOME, _UNIT)
    if num is None:
        if m["slash"]:
            return _read_slash(text, m, p, lex, floor), m.end()
        return _read_half(text, s, p, lex, floor), m.end()
    run_end = s + len(num)
    if text.startswith("分之", run_end):
        mf = fraction(text, s)
        if mf:
            q = _read_fraction(text, mf, p, lex, floor)
            if q is not None:
                return q, q.end
        # 三分之 that is no fraction: read the numeral alone
    # (The scan has passed over numerals that are parts of words already.)
    # The numeral read whole first, with the unit the scan found after it.
    rd = _read_numeral(num)
    if rd is not None:
        if rd.digitless and _bare_multiplier(p, text, s, run_end, floor):
            return None, run_end
        qualifier = lex.qualifier_inside.get(some, "at_least") if some else rd.qualifier
        if word is None:
            q = None
            if (text[run_end:run_end + 1] in p.unitless_after or rd.normal[-1:] in BIG
                    or _word_may_end_before(text, s, p.word_ends)):
                q = _read_number(text, s, run_end, rd, p, lex, floor, None, qualifier)
        else:
            uend = m.end()
            plain = p.plain_units.get(word)
            q = None
            if plain and rd.single and (rd.whole or not plain[3]):
                # most quantities: a number and a unit, nothing around them
                # that _read_number would read on
                q = _read_plain(text, s, uend, rd, plain, p, lex, word, qualifier, floor)
            if q is None:
                end = m.end("some") if some else run_end
                q = _read_number(text, s, end, rd, p, lex, floor, (word, uend), qualifier)
        if q is not None:
            return q, q.end
    # A shorter numeral when the run is no numeral (五十千) or when a unit
    # word starts inside it (12万千瓦, 3百米); none in a run of plain digits
    # (years, codes, phone numbers).
    if num.isascii() and not p.unit_in_digits:
        return None, run_end
    for e in range(run_end - 1, s, -1):
        if _match_unit(p, lex, text, e) is None:
            continue
        rd = _read_numeral(text[s:e])
        if rd is None:
            continue
        if rd.digitless and _bare_multiplier(p, text, s, e, floor):
            return None, run_end
        end, unit_hit, qualifier = _unit_after(p, lex, text, e, rd)
        q = _read_number(text, s, end, rd, p, lex, floor, unit_hit, qualifier)
        if q is not None:
            return q, q.end
    return None, run_end


def _word_may_end_before(text: str, start: int, ends) -> bool:
    """Could a match of `(?:WORDS)[ \t]?$` searched up to `start` (as _before_word
    and _currency_before look) be there, given the characters `ends` the words end with?

    `$` also matches before a newline that ends the searched stretch.
    """
    t = text[max(0, start - 3):start]
    if t.endswith("\n"):
        t = t[:-1]
    if t.endswith((" ", "\t")):
        t = t[:-1]
    return t[-1:] in ends


def _bare_multiplier(p: _Patterns, text: str, start: int, end: int, floor: int) -> bool:
    """Is the numeral of multipliers only (百万, 亿) at [start, end) part of a word?

    万元户, 亿元以上项目, 千万工程 are words; after 超 破 近 逾 or before 余 多
    it is a number (破百万, 超亿元, 千余户).
    """
    return not text.startswith(("余", "多"), end) and not _before_word(p, text, start, floor)


def _read_plain(text: str, start: int, end: int, rd: _Numeral, plain: tuple, p: _Patterns,
                lex: Lexicon, word: str, qualifier: str, floor: int) -> Quantity | None:
    """The quantity of a number and a plain unit at [start, end), or None when
    a character before or after it calls for _read_number."""
    category, unit, factor, _, after, before = plain
    nxt, prev = text[end:end + 1], text[start - 1:start]
    if nxt in after or prev in before:
        return None
    if category == "money" and (p.money_tail is None or p.money_tail.match(text, end)):
        return None
    value = rd.value * factor
    if not math.isfinite(value):
        return None
    pre, applied = "", False
    if nxt in p.after_start or prev in p.before_end:
        qualifier, start, end, pre, applied = _qualify(p, lex, text, start, end, qualifier, floor)
    # every field in order (surface_unit, numeral, chinese, signed, pre_word,
    # pre_applied after qualifier): a call by position builds it a third faster
    return Quantity(start, end, text[start:end], value, None, unit, category, qualifier,
                    word, rd.core, rd.chinese, "", pre, applied)


def _unit_after(p: _Patterns, lex: Lexicon, text: str, end: int, rd: _Numeral):
    """(end, unit_hit, qualifier) after the numeral that ends at `end`, for _read_number."""
    # 300多穴, 2万余名, 十来个: a 'some' word between the number and its unit
    if text[end:end + 1] in _INSIDE_START:
        mi = _INSIDE_RE.match(text, end)
        if mi:
            unit_hit = _match_unit(p, lex, text, mi.end())
            if unit_hit:
                return mi.end(), unit_hit, lex.qualifier_inside.get(mi.group(1), "at_least")
    return end, _match_unit(p, lex, text, end), rd.qualifier


def _read_number(text: str, start: int, end: int, rd: _Numeral, p: _Patterns, lex: Lexicon,
                 floor: int, unit_hit, qualifier: str) -> Quantity | None:
    """The quantity of numeral `rd` at [start, end), its unit (word, end) `unit_hit`
    or None, read on from there; `end` is past a 'some' word before the unit."""
    value, value_max = rd.value, rd.value_max
    half = 0.0
    if text.startswith("个半", end):
        # 一个半月, 三个半小时: the 个 of the unit stands before 半
        for w in p.ge_units:
            if text.startswith(w[1:], end + 2):
                unit_hit, half = (w, end + 1 + len(w)), 0.5
                break

    # a range: 3-5人, 3人到5人, 5%-20%, 1万(含)-5万元, 两到三万元
    pos = unit_hit[1] if unit_hit else end
    if value_max is None and p.joiner and text[pos:pos + 1] in p.range_start:
        inc = p.included.match(text, pos)
        if inc:
            pos = inc.end()
        if p.joiner.match(text, pos):
            rng = _read_range(text, pos, unit_hit, p, lex, rd)
            if rng is not None:
                value, value_max, unit_hit, end = rng
                qualifier = "range"
    if rd.sequence and not (unit_hit and unit_hit[0] in DISCOUNT and len(rd.core) == 2):
        return None  # 二〇二三 is a year or a code, 三五成群 an idiom; 八五折 is 85%
    if unit_hit is None:
        return _read_unitless(text, start, end, rd, value, value_max, qualifier, p, lex, floor)

    word, uend = unit_hit
    ud = lex.units[word]
    category, unit, factor = ud.category, ud.unit, ud.factor
    for ctx, cat2, unit2, factor2 in ud.alt:
        if _context(lex, ctx, text, start, uend):
            category, unit, factor = cat2, unit2, factor2
            break
    end = uend
    value += half

    if category == "money":
        unit, value, end = _read_money_tail(text, end, word, unit, value, value_max, p)
        if value_max is None:
            cb = _currency_before(text, start, p, lex, floor)
            if cb and unit == "CNY":
                unit, start = cb
    elif category == "rate" and factor == 10 and ud.unit == "%":
        # tenths (成, 折): 七成六 = 76%, 三成半 = 35%; 八五折 = 85%, 75折 = 75%
        if word in DISCOUNT and value_max is None and (rd.sequence or 10 < value < 100 and value % 10):
            factor = 1.0
        elif value_max is None:
            mt = p.tenth_tail.match(text, end)
            if mt and _match_unit(p, lex, text, mt.end()) is None:
                value += _digit_value(mt["d"]) / 10
                end = mt.end()
            elif text.startswith("半", end) and _half_ends(text, end + 1):
                value += 0.5
                end += 1
    elif not half and text.startswith("半", end) and _half_ends(text, end + 1):
        value += 0.5     # 一吨半, 两年半
        end += 1

    if category in COUNTED and abs(value - round(value)) > 1e-6 and not half:
        return None      # 2.2本 is a version, not 2.2 books
    signed = ""
    if category == "rate" and start > 0 and text[start - 1] in "+-":
        signed = text[start - 1]
    qualifier, start, end, pre, applied = _qualify(p, lex, text, start, end, qualifier, floor)
    value *= factor
    if value_max is not None:
        value_max *= factor
    if not (math.isfinite(value) and (value_max is None or math.isfinite(value_max))):
        return None
    # every field in order (surface_unit, numeral, chinese, signed, pre_word,
    # pre_applied after qualifier): a call by position builds it a third faster
    return Quantity(start, end, text[start:end], value, value_max, unit, category, qualifier,
                    word, rd.core, rd.chinese, signed, pre, applied)


def _tenths(ud) -> bool:
    """A rate unit counted in tenths: 成, 折."""
    return ud.category == "rate" and ud.factor == 10 and ud.unit == "%"


def _qualify(p: _Patterns, lex: Lexicon, text: str, start: int, end: int, qualifier: str, floor: int):
    """The qualifier words after a number and its unit (以上) and before it (约):
    (qualifier, start, end, pre_word, pre_applied)."""
    q_after = _qualifier_after(p, lex, text, end)
    if q_after:
        if qualifier == "exact" or (qualifier == "at_least" and q_after[0] == "at_least"):
            qualifier = q_after[0]
        end = q_after[1]
    pre, applied = "", False
    if text[start - 1:start] in p.before_end:
        qualifier, start, pre, applied = _apply_before(p, lex, text, start, qualifier, floor)
    return qualifier, start, end, pre, applied


def _digit_value(d: str) -> int:
    return int(d) if d.isdigit() else DIGITS[d]


_MULTIPLIERS = frozenset(UNIT_CHARS) - {"十", "拾"}


def _digitless(numeral: str) -> bool:
    """百万, 亿: multipliers with no digit (十 is a number of its own: 十户)."""
    return all(c in _MULTIPLIERS for c in numeral)


def _chinese(numeral: str) -> bool:
    return not any(c.isdigit() for c in numeral)


def _half_ends(text: str, pos: int) -> bool:
    return pos >= len(text) or text[pos] in HALF_END


def _read_range(text, pos, unit_hit, p, lex, rd):
    """After the first number (and perhaps its unit) at `pos`: a joiner and a second number.

    Returns (low, high, unit_hit, end) or None.  A multiplier written only
    with the second number also scales the first: 2-3万 is 20000..30000,
    八到九百亿 is 8..9 x 10^10 (the largest scale that keeps low <= high).
    """
    mj = p.joiner.match(text, pos)
    m2 = p.numrun.match(text, mj.end())
    if not m2:
        return None
    second = m2.group()
    hi = parse_numeral(second)
    second_normal = _normal_form(second)
    if hi is None or _digit_sequence(second_normal):
        return None
    end2 = m2.end()
    mi = _INSIDE_RE.match(text, end2)
    if mi and mi.group(1) in "多余":
        end2 = mi.end()
    unit2 = _match_unit(p, lex, text, end2)
    if unit_hit is not None and (unit2 is None or unit2[0] != unit_hit[0]):
        return None
    lo = rd.value
    if unit_hit is None and not any(c in BIG for c in rd.normal):
        lo = _scale_low(lo, hi, second_normal)
    if not lo < hi:
        return None
    if unit2 is None:
        # 10万-20万 with no unit: the bare reader decides by context
        if second_normal[-1:] in BIG:
            return lo, hi, None, end2
        return None
    return lo, hi, unit2, unit2[1]


def _scale_low(lo: float, hi: float, second_normal: str) -> float:
    """The first number of 两到三万 takes the multiplier the second one ends with."""
    tail = ""
    for ch in reversed(second_normal):
        if ch in SMALL or ch in BIG:
            tail = ch + tail
        else:
            break
    for k in range(len(tail)):
        scale = 1.0
        for ch in tail[k:]:
            scale *= SMALL.get(ch) or BIG[ch]
        if lo * scale < hi:
            return lo * scale
    return lo


def _read_unitless(text, start, end, rd, value, value_max, qualifier, p, lex, floor):
    """A number with no unit: money after ￥ or a currency name, or, when
    scaled by 万/亿, money or people by context; else nothing."""
    cb = _currency_before(text, start, p, lex, floor)
    if cb is None and (not rd.normal or rd.normal[-1] not in BIG):
        return None
    if cb is not None:
        category, factor = "money", 1.0
        unit, start = cb
    else:
        for ctx, category, unit, factor in lex.bare:
            if _context(lex, ctx, text, start, end):
                break
        else:
            return None
    q_after = _qualifier_after(p, lex, text, end)
    if q_after:
        qualifier, end = (q_after[0] if qualifier == "exact" else qualifier), q_after[1]
    qualifier, start, pre, applied = _apply_before(p, lex, text, start, qualifier, floor)
    return Quantity(start, end, text[start:end], value * factor,
                    value_max * factor if value_max is not None else None,
                    unit, category, qualifier, surface_unit="", numeral=rd.core,
                    chinese=rd.chinese, pre_word=pre, pre_applied=applied)


def _currency_before(text: str, start: int, p: _Patterns, lex: Lexicon, floor: int):
    """(code, start) of a currency name or symbol right before the number (港币2960元, ￥300).

    A qualifier word may stand between them (人民币约50元); the span then
    starts at the number, else at the currency word.
    """
    if p.currency_before is None:
        return None
    pos = start
    mb = _before_word(p, text, start, floor)
    if mb:
        pos = mb.start()
    if text[pos - 1:pos] not in p.currency_end:
        return None
    mc = p.currency_before.search(text, max(floor, pos - 6), pos)
    if not mc:
        return None
    return p.major[mc.group().strip()], (mc.start() if pos == start else start)


def _read_money_tail(text, end, word, unit, value, value_max, p):
    """Currency and smaller units after a money unit: 三万元欧元, 五元三毛, 两美元又三美分.

    Returns (unit, value, end).
    """
    if unit == "CNY" and p.currency_after is not None:
        mc = p.currency_after.match(text, end)
        if mc:      # 9000元日币: the name after 元 says which currency
            return p.major[mc.group()], value, mc.end()
    if value_max is not None:
        return unit, value, end
    major = p.major.get(word) == unit
    if not major:
        return unit, value, end
    last = 1.0
    for _ in range(2):
        mt = p.minor_tail.match(text, end)
        if not mt:
            break
        code, fac = p.minor.get(mt["u"], ("CNY", CNY_MINOR.get(mt["u"], 0.0)))
        n = parse_numeral(mt["n"])
        if code != unit or n is None or not fac < last or n >= round(last / fac) or n != int(n):
            break
        value += n * fac
        last = fac
        end = mt.end()
    if unit == "CNY" and last == 1.0 and word in ("块", "元"):
        # 三块五, 12块5 = 3.5, 12.5: one digit closing the amount
        mt = p.tenth_tail.match(text, end)
        if mt and (
                mt.end() >= len(text) or text[mt.end()] == "钱" or not _HAN_RE.match(text, mt.end())):
            value += _digit_value(mt["d"]) / 10
            end = mt.end()
    if text.startswith("钱", end) and word not in ("块钱",):
        end += 1
    if text.startswith("整", end):
        end += 1
    return unit, value, end


def _read_slash(text, m, p, lex, floor):
    """1/15 of a whole: a rate in %; not a/b followed by a unit or %, nor part of 1/2/3 or 1.5/3."""
    start = m.start()
    num, den = float(m["slash"]), float(m["den2"])
    if den == 0 or num > den or text[m.end(): m.end() + 1] in ("%", "％"):
        return None
    if _match_unit(p, lex, text, m.end()) is not None:
        return None
    if start > 0 and (text[start - 1].isdigit() or text[start - 1] in "/.-"):
        return None
    return Quantity(start, m.end(), text[start:m.end()], num / den * 100, None, "%", "rate", "exact",
                    surface_unit="/", numeral=m.group())


def _read_fraction(text, m, p, lex, floor):
    """百分之七十六, 千分之五, 百万分之五, 三分之一, 百分之二三十, 百分之二十至三十."""
    start = m.start()
    den = parse_numeral(m["den"])
    if not den or den < 2 or _digit_sequence(_normal_form(m["den"])):
        return None
    rd = _read_numeral(m["fnum"])
    if rd is None or rd.sequence:
        return None
    factor = 100.0 / den
    value, value_max, qualifier = rd.value * factor, None, rd.qualifier
    if rd.value_max is not None:
        value_max = rd.value_max * factor
    end = m.end()
    if p.joiner and value_max is None:
        mj = p.joiner.match(text, end)
        if mj:
            # the second end may repeat the denominator: 百分之二十到百分之三十
            k = mj.end()
            if text.startswith(m["den"] + "分之", k):
                k += len(m["den"]) + 2
            m2 = _NUMRUN_RE.match(text, k)
            v2 = parse_numeral(m2.group()) if m2 else None
            if v2 is not None and v2 * factor > value:
                value_max, qualifier = v2 * factor, "range"
                end = m2.end()
    if value_max is not None:
        qualifier = "range"
    q_after = _qualifier_after(p, lex, text, end)
    if q_after:
        if qualifier == "exact":
            qualifier = q_after[0]
        end = q_after[1]
    qualifier, start, pre, applied = _apply_before(p, lex, text, start, qualifier, floor)
    numeral = m.group()
    return Quantity(start, end, text[start:end], value, value_max, "%", "rate", qualifier,
                    surface_unit="分之", numeral=numeral, chinese=_chinese(numeral),
                    pre_word=pre, pre_applied=applied)


def _read_half(text, pos, p, lex, floor):
    """半 as a number: half a duration (半天, 半个月, 不出半天), not 半年来 (a period)."""
    unit_hit = _match_unit(p, lex, text, pos + 1)
    if unit_hit is None or lex.units[unit_hit[0]].category != "duration":
        return None
    word, end = unit_hit
    if text.startswith(("来", "以来"), end):
        return None
    ud = lex.units[word]
    qualifier = "exact"
    q_after = _qualifier_after(p, lex, text, end)
    if q_after:
        qualifier, end = q_after
    qualifier, start, pre, applied = _apply_before(p, lex, text, pos, qualifier, floor)
    return Quantity(start, end, text[start:end], 0.5 * ud.factor, None, ud.unit, ud.category,
                    qualifier, surface_unit=word, numeral="半", chinese=True,
                    pre_word=pre, pre_applied=applied)


def _qualifier_after(p, lex, text, pos):
    """A qualifier word right after the unit (以上, 左右, 以内), past a (含)."""
    if p.after is None or text[pos:pos + 1] not in p.after_start:
        return None
    inc = p.included.match(text, pos)
    m = p.after.match(text, inc.end() if inc else pos)
    if not m:
        return None
    word = m.group().strip()
    # 内 only closes a duration-like phrase, not a word (内容, 内部)
    nxt = text[m.end(): m.end() + 1]
    if word == "内" and nxt and nxt in "容部外涵存在心":
        return None
    if word in ("多", "余") and nxt and nxt not in "，,。；;、 \n)）":
        return None
    return lex.qualifier_after[word], m.end()


def _before_word(p, text, start, floor):
    """The match of a qualifier word (and a space) ending right before `start`, or None."""
    if p.before is None or text[start - 1:start] not in p.before_end:
        return None
    return p.before.search(text, max(floor, start - 4), start)


def _apply_before(p, lex, text, start, qualifier, floor=0):
    """A qualifier word right before the number (约, 超过): (qualifier, start, word, applied).

    A word that sets a qualifier becomes part of the span (约40亿元); 达 (exact)
    does not.  A word inside the previous quantity is not looked at.
    """
    m = _before_word(p, text, start, floor)
    if not m:
        return qualifier, start, "", False
    word = m.group().strip()
    q = lex.qualifier_before[word]
    if q == "exact":
        return qualifier, start, "", False
    applied = qualifier == "exact"
    return (q if applied else qualifier), m.start(), word, applied
