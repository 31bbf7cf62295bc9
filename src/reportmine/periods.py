"""Reporting periods: the time words of a text, read once, and their
normalized form against the document's date.

    2023年 -> 2023      上半年 -> 2023-H1     二季度 -> 2023-Q2
    1-8月份 -> 2022-01..2022-08               截至10月23日 -> 2020-10-23
    截至目前 -> the publish date              十四五 -> 2021..2025

Relative words (今年, 上半年, 1-8月) need the document's date; without one
they are written as found, tidied (1-8月份 -> 1-8月).  A year word that is
the base of a comparison (较去年, 去年同期) is not a period, and neither is
a number of years (三年任务, 10多年): only four-digit years and the words of
lexicons/places.toml [period] are read.

>>> [resolve_period(c, "2023-07-10") for c in find_periods("1-5月固定投资达3774万元", load_lexicon())]
['2023-01..2023-05']
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import regex

from .lexicon import Lexicon, LexiconError, alternation as _alt

_CN = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
# regex's \d also takes the digits of Unicode versions newer than the stdlib
# knows (all outside the Basic Multilingual Plane): the stdlib scan for where
# a cue may start takes all of those too
_ANY_DIGIT = r"[\d\U00010000-\U0010ffff]"


def _day(digit: str = r"\d") -> str:
    return rf"(?:3[01]|[12]{digit}|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"


def _year(digit: str = r"\d") -> str:
    return rf"(?:(?<![\d.])(?:19|20){digit}{{2}}(?!\d)|[〇零一二三四五六七八九]{{4}})"


_JOIN = r"\s*(?:-|—|–|~|～|至|到)\s*"
_JOIN_CHARS = "-—–~～至到"   # the joins of _JOIN
_HAN = regex.compile(r"\p{Han}")


class PeriodCue(NamedTuple):
    """One time expression in the text, not yet resolved (a named tuple: a
    report holds hundreds, made several times faster than a dataclass).

    kind: year, years, half, quarter, months, month, day, now, yearend.
    a, b: half or quarter number; first and last month; month and day
    (day 0: the month's last day); first and last year.
    """

    start: int
    end: int
    kind: str
    found: str
    year: int | None = None      # a year written out (2023年)
    rel: int | None = None       # years from the document's year (今年 0, 去年 -1)
    a: int = 0
    b: int = 0
    asof: bool = False           # 截至 ...: a date not after the publish date
    context: bool = False        # the year is the one being talked about (全年, 一季度)
    since: bool = False          # 6月以来: from that month to the publish date


@dataclass(frozen=True, eq=False)
class PeriodRules:
    pattern: object
    candidates: object
    groups: object                # m.groups() + (None,) -> the groups of _GROUPS, None for one the pattern lacks
    relative: dict
    context: frozenset
    halves: dict
    plans: dict
    now: frozenset
    comparison_before: tuple
    comparison_after: tuple
    duration_before: tuple
    lead_prefixes: tuple


def _words(table: dict, key: str, where: str) -> tuple:
    value = table.get(key, [])
    if not (isinstance(value, (list, tuple)) and all(isinstance(v, str) and v for v in value)):
        raise LexiconError(f"places.toml: [{where}] field {key!r}: must be a list of non-empty strings")
    return tuple(value)


@lru_cache(maxsize=8)
def period_rules(lex: Lexicon) -> PeriodRules:
    """The [period] tables of places.toml, validated and compiled into one regex."""
    table = lex.places.get("period", {})
    if not isinstance(table, dict):
        raise LexiconError("places.toml: [period] must be a table")
    rel = table.get("relative_years", {})
    halves = table.get("halves", {})
    plans = table.get("plans", {})
    for name, t, ok in (("relative_years", rel, lambda v: isinstance(v, int) and not isinstance(v, bool)),
                        ("halves", halves, lambda v: v in (1, 2)),
                        ("plans", plans, lambda v: isinstance(v, list) and len(v) == 2
                         and all(isinstance(y, int) for y in v) and v[0] <= v[1])):
        if not isinstance(t, dict):
            raise LexiconError(f"places.toml: [period.{name}] must be a table")
        for word, value in t.items():
            if not ok(value):
                raise LexiconError(f"places.toml: [period.{name}] {word!r}: bad value {value!r}")
    now = _words(table, "asof_now", "period")
    context = _words(table, "context_years", "period")
    prefixes = _words(table, "asof_prefixes", "period")
    year_end = _words(table, "year_end", "period")
    month_end = _words(table, "month_end", "period")
    yend = _alt(list(year_end) + [w[1:] for w in year_end if len(w) > 1])
    mend = _alt([w[1:] for w in month_end if len(w) > 1] or ["底"])
    # every cue starts with a digit, a numeral, 第/前 or the first character of
    # a lexicon word: checking that first keeps the scan fast
    firsts = set("0123456789〇零一二三四五六七八九十第前")
    firsts |= {w[0] for w in [*rel, *context, *halves, *plans, *now, *prefixes]}

    def build(named: bool, digit: str) -> str:
        """The pattern, or without group names (the stdlib allows no name
        twice); `digit` stands for the digits of years and days."""
        def g(name: str) -> str:
            return f"(?P<{name}>" if named else "(?:"

        day, year_digits = _day(digit), _year(digit)

        def rest(with_end: bool) -> str:
            # the part after an optional year: a half, a quarter, months, a day
            return (
                "(?:"
                + (rf"{g('half')}{_alt(halves)})|" if halves else "")
                + rf"第?{g('q')}[一二三四1-4])季度|"
                + rf"前{g('qq')}[二三2-3])(?:个)?季度|"
                + rf"{g('m1')}{_MONTH})月?份?{_JOIN}{g('m2')}{_MONTH})月份?|"
                + rf"{g('m')}{_MONTH})月份?(?:{g('d')}{day})[日号]|{g('mend')}{mend}))?"
                + (rf"|{g('yend')}{yend})" if with_end else (rf"|{g('yend')}{_alt(year_end)})" if year_end else ""))
                + ")"
            )

        year = (rf"(?:{g('y')}{year_digits})\s*年度?"
                + (rf"|{g('rel')}{_alt([*rel, *context])})" if rel or context else "") + ")")
        # every branch reads at least one character, so the scan never stops on empty matches
        core = (
            (rf"{g('plan')}{_alt(plans)})(?:期间|时期)?|" if plans else "")
            + (rf"{g('now')}{_alt(now)})|" if now else "")
            + rf"{g('y1')}{year_digits}){_JOIN}{g('y2')}{year_digits})\s*年|"
            + rf"{year}{rest(True)}?|"
            + rest(False)
        )
        return (
            (rf"(?:{g('asof')}{_alt(prefixes)})\s*)?" if prefixes else "")
            + f"(?:{core})"
            + rf"{g('since')}以来|至今)?"
        )

    first = "[" + "".join(regex.escape(c) for c in sorted(firsts)) + "]"
    pattern = regex.compile(f"(?={first})" + build(True, r"\d"))
    # The same pattern for the stdlib engine tells where a cue may start, and
    # `pattern` reads the cue there.  It must match wherever `pattern` does:
    # its \s takes a few more characters than regex's, its \d a few less (so
    # (?!\d) holds at least as often), and _ANY_DIGIT all of regex's digits.
    # It opens with a class, which the stdlib engine skips to in one step, and
    # when no lexicon word stands alone in one character, every cue has two
    # or more, the second written in the pattern (ranges of classes are of
    # ASCII digits), a space or a digit: checking both characters before the
    # whole pattern (tried in a lookbehind) more than halves the scan.
    body = build(False, _ANY_DIGIT)
    # Most candidates are digits inside numbers (16915万元, 5.6%), and a cue
    # that starts with a digit or numeral is a year (up to four of them,
    # then a space, 年 or a join), a month or quarter (one to three, then
    # 月, 份, 季, a space or a join) or a lexicon word (十四五): that cheap
    # look skips most of them before the whole pattern.
    numerals = "0123456789〇零一二三四五六七八九十"
    after = rf"[年月季份\s{re.escape(_JOIN_CHARS)}]"
    words = [w for w in [*rel, *context, *halves, *plans, *now, *prefixes, *year_end] if w[0] in numerals]
    digits = (rf"(?=[^{numerals}]|[0-9]{_ANY_DIGIT}{{0,3}}{after}|[{numerals[10:]}]{{1,4}}{after}"
              + (f"|{_alt(words)})" if words else ")"))
    if all(len(w) >= 2 for w in [*rel, *context, *halves, *plans, *now, *year_end]):
        second = "[" + "".join(re.escape(c) for c in sorted(set(body))) + r"\s" + _ANY_DIGIT[1:-1] + "]"
        candidates = re.compile(f"{first}{second}(?<=(?={digits}{body}){first}{second})")
    else:
        candidates = re.compile(f"{first}(?<=(?={digits}{body}){first})")
    return PeriodRules(
        pattern=pattern,
        candidates=candidates,
        groups=_group_getter(pattern),
        relative=dict(rel), context=frozenset(context), halves=dict(halves), plans={k: tuple(v) for k, v in plans.items()},
        now=frozenset(now),
        comparison_before=_words(table, "comparison_before", "period"),
        comparison_after=_words(table, "comparison_after", "period"),
        duration_before=_words(table, "duration_before", "period"),
        lead_prefixes=_words(table, "lead_prefixes", "period"),
    )


# the pattern's named groups (those of lexicon words only where the lexicon has some)
_GROUPS = ("asof", "plan", "now", "y1", "y2", "y", "rel", "half", "q", "qq", "m1", "m2", "m", "d", "mend",
           "yend", "since")


def _group_getter(pattern):
    """A function from m.groups() + (None,) to the groups of _GROUPS, in that
    order: a name used twice is one group in regex, and a group the pattern
    lacks reads the None at the end."""
    return itemgetter(*(pattern.groupindex[name] - 1 if name in pattern.groupindex else pattern.groups
                        for name in _GROUPS))


def cn_int(s: str) -> int:
    """A small number in digits or Chinese numerals: 8, 十二, 二十三, 二〇二三.

    >>> cn_int("十二"), cn_int("二十三"), cn_int("二〇二三"), cn_int("08")
    (12, 23, 2023, 8)
    """
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        return (_CN[head] if head else 1) * 10 + (_CN[tail] if tail else 0)
    n = 0
    for c in s:
        n = n * 10 + _CN[c]
    return n


_SPACES = regex.compile(r"\s+")
_RANGE_JOIN = regex.compile(r"(?<=\d|[一二三四五六七八九十])(?:-|—|–|~|～|至|到)(?=\d|[一二三四五六七八九十])")


def _tidy(s: str) -> str:
    if s.isalnum() and "至" not in s and "到" not in s:
        return s.replace("份", "")  # no space and no range (2023年, 上半年): nothing for the regexes
    return _RANGE_JOIN.sub("-", _SPACES.sub("", s).replace("份", ""))


def _cue(m, rules: PeriodRules, text: str) -> PeriodCue | None:
    """The cue of one regex match, or None when it is no period."""
    # one call for all groups: m.groupdict() costs several times as much
    (asof, plan, now, y1, y2, y, rel_word, half, q, qq, m1, m2, mo, d, mend, yend,
     since) = rules.groups(m.groups() + (None,))
    start, end = m.span()
    year = cn_int(y) if y else None
    if year is not None and not 1900 <= year <= 2099:
        return None
    rel = rules.relative.get(rel_word) if rel_word else None
    in_context = bool(rel_word) and rel is None
    asof = bool(asof)
    since = bool(since)
    found = _tidy(m.group())
    if plan:
        a, b = rules.plans[plan]
        return PeriodCue(start, end, "years", found, a=a, b=b)
    if now:
        return PeriodCue(start, end, "now", found, asof=True)
    if y1:
        a, b = cn_int(y1), cn_int(y2)
        if not (1900 <= a < b <= 2099):
            return None
        return PeriodCue(start, end, "years", found, a=a, b=b)
    # a half, quarter or month without a year of its own is read in the year
    # being talked about, as 全年 is; the fields after `found` are given in
    # order (year, rel, a, b, asof, context, since): a report has hundreds of
    # cues, and keywords cost more than the rest of the reading
    context = year is None and rel is None
    if half:
        return PeriodCue(start, end, "half", found, year, rel, rules.halves[half], 0, asof, context, since)
    if q:
        return PeriodCue(start, end, "quarter", found, year, rel, cn_int(q), 0, asof, context, since)
    if qq:
        return PeriodCue(start, end, "months", found, year, rel, 1, 3 * cn_int(qq), asof, context, since)
    if m1:
        a, b = cn_int(m1), cn_int(m2)
        if not (1 <= a < b <= 12) or not _month_stands_alone(m, "m1", text, year, rel):
            return None
        return PeriodCue(start, end, "months", found, year, rel, a, b, asof, context, since)
    if mo:
        a = cn_int(mo)
        if not 1 <= a <= 12 or not _month_stands_alone(m, "m", text, year, rel):
            return None
        if d:
            day = cn_int(d)
            if day > calendar.monthrange(2000, a)[1]:
                return None
            return PeriodCue(start, end, "day", found, year, rel, a, day, asof, context, since)
        if mend:
            return PeriodCue(start, end, "day", found, year, rel, a, 0, asof, context, since)
        return PeriodCue(start, end, "month", found, year, rel, a, 0, asof, context, since)
    if yend:
        # 年末 alone is the end of the year being talked about
        return PeriodCue(start, end, "yearend", found, year=year, rel=rel, asof=True,
                         context=in_context or (year is None and rel is None))
    if not (year is not None or rel is not None or in_context):
        return None
    return PeriodCue(start, end, "year", found.removesuffix("以来"), year=year, rel=rel, asof=asof,
                     context=in_context)


def _month_stands_alone(m, group: str, text: str, year, rel) -> bool:
    """A month after a year or 截至, or not glued to a word before it.

    Digits glued to a letter or another number are a code; Chinese numerals
    glued to a word are part of it (统一月度, 第三月).
    """
    s = m.start(group)
    if year is not None or rel is not None or m.group("asof") or not s:
        return True
    prev = text[s - 1]
    if m.group(group).isdigit():
        return not (prev.isascii() and prev.isalnum())
    return not _HAN.match(prev)


def _is_comparison(text: str, start: int, end: int, rules: PeriodRules) -> bool:
    return (text[max(0, start - 4):start].endswith(rules.comparison_before)
            or text.startswith(rules.comparison_after, end))


def _matches(text: str, rules: PeriodRules):
    """The matches of rules.pattern.finditer(text), but the regex module reads
    only where the faster stdlib scan finds a candidate."""
    find, read = rules.candidates.search, rules.pattern.match
    pos = 0
    while (hit := find(text, pos)) is not None:
        m = read(text, hit.start())
        if m is None or m.end() == m.start():
            pos = hit.start() + 1
            continue
        pos = m.end()
        yield m


def find_periods(text: str, lex: Lexicon) -> list[PeriodCue]:
    """Every time expression of `text` that can be a reporting period, in order.

    >>> [c.found for c in find_periods("今年以来,较去年同期增长5%,三年任务", load_lexicon())]
    ['今年']
    """
    rules = period_rules(lex)
    out = []
    for m in _matches(text, rules):
        cue = _cue(m, rules, text)
        if cue is None:
            continue
        if cue.kind in ("year", "half", "quarter", "yearend") and cue.year is None and cue.rel is not None \
                and _is_comparison(text, m.start(), m.end(), rules):
            continue
        if cue.year is not None and text.endswith(rules.duration_before, 0, m.start()):
            continue
        out.append(cue)
    return out


def context_years(text: str, cues: list[PeriodCue], title_cues: list[PeriodCue] = ()) -> list[int | None]:
    """For each cue, the year being talked about: the last year written out
    before it in the same paragraph, else the title's only year, else None.

    >>> t = "2022年,全县实现生产总值235.6亿元。其中,一季度完成投资12亿元。"
    >>> context_years(t, find_periods(t, load_lexicon()))
    [None, 2022]
    """
    title_years = {c.year for c in title_cues if c.year is not None}
    default = title_years.pop() if len(title_years) == 1 else None
    out: list[int | None] = []
    year, line = None, -1
    for c in cues:
        here = text.rfind("\n", 0, c.start)
        if here != line:
            year, line = None, here
        out.append(year if year is not None else default)
        if c.year is not None:
            year = c.year
    return out


@lru_cache(maxsize=64)   # every time word of a document is resolved against its one date
def parse_date(date: str) -> tuple[int, int, int] | None:
    """'2023-07-10' -> (2023, 7, 10); anything else -> None."""
    try:
        y, mo, d = (int(p) for p in date.split("-"))
        return y, mo, d
    except ValueError:
        return None


def resolve_period(cue: PeriodCue, date: str = "", context_year: int | None = None) -> str:
    """The period column for a cue, given the document's date (YYYY-MM-DD or '')
    and the year being talked about where the text sets one (2022年 … 一季度).

    >>> c = find_periods("上半年", load_lexicon())[0]
    >>> resolve_period(c, "2023-07-10"), resolve_period(c, ""), resolve_period(c, "", 2022)
    ('2023-H1', '上半年', '2022-H1')
    """
    if cue.kind == "years":
        return f"{cue.a}..{cue.b}"
    today = parse_date(date) if date else None
    if cue.kind == "now":
        return date if today else cue.found
    if cue.year is not None:
        y = cue.year
    elif cue.context and context_year is not None:
        y = context_year
    elif today is not None:
        y = today[0] + (cue.rel or 0)
    else:
        return cue.found
    if cue.kind == "year":
        return f"{y}"
    if cue.kind == "yearend":
        return f"{y}-12-31"
    if cue.kind == "half":
        return f"{y}-H{cue.a}"
    if cue.kind == "quarter":
        return f"{y}-Q{cue.a}"
    if cue.kind == "months":
        return f"{y}-{cue.a:02d}..{y}-{cue.b:02d}"
    if cue.kind == "month":
        if cue.since:
            if today is None or (y, cue.a) > today[:2]:
                return cue.found
            return f"{y}-{cue.a:02d}..{today[0]}-{today[1]:02d}"
        return f"{y}-{cue.a:02d}"
    if cue.kind == "day":
        if cue.asof and cue.year is None and cue.rel is None and context_year is None and today is not None \
                and (y, cue.a, cue.b or 31) > today:
            y -= 1  # 截至10月23日 in a January report: last October
        last = calendar.monthrange(y, cue.a)[1]
        d = min(cue.b, last) if cue.b else last  # 2月29日 of a year without one
        return f"{y}-{cue.a:02d}-{d:02d}"
    return cue.found
