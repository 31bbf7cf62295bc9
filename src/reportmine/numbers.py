"""Read the numbers of Chinese reports and the units written after them.

Two layers:

- `parse_numeral("三千五")` -> 3500.0: one numeral as written (Arabic digits,
  Chinese numerals, financial forms, mixed forms such as 1.2万 or 4万5千);
- `find_quantities(text, lexicon)` -> [Quantity]: every number+unit span in a
  normalized text, with value in the standard unit, range end and qualifier.

Judging whether a quantity is an indicator (dates, ordinals, names, subjects)
is the job of `extract`, not of this module.

>>> parse_numeral("一万二千")
12000.0
"""
from __future__ import annotations

import math
from functools import lru_cache

import regex

from .lexicon import Lexicon
from .model import Quantity

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
    "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
TENS = {"廿": 20, "卅": 30, "卌": 40}
FUZZY = "余多几来数"         # words for "some" that can stand inside a numeral

CN_CHARS = "".join(DIGITS) + "".join(SMALL) + "".join(BIG) + "".join(TENS)
ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A numeral run: Arabic or Chinese pieces, with 余/多/几 allowed between a
# piece and a following multiplier (十余万, 2万余, 十几万, 几十).
NUMRUN = (
    rf"(?:{ARABIC}|[{CN_CHARS}]|数(?=[十百千万亿]))"
    rf"(?:\s?(?:{ARABIC})|[{CN_CHARS}]|[余多几来](?=[十百千万亿萬億]))*"
)

_ARABIC_RE = regex.compile(ARABIC)
_CN_SEQ_RE = regex.compile(rf"^[{''.join(DIGITS)}]{{2,}}$")


class NumeralError(ValueError):
    pass


def _tokens(s: str) -> list:
    """Split a numeral into numbers and unit characters: '4万5千' -> [4.0, '万', 5.0, '千']."""
    out: list = []
    i = 0
    while i < len(s):
        m = _ARABIC_RE.match(s, i)
        if m:
            out.append(float(m.group().replace(",", "")))
            i = m.end()
            continue
        ch = s[i]
        if ch in DIGITS:
            out.append(float(DIGITS[ch]))
        elif ch in SMALL or ch in BIG or ch in TENS:
            out.append(ch)
        elif ch in FUZZY or ch.isspace():
            pass
        else:
            raise NumeralError(s)
        i += 1
    return out


def parse_numeral(s: str) -> float | None:
    """The value of one numeral, or None when it is not a well-formed number.

    >>> parse_numeral("1.2万"), parse_numeral("一百零五"), parse_numeral("两万五")
    (12000.0, 105.0, 25000.0)
    """
    s = s.strip()
    if not s:
        return None
    if _CN_SEQ_RE.match(s):
        # 一二三 / 二〇二三: read digit by digit (codes and years)
        return float("".join(str(DIGITS[c]) for c in s))
    try:
        toks = _tokens(s)
    except NumeralError:
        return None
    if not toks:
        return None
    total = 0.0       # what is closed by 亿
    wan = 0.0         # what is closed by 万 (below 亿)
    section = 0.0     # below 万
    number: float | None = None
    last_unit = 1.0   # the last unit seen, for 两万五 = 25000
    zero_seen = False
    prev_num = False
    for t in toks:
        if isinstance(t, float):
            if prev_num and number is not None:
                if number == 0:        # 一百零五: 零 only marks a gap
                    number = t
                    zero_seen = True
                    continue
                return None            # two numbers in a row: 5 5
            if t == 0:
                zero_seen = True
            number = t
            prev_num = True
            continue
        prev_num = False
        if t in TENS:
            section += TENS[t]
            last_unit = 10
            number = None
            continue
        if t in SMALL:
            u = SMALL[t]
            section += (1.0 if number is None else number) * u
            number = None
            last_unit = u
            zero_seen = False
            continue
        u = BIG[t]
        base = section + (number or 0.0)
        if u == 10_000:
            base = base or 1.0
            wan = base * u if wan == 0 else (wan + base) * u
        else:
            base = (wan + base) or 1.0
            total = (total + base) * u
            wan = 0.0
        section = 0.0
        number = None
        last_unit = u
        zero_seen = False
    if number is not None:
        if not zero_seen and last_unit >= 100 and (section or wan or total) and number < 10 and number == int(number):
            number *= last_unit / 10   # 两万五 = 25000, 一百五 = 150
        section += number
    value = total + wan + section
    return value if math.isfinite(value) else None


