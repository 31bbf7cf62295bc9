"""The period parser: time words -> normalized periods, with counter-examples."""
import pytest
from hypothesis import given, settings, strategies as st

from reportmine.lexicon import Lexicon, LexiconError, load_lexicon
from reportmine.periods import _matches, cn_int, context_years, find_periods, period_rules, resolve_period

LEX = load_lexicon()
DATE = "2023-07-10"


def periods(text, date=DATE):
    return [resolve_period(c, date) for c in find_periods(text, LEX)]


# (text, document date, periods in order)
CASES = [
    # years, written out or relative to the document's date
    ("2023年以来,金川街道全面贯彻", DATE, ["2023"]),
    ("二〇二三年三月完成签约", "", ["2023-03"]),
    ("今年来,城东街道干群商企齐心协力", DATE, ["2023"]),
    ("今年来,城东街道干群商企齐心协力", "", ["今年"]),
    ("去年完成了8个村的整村拆除", "2020-05-01", ["2019"]),
    ("全年完成投资5亿元", DATE, ["2023"]),
    ("全年完成投资5亿元", "", ["全年"]),
    ("2021-2023年累计投资", "", ["2021..2023"]),
    ("十四五期间新增耕地", "", ["2021..2025"]),
    # halves and quarters
    ("二、上半年工作总结", DATE, ["2023-H1"]),
    ("二、上半年工作总结", "", ["上半年"]),
    ("2022年下半年", DATE, ["2022-H2"]),
    ("去年上半年", DATE, ["2022-H1"]),
    ("二季度和全年经济发展工作", "2020-05-01", ["2020-Q2", "2020"]),
    ("第一季度有礼标兵", DATE, ["2023-Q1"]),
    ("前三季度", DATE, ["2023-01..2023-09"]),
    # months and month ranges
    ("1-8月份城东街道“成绩单”", "2022-09-05", ["2022-01..2022-08"]),
    ("1-8月份城东街道“成绩单”", "", ["1-8月"]),
    ("1至5月固定投资达3774万元", DATE, ["2023-01..2023-05"]),
    ("今年1-8月", "", ["今年1-8月"]),
    ("2000年3月成立了稠江镇", "", ["2000-03"]),
    ("6月以来新启动征迁项目2个", DATE, ["2023-06..2023-07"]),
    ("6月以来新启动征迁项目2个", "", ["6月以来"]),
    # days and as-of dates
    ("截至目前,白沙拆迁组", "2020-10-23", ["2020-10-23"]),
    ("截至目前,白沙拆迁组", "", ["截至目前"]),
    ("截至10月23日,已签约", "2020-11-02", ["2020-10-23"]),
    ("截至10月23日,已签约", "2021-01-05", ["2020-10-23"]),   # an as-of date is never after publication
    ("截至去年底,该社区有常住人口1.8万", "2020-05-01", ["2019-12-31"]),
    ("截至6月底", DATE, ["2023-06-30"]),
    ("5月8日当天何宅村签约率超99%", "2020-06-01", ["2020-05-08"]),
    ("截至2月29日", "2023-03-01", ["2023-02-28"]),
    # counter-examples: a 年 that is a duration, comparison bases, words that hold numerals
    ("把新增耕地7850亩的三年任务压缩为一年来完成", DATE, []),
    ("溪心安置区已经建成10多年", DATE, []),
    ("遗留28年的问题", DATE, []),
    ("近2000年的历史", DATE, []),
    ("7-8月营业额较去年同比止降转升", DATE, ["2023-07..2023-08"]),
    ("比上年增长5%", DATE, []),
    ("与去年同期相比", DATE, []),
    ("统一月度考核", DATE, []),
    ("3个月内完成", DATE, []),
    ("13月", DATE, []),
    ("2月30日", DATE, []),
]


@pytest.mark.parametrize("text, date, expected", CASES, ids=[c[0][:14] for c in CASES])
def test_period(text, date, expected):
    assert periods(text, date) == expected


