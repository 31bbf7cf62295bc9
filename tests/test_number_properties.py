"""Properties of the number engine (hypothesis).

- any integer or decimal written as Arabic digits, full-width digits, with
  thousands separators, as Chinese numerals (the formatter below), or scaled
  by 万/亿, parses back to the same value;
- the same quantity written in any of these forms yields the same row;
- reading never raises, whatever the text, and every span is the text it
  says it is.
"""
import math

from hypothesis import given, settings, strategies as st

import reportmine
from reportmine.lexicon import load_lexicon
from reportmine.normalize import normalize_text
from reportmine.numbers import find_quantities, parse_numeral

LEX = load_lexicon()
settings.register_profile("numbers", max_examples=150, deadline=None)
settings.load_profile("numbers")

PLAIN = "零一二三四五六七八九"
FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def _group(n: int, digits: str, units: tuple) -> str:
    """0 < n < 10000 in Chinese: 1010 -> 一千零一十."""
    out, zero = "", False
    for unit, d in zip(units, f"{n:04d}"):
        d = int(d)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + unit
    return out


def chinese(n: int, financial: bool = False, short_ten: bool = False) -> str:
    """An integer as a report writes it in Chinese numerals.

    chinese(10010001) == '一千零一万零一'; short_ten writes 十五 for 一十五.
    """
    digits = FINANCIAL if financial else PLAIN
    units = ("仟", "佰", "拾", "") if financial else ("千", "百", "十", "")

    def grp(k):
        return _group(k, digits, units)

    def rec(k):
        if k >= 10**8:
            hi, lo = divmod(k, 10**8)
            s = rec(hi) + "亿"
            return s + (digits[0] if 0 < lo < 10**7 else "") + (rec(lo) if lo else "")
        if k >= 10**4:
            hi, lo = divmod(k, 10**4)
            s = grp(hi) + "万"
            return s + (digits[0] if 0 < lo < 1000 else "") + (grp(lo) if lo else "")
        return grp(k)

    if n == 0:
        return digits[0]
    s = rec(n)
    ten = "拾" if financial else "十"
    if short_ten and s.startswith(digits[1] + ten):
        s = s[1:]
    return s


def chinese_decimal(x: str, financial: bool = False) -> str:
    """'12.05' -> 十二点零五."""
    digits = FINANCIAL if financial else PLAIN
    whole, _, frac = x.partition(".")
    out = chinese(int(whole), financial, short_ten=True)
    return out + ("点" + "".join(digits[int(c)] for c in frac) if frac else "")


def test_formatter_examples():
    assert chinese(10010001) == "一千零一万零一"
    assert chinese(105) == "一百零五"
    assert chinese(15, short_ten=True) == "十五"
    assert chinese(100000001) == "一亿零一"
    assert chinese(1111, financial=True) == "壹仟壹佰壹拾壹"
    assert chinese_decimal("12.05") == "十二点零五"


INTS = st.integers(min_value=0, max_value=10**15)


@given(INTS)
def test_arabic_digits_parse_back(n):
    assert parse_numeral(str(n)) == n
    assert parse_numeral(f"{n:,}") == n
    assert parse_numeral(str(n).translate(FULLWIDTH)) == n
    assert parse_numeral(f"{n:,}".translate(FULLWIDTH)) == n


@given(INTS, st.booleans(), st.booleans())
def test_chinese_numerals_parse_back(n, financial, short_ten):
    assert parse_numeral(chinese(n, financial, short_ten)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=9999))
def test_decimals_parse_back(whole, frac):
    x = f"{whole}.{frac:04d}".rstrip("0").rstrip(".")
    assert parse_numeral(x) == float(x)
    assert parse_numeral(x.translate(FULLWIDTH)) == float(x)
    assert math.isclose(parse_numeral(chinese_decimal(x)), float(x), rel_tol=1e-12)


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=2),
       st.sampled_from([("万", 10**4), ("亿", 10**8), ("千万", 10**7), ("万亿", 10**12)]))
def test_multipliers_scale(k, decimals, mult):
    word, scale = mult
    x = k / 10**decimals
    text = f"{x:.{decimals}f}{word}"
    assert math.isclose(parse_numeral(text), x * scale, rel_tol=1e-12)
    # in Chinese numerals a multiplier follows only a smaller number (九万九千亿, 九千九百万)
    if decimals == 0 and (word == "亿" or word in ("万", "万亿") and k < 10**4):
        assert parse_numeral(chinese(k) + word) == k * scale


def _forms(n: int) -> list[str]:
    forms = [str(n), f"{n:,}", str(n).translate(FULLWIDTH), chinese(n), chinese(n, short_ten=True),
             chinese(n, financial=True)]
    if n % 10**4 == 0:
        forms += [f"{n // 10**4}万", chinese(n // 10**4, short_ten=True) + "万"]
    if n % 10**4 == 0 and n % 10**3 == 0 and n >= 10**4 and (n // 10**3) % 10:
        # 4万5千 and 两万五 for 45000
        forms.append(f"{n // 10**4}万{(n // 10**3) % 10}千")
    return forms


def _row(form: str, unit: str) -> dict:
    rows = reportmine.extract_text(f"全年完成{form}{unit},任务提前完成。", lexicon=LEX)
    assert len(rows) == 1, (form, rows)
    r = rows[0]
    return {k: r[k] for k in ("category", "subject", "value", "value_max", "unit", "qualifier", "change")}


@settings(max_examples=40)
@given(st.one_of(st.integers(min_value=2, max_value=10**9),
                 st.integers(min_value=1, max_value=9999).map(lambda k: k * 10**4)),
       st.sampled_from(["户", "公顷", "元", "人"]))
def test_same_quantity_in_any_form_yields_the_same_row(n, unit):
    rows = [_row(f, unit) for f in _forms(n)]
    assert all(r == rows[0] for r in rows), list(zip(_forms(n), rows))
    assert math.isclose(rows[0]["value"], n * LEX.units[unit].factor, rel_tol=1e-9)


ALPHABET = st.sampled_from(list(
    "0123456789.,%-~/ 零〇一二两三四五六七八九十百千万亿壹贰叁拾佰仟廿兆几数余多来个半点分之"
    "户亩元块毛角人名个年月天成折方米吨美港币约近超逾以上左右内含()（），。、第号"
    "的是在和项目资金面积平公顷里斤") )


@settings(max_examples=300)
@given(st.text(ALPHABET, max_size=40))
def test_reading_never_raises_and_spans_are_true(text):
    norm = normalize_text(text)
    for q in find_quantities(norm, LEX):
        assert norm[q.start:q.end] == q.raw
        assert q.start < q.end
        assert math.isfinite(q.value)
        assert q.value_max is None or q.value_max > q.value
    parse_numeral(text)


@settings(max_examples=100)
@given(st.text(max_size=60))
def test_any_text_reads_without_error(text):
    norm = normalize_text(text)
    for q in find_quantities(norm, LEX):
        assert norm[q.start:q.end] == q.raw
    parse_numeral(text)