# Two neighbouring digits before an optional unit: 三四户, 七八十亩, 二三十个.
_PAIR_RE = regex.compile(r"^(?P<pre>.*?十)?(?P<a>[一二三四五六七八九])(?P<b>[二三四五六七八九])(?P<u>[十百千万亿]*)$")


def parse_range_pair(s: str) -> tuple[float, float] | None:
    """三四 -> (3, 4); 七八十 -> (70, 80); 十七八 -> (17, 18); else None.

    >>> parse_range_pair("二三十")
    (20.0, 30.0)
    """
    m = _PAIR_RE.match(s)
    if not m:
        return None
    a, b = DIGITS[m["a"]], DIGITS[m["b"]]
    if b != a + 1:
        return None
    pre = m["pre"] or ""
    if pre and m["u"]:
        return None
    lo = parse_numeral(pre + m["a"] + m["u"])
    hi = parse_numeral(pre + m["b"] + m["u"])
    if lo is None or hi is None:
        return None
    return lo, hi


def _fuzzy(s: str) -> bool:
    return any(c in FUZZY for c in s)


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


class _Patterns:
    """Compiled patterns for one lexicon, built once and cached."""

    def __init__(self, lex: Lexicon) -> None:
        units = _alt(lex.unit_words)
        before = _alt(lex.qualifier_before)
        after = _alt(lex.qualifier_after)
        joiners = _alt(lex.range_joiners)
        self.number = regex.compile(
            rf"(?P<slash>\d+)/(?P<den2>\d+)(?![\d/])"
            rf"|(?P<frac>百分之|千分之|万分之|(?P<den>{NUMRUN})分之)?(?P<num>{NUMRUN})"
        )
        self.numrun = regex.compile(NUMRUN)
        self.unit = regex.compile(rf"\s?(?:{units})") if units else None
        self.before = regex.compile(rf"(?:{before})\s?$") if before else None
        self.after = regex.compile(rf"\s?(?:{after})") if after else None
        self.joiner = regex.compile(rf"\s?(?:{joiners})\s?") if joiners else None
        self.inside = regex.compile(r"\s?[多余]") 
        self.yuan_tail = regex.compile(rf"(?P<j>{NUMRUN})\s?[角毛](?:(?P<f>{NUMRUN})\s?分)?|(?P<f2>{NUMRUN})\s?分(?!之)")


@lru_cache(maxsize=8)
def _patterns(lex: Lexicon) -> _Patterns:
    return _Patterns(lex)


def _match_unit(p: _Patterns, lex: Lexicon, text: str, pos: int):
    """The unit word at `pos` (after an optional space), honouring not_before."""
    if p.unit is None:
        return None
    m = p.unit.match(text, pos)
    if not m:
        return None
    word = m.group().strip()
    ud = lex.units[word]
    rest = text[m.end(): m.end() + 4]
    if any(rest.startswith(w) for w in ud.not_before):
        # try a shorter unit word that is a prefix of this one
        for k in range(len(word) - 1, 0, -1):
            short = word[:k]
            if short in lex.units and not any(text[pos + (m.end() - pos - len(word)) + k:].startswith(w) for w in lex.units[short].not_before):
                return short, m.end() - len(word) + k
        return None
    return word, m.end()


def _context(lex: Lexicon, name: str, text: str, start: int, end: int) -> bool:
    lo = start
    stops = "。；;！!？?\n，,、：:"
    while lo > 0 and text[lo - 1] not in stops and start - lo < 40:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in stops and hi - end < 12:
        hi += 1
    window = text[lo:hi]
    return any(w in window for w in lex.contexts.get(name, ()))


def find_quantities(text: str, lex: Lexicon) -> list[Quantity]:
    """Every number with a known unit in `text` (normalized), in reading order.

    >>> [ (q.raw, q.value, q.unit, q.qualifier) for q in find_quantities("迁移坟墓300多穴", load_lexicon())]
    [('300多穴', 300.0, '穴', 'at_least')]
    """
    p = _patterns(lex)
    out: list[Quantity] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = p.number.search(text, pos)
        if not m:
            break
        q = _read_at(text, m, p, lex)
        if q is None:
            pos = m.start() + 1 if m.end() == m.start() else m.end()
            continue
        out.append(q)
        pos = q.end
    return out