# (text, title, document date, periods): the year being talked about
CONTEXT = [
    # a bulletin on 2022 published in 2023: 一季度 and 全年 are 2022's, 今年 is not
    ("2022年,全县实现生产总值235.6亿元。其中,一季度完成投资12亿元,全年完成58亿元;今年目标60亿元。",
     "", "2023-03-15", ["2022", "2022-Q1", "2022", "2023"]),
    ("全县全年完成工业产值58亿元", "常山县2022年国民经济和社会发展统计公报", "2023-03-15", ["2022"]),
    # a new paragraph forgets the year of the one before
    ("2022年完成签约。\n上半年完成投资", "", "2023-07-10", ["2022", "2023-H1"]),
    # a title with two years sets none
    ("全年完成投资", "2022年总结及2023年计划", "2023-01-05", ["2023"]),
    # with no date, a year written in the paragraph still gives the year; none is invented
    ("2022年专项行动方案,在6月30日启动签约", "", "", ["2022", "2022-06-30"]),
    ("在6月30日启动签约", "", "", ["6月30日"]),
]


@pytest.mark.parametrize("text, title, date, expected", CONTEXT, ids=[c[0][:14] for c in CONTEXT])
def test_context_year(text, title, date, expected):
    cues = find_periods(text, LEX)
    years = context_years(text, cues, find_periods(title, LEX))
    assert [resolve_period(c, date, y) for c, y in zip(cues, years)] == expected


def test_found_text_is_tidied_when_no_date_resolves_it():
    (cue,) = find_periods("1至8月份", LEX)
    assert (cue.found, resolve_period(cue, "")) == ("1-8月", "1-8月")


def test_cues_carry_offsets_into_the_text():
    text = "其中,今年上半年完成签约212户"
    (cue,) = find_periods(text, LEX)
    assert text[cue.start:cue.end] == "今年上半年"


@pytest.mark.parametrize("s, n", [("8", 8), ("十", 10), ("十二", 12), ("二十三", 23), ("三十一", 31), ("二〇二三", 2023)])
def test_cn_int(s, n):
    assert cn_int(s) == n


def _with_places(places: dict) -> Lexicon:
    import dataclasses
    return dataclasses.replace(LEX, places=places)


def test_bad_period_data_names_the_table_and_word():
    bad = _with_places({**LEX.places, "period": {**LEX.places["period"], "halves": {"上半年": 3}}})
    with pytest.raises(LexiconError, match=r"places.toml: \[period.halves\] '上半年'"):
        period_rules(bad)


def test_a_user_word_is_read():
    period = dict(LEX.places["period"])
    period["relative_years"] = {**period["relative_years"], "大前年": -3}
    lex = _with_places({**LEX.places, "period": period})
    assert [resolve_period(c, DATE) for c in find_periods("大前年完成", lex)] == ["2020"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789-至年月日底今去上下半季度截目前以来一二三四十〇份,。", max_size=30),
       st.sampled_from(["", DATE, "2021-01-05"]))
def test_any_text_gives_cues_inside_it_and_resolves(text, date):
    last = -1
    for c in find_periods(text, LEX):
        assert 0 <= c.start < c.end <= len(text) and c.start >= last
        last = c.end
        assert resolve_period(c, date)


# Characters where the stdlib and regex disagree: \x1c-\x1f are \s only for
# the stdlib, U+10D40.. (Garay) digits are \d only for regex.
TRICKY = "\x1c\x1f \u3000\n" + "".join(map(chr, range(0x10D40, 0x10D4A)))


@pytest.mark.parametrize("text", ["2023\x1c年完成", "20\U00010d42\U00010d43年,1-\x1f5月", "截至\x1e10月底", "\U00010d401\U00010d41月",
                                  "1\n-\n5月份", "1\u3000至3月", "截至\n2023年", "十四五", "年末"])
def test_the_stdlib_scan_finds_every_cue_regex_finds(text):
    rules = period_rules(LEX)
    assert [m.span() for m in _matches(text, rules)] == [m.span() for m in rules.pattern.finditer(text)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789-~至到年月日号底末今去上下半季度第前个截止目期间十二五以来一二三四〇份,." + TRICKY, max_size=40))
def test_the_stdlib_scan_matches_regex_anywhere(text):
    rules = period_rules(LEX)
    assert [m.span() for m in _matches(text, rules)] == [m.span() for m in rules.pattern.finditer(text)]