def _read_at(text: str, m, p: _Patterns, lex: Lexicon) -> Quantity | None:
    start = m.start()
    if m["slash"]:
        num, den = float(m["slash"]), float(m["den2"])
        if den == 0 or num > den or text[m.end(): m.end() + 1] in ("%", "％"):
            return None
        after = _match_unit(p, lex, text, m.end())
        if after is not None:
            return None
        value = num / den * 100
        return Quantity(start, m.end(), text[start:m.end()], value, None, "%", "rate", "exact",
                        surface_unit="/", numeral=m.group())
    numeral = m["num"]
    frac = m["frac"]
    chinese = not any(c.isdigit() for c in numeral)
    end = m.end()

    # qualifier written inside the numeral or right after it (300多, 十余万)
    qualifier = "exact"
    inside = ""
    if _fuzzy(numeral):
        qualifier = "at_least" if any(c in "余多几数" for c in numeral) else "approx"
    if frac is None:
        mi = regex.match(r"\s?([多余来几])", text[end:end + 2])
        if mi and not text[end + mi.end(): end + mi.end() + 1] in ("", ) and _match_unit(p, lex, text, end + mi.end()):
            inside = mi.group(1)
            qualifier = lex.qualifier_inside.get(inside, "at_least")
            end += mi.end()

    core = numeral.replace("余", "").replace("多", "").replace("来", "").replace("数", "")
    value_max = None
    pair = None
    if not _ARABIC_RE.search(core):
        pair = parse_range_pair(core)
    if "几" in core:
        core2 = core.replace("几", "")
        value = parse_numeral(core2) if core2 else None
        if value is None:
            return None
        if core.startswith("几"):
            pass  # 几十 -> 10, 几百 -> 100 (at least)
    elif pair:
        value, value_max = pair
        qualifier = "range"
    else:
        value = parse_numeral(core)
    if value is None:
        return None

    # percentages written as words: 百分之七十六, 千分之五, 三分之一
    if frac is not None:
        if frac == "百分之":
            factor = 1.0
        elif frac == "千分之":
            factor = 0.1
        elif frac == "万分之":
            factor = 0.01
        else:
            den = parse_numeral(m["den"])
            if not den:
                return None
            value, value_max = value / den * 100, (value_max / den * 100 if value_max else None)
            factor = 1.0
        value *= factor
        if value_max is not None:
            value_max *= factor
        # a range after 百分之: 百分之二十至三十
        if p.joiner:
            mj = p.joiner.match(text, end)
            if mj:
                m2 = regex.match(rf"(?:百分之)?({NUMRUN})", text[mj.end():])
                if m2 and frac in ("百分之", "千分之", "万分之"):
                    v2 = parse_numeral(m2.group(1))
                    if v2 is not None and v2 * factor > value:
                        value_max = v2 * factor
                        qualifier = "range"
                        end = mj.end() + m2.end()
        q_after = _qualifier_after(p, lex, text, end)
        if q_after:
            qualifier, end = q_after
        qualifier, start, pre, applied = _apply_before(p, lex, text, start, qualifier)
        return Quantity(start, end, text[start:end], value, value_max, "%", "rate", qualifier,
                        surface_unit=frac, numeral=numeral, chinese=chinese, pre_word=pre, pre_applied=applied)

    unit_hit = _match_unit(p, lex, text, end)
    # a range: 3-5人, 3人到5人, 5%-20%, 10万-20万元
    if unit_hit is None or (p.joiner and p.joiner.match(text, unit_hit[1])):
        rng = _read_range(text, end, unit_hit, p, lex, value)
        if rng is not None:
            value_max, unit_hit, end2 = rng
            qualifier = "range"
            end = end2
    if unit_hit is None:
        return _read_bare(text, start, end, numeral, value, value_max, qualifier, chinese, p, lex)
    word, uend = unit_hit
    # 个半月, 年半: add a half
    ud = lex.units[word]
    category, unit, factor = ud.category, ud.unit, ud.factor
    for ctx, cat2, unit2, factor2 in ud.alt:
        if _context(lex, ctx, text, start, uend):
            category, unit, factor = cat2, unit2, factor2
            break
    end = uend
    # 五元三毛, 50元6角三分
    if category == "money" and word in ("元", "块", "圆") and value_max is None:
        mt = p.yuan_tail.match(text, end)
        if mt:
            jiao = parse_numeral(mt["j"]) if mt["j"] else 0.0
            fen = parse_numeral(mt["f"] or mt["f2"] or "") if (mt["f"] or mt["f2"]) else 0.0
            if jiao is not None and fen is not None and jiao < 10 and fen < 10:
                value += jiao * 0.1 + fen * 0.01
                end = mt.end()
    if text[end:end + 1] == "半" and category == "duration":
        value += 0.5
        end += 1
    q_after = _qualifier_after(p, lex, text, end)
    if q_after:
        if qualifier in ("exact",) or (qualifier == "at_least" and q_after[0] == "at_least"):
            qualifier = q_after[0]
        end = q_after[1]
    signed = ""
    if category == "rate" and start > 0 and text[start - 1] in "+-":
        signed = text[start - 1]
    qualifier, start, pre, applied = _apply_before(p, lex, text, start, qualifier)
    value *= factor
    if value_max is not None:
        value_max *= factor
    if not (math.isfinite(value) and (value_max is None or math.isfinite(value_max))):
        return None
    return Quantity(start, end, text[start:end], value, value_max, unit, category, qualifier,
                    surface_unit=word, numeral=numeral, chinese=chinese, signed=signed,
                    pre_word=pre, pre_applied=applied)


def _read_range(text, end, unit_hit, p, lex, value):
    """After the first number (and perhaps its unit): a joiner and a second number."""
    pos = unit_hit[1] if unit_hit else end
    mj = p.joiner.match(text, pos) if p.joiner else None
    if not mj:
        return None
    m2 = p.numrun.match(text, mj.end())
    if not m2:
        return None
    v2 = parse_numeral(m2.group().replace("余", "").replace("多", ""))
    if v2 is None or v2 <= value:
        return None
    unit2 = _match_unit(p, lex, text, m2.end())
    if unit2 is None:
        # 10万-20万 with money context: let the bare reader decide
        if unit_hit is None and m2.group()[-1] in "万亿":
            return v2, None, m2.end()
        return None
    if unit_hit is not None and unit_hit[0] != unit2[0]:
        return None
    return v2, unit2, unit2[1]


def _read_bare(text, start, end, numeral, value, value_max, qualifier, chinese, p, lex):
    """A number scaled by 万/亿 with no unit: money or people by context, else nothing."""
    if not numeral or numeral[-1] not in "万亿萬億":
        return None
    for ctx, cat, unit, factor in lex.bare:
        if _context(lex, ctx, text, start, end):
            q_after = _qualifier_after(p, lex, text, end)
            if q_after:
                qualifier, end = (q_after[0] if qualifier == "exact" else qualifier), q_after[1]
            qualifier, start, pre, applied = _apply_before(p, lex, text, start, qualifier)
            return Quantity(start, end, text[start:end], value * factor,
                            value_max * factor if value_max is not None else None,
                            unit, cat, qualifier, surface_unit="", numeral=numeral, chinese=chinese,
                            pre_word=pre, pre_applied=applied)
    return None


def _qualifier_after(p, lex, text, pos):
    if p.after is None:
        return None
    m = p.after.match(text, pos)
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


def _apply_before(p, lex, text, start, qualifier):
    """A qualifier word right before the number (约, 超过): (qualifier, start, word, applied).

    A word that sets a qualifier becomes part of the span (约40亿元); 达 (exact)
    does not.
    """
    if p.before is None:
        return qualifier, start, "", False
    m = p.before.search(text, max(0, start - 4), start)
    if not m:
        return qualifier, start, "", False
    word = m.group().strip()
    q = lex.qualifier_before[word]
    if q == "exact":
        return qualifier, start, "", False
    applied = qualifier == "exact"
    return (q if applied else qualifier), m.start() + (len(m.group()) - len(m.group().lstrip())), word, applied


if __name__ == "__main__":  # pragma: no cover
    import doctest

    from .lexicon import load_lexicon  # noqa: F401
    doctest.testmod()
