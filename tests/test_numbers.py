"""Table tests of the number engine: one row per way a report writes a quantity.

Rows go through `find_quantities` on normalized text (the reading of numbers
and units only; whether a quantity is an indicator is tested in
test_extract.py).
"""
import math

import pytest

from reportmine.lexicon import load_lexicon
from reportmine.normalize import normalize_text
from reportmine.numbers import find_quantities, numeral_qualifier, parse_numeral, parse_range_pair

LEX = load_lexicon()


def read(text):
    return find_quantities(normalize_text(text), LEX)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ------------------------------------------------------------- one numeral
NUMERALS = [
    # Arabic digits, separators, decimals, full-width digits
    ("212", 212), ("1,234.5", 1234.5), ("1,050,000,000", 1050000000), ("１２３", 123),
    ("２．５", 2.5), ("0.5", 0.5),
    # Chinese numerals
    ("十五", 15), ("一十一", 11), ("两百", 200), ("一百零五", 105), ("一千零十", 1010),
    ("一千零一十", 1010), ("一百十一", 111), ("一万零一", 10001), ("十万零一千", 101000),
    ("一万二千", 12000), ("四亿五千六百四十二万零一十五", 456420015),
    ("一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一", 1111111111111111),
    ("一百零十万", 1100000), ("俩千两百贰拾二", 2222), ("〇", 0),
    # financial forms and 廿
    ("壹佰贰拾叁", 123), ("肆佰陆拾", 460), ("拾万零五十六", 100056), ("壹仟玖佰", 1900),
    ("廿二", 22), ("卅", 30),
    # short forms: the digit after the last unit is the next unit down
    ("两万五", 25000), ("三万五", 35000), ("两千六", 2600), ("一百五", 150), ("千三", 1300),
    ("百三", 130), ("一亿五", 150000000), ("一百二十万三", 1203000),
    # mixed Arabic and Chinese
    ("1.2万", 12000), ("3千万", 30000000), ("4万5千", 45000), ("5万4千6百", 54600),
    ("1万600", 10600), ("3万4000", 34000), ("200亿零四千230", 20000004230), ("1千零20", 1020),
    ("4.78万亿", 4780000000000), ("10万万", 1000000000), ("四万万", 400000000),
    ("3千万亿", 3000000000000000), ("151384万", 1513840000), ("10.2 万", 102000),
    # Chinese decimals with 点
    ("十五点七", 15.7), ("零点五", 0.5), ("一百点123", 100.123), ("两千万点五五四四", 20000000.5544),
    ("三点五万", 35000), ("零点零零一", 0.001),
    # 'some' words: 几/数 open a numeral as one, close it as zero
    ("十几", 10), ("几十", 10), ("二十几万", 200000), ("一百零几万", 1000000), ("数十亿", 1000000000),
    ("数百", 100), ("十余万", 100000), ("五百余万", 5000000), ("一千多万", 10000000),
    ("二十来万", 200000), ("两个亿", 200000000), ("三个多亿", 300000000),
    # digit by digit (years, codes)
    ("二〇二三", 2023),
]


@pytest.mark.parametrize("text, value", NUMERALS)
def test_parse_numeral(text, value):
    assert close(parse_numeral(text), value)


@pytest.mark.parametrize("text", ["", "五十千", "一万两万", "百千", "点五", "5 5", "十二十", "abc", "万一万万亿x"])
def test_parse_numeral_refuses_what_is_no_number(text):
    assert parse_numeral(text) is None


@pytest.mark.parametrize("text, qualifier", [
    ("十几", "at_least"), ("十余万", "at_least"), ("数十", "at_least"), ("二十来", "approx"), ("三千", "exact"),
])
def test_numeral_qualifier(text, qualifier):
    assert numeral_qualifier(text) == qualifier


@pytest.mark.parametrize("text, pair", [
    ("三四", (3, 4)), ("两三", (2, 3)), ("七八十", (70, 80)), ("二三十", (20, 30)), ("十七八", (17, 18)),
    ("四五千", (4000, 5000)), ("八九亿", (800000000, 900000000)), ("三五百", (300, 500)),
    ("一百二三十", (120, 130)), ("五五", None), ("三五", None), ("三八", None), ("四三", None),
])
def test_parse_range_pair(text, pair):
    assert parse_range_pair(text) == (tuple(float(x) for x in pair) if pair else None)


# ------------------------------------------------ quantities in running text
# (text, raw, value, value_max, unit, qualifier)
QUANTITIES = [
    # numbers and multipliers with units
    ("完成1,234户", "1,234户", 1234, None, "户", "exact"),
    ("涉及人口１２３人", "123人", 123, None, "人", "exact"),
    ("征收土地10.2 万平方米", "10.2万平方米", 10.2, None, "ha", "exact"),
    ("完成投资4万5千元", "4万5千元", 45000, None, "CNY", "exact"),
    ("拆除房屋一百零五间", "一百零五间", 105, None, "间", "exact"),
    ("新增耕地1.2万亩", "1.2万亩", 800, None, "ha", "exact"),
    ("清运土方2万方", "2万方", 20000, None, "m3", "exact"),
    ("建筑面积约42万方", "约42万方", 42, None, "ha", "approx"),
    ("户籍人口5.1万人", "5.1万人", 51000, None, "人", "exact"),
    ("累计3千万元", "3千万元", 30000000, None, "CNY", "exact"),
    ("肆佰叁拾萬圆整", "肆佰叁拾万圆整", 4300000, None, "CNY", "exact"),
    ("重达二十亿吨", "二十亿吨", 2000000000, None, "t", "exact"),
    # ranges
    ("成立3-5人工作小组", "3-5人", 3, 5, "人", "range"),
    ("成立3~5人工作小组", "3~5人", 3, 5, "人", "range"),
    ("成立3至5人工作小组", "3至5人", 3, 5, "人", "range"),
    ("成立3人到5人工作小组", "3人到5人", 3, 5, "人", "range"),
    ("相关的三四户", "三四户", 3, 4, "户", "range"),
    ("七八十亩土地", "七八十亩", 70 / 15, 80 / 15, "ha", "range"),
    ("二三十个村", "二三十个", 20, 30, "个", "range"),
    ("比例为5%-20%", "5%-20%", 5, 20, "%", "range"),
    ("比例为5-20%", "5-20%", 5, 20, "%", "range"),
    ("百分之二三十的农户", "百分之二三十", 20, 30, "%", "range"),
    ("补助百分之二十至三十", "百分之二十至三十", 20, 30, "%", "range"),
    ("补助10万-20万元", "10万-20万元", 100000, 200000, "CNY", "range"),
    ("补助1万元--5万元", "1万元--5万元", 10000, 50000, "CNY", "range"),
    ("在1万(含)-5万元之间", "1万(含)-5万元", 10000, 50000, "CNY", "range"),
    # a multiplier written only with the second number scales both
    ("两到三万港元", "两到三万港元", 20000, 30000, "HKD", "range"),
    ("2——3万港币", "2——3万港币", 20000, 30000, "HKD", "range"),
    ("十八至三十万日元", "十八至三十万日元", 180000, 300000, "JPY", "range"),
    ("一千到两千万元", "一千到两千万元", 10000000, 20000000, "CNY", "range"),
    ("八到九百亿泰铢", "八到九百亿泰铢", 8e10, 9e10, "THB", "range"),
    ("从8500到3万港元", "8500到3万港元", 8500, 30000, "HKD", "range"),
    ("四五千块钱", "四五千块钱", 4000, 5000, "CNY", "range"),
    # qualifiers before and after
    ("投资约40亿元", "约40亿元", 4e9, None, "CNY", "approx"),
    ("大约5000人", "大约5000人", 5000, None, "人", "approx"),
    ("近700万元", "近700万元", 7e6, None, "CNY", "at_most"),
    ("超2000户", "超2000户", 2000, None, "户", "at_least"),
    ("超过90%", "超过90%", 90, None, "%", "at_least"),
    ("逾百人", "逾百人", 100, None, "人", "at_least"),
    ("突破50亿元", "突破50亿元", 5e9, None, "CNY", "at_least"),
    ("签约率达76%", "76%", 76, None, "%", "exact"),
    ("迁移坟墓300多穴", "300多穴", 300, None, "穴", "at_least"),
    ("1900余亩", "1900余亩", 1900 / 15, None, "ha", "at_least"),
    ("2万余名", "2万余名", 20000, None, "人", "at_least"),
    ("十余万户", "十余万户", 100000, None, "户", "at_least"),
    ("90%以上", "90%以上", 90, None, "%", "at_least"),
    ("50万元(含)以上", "50万元(含)以上", 500000, None, "CNY", "at_least"),
    ("一个月左右", "一个月左右", 1, None, "月", "approx"),
    ("不到10天", "不到10天", 10, None, "天", "at_most"),
    ("不足一个月", "不足一个月", 1, None, "月", "at_most"),
    ("15天以内", "15天以内", 15, None, "天", "at_most"),
    ("十几个项目", "十几个", 10, None, "个", "at_least"),
    ("几十家企业", "几十家", 10, None, "家", "at_least"),
    ("数十亿元人民币", "数十亿元人民币", 1e9, None, "CNY", "at_least"),
    ("十来个", "十来个", 10, None, "个", "approx"),
    ("至少九千块钱以上", "至少九千块钱以上", 9000, None, "CNY", "at_least"),
    # percentages and shares
    ("签约率76％", "76%", 76, None, "%", "exact"),
    ("百分之七十六", "百分之七十六", 76, None, "%", "exact"),
    ("百分之0.5", "百分之0.5", 0.5, None, "%", "exact"),
    ("百分之一点五七", "百分之一点五七", 1.57, None, "%", "exact"),
    ("百分之1,111", "百分之1,111", 1111, None, "%", "exact"),
    ("七成农户", "七成", 70, None, "%", "exact"),
    ("七成六", "七成六", 76, None, "%", "exact"),
    ("三成半", "三成半", 35, None, "%", "exact"),
    ("9.5成", "9.5成", 95, None, "%", "exact"),
    ("十成", "十成", 100, None, "%", "exact"),
    ("打八折", "八折", 80, None, "%", "exact"),
    ("八五折", "八五折", 85, None, "%", "exact"),
    ("75折", "75折", 75, None, "%", "exact"),
    ("9.9折", "9.9折", 99, None, "%", "exact"),
    ("三点一折", "三点一折", 31, None, "%", "exact"),
    ("千分之五", "千分之五", 0.5, None, "%", "exact"),
    ("仟分之贰", "仟分之贰", 0.2, None, "%", "exact"),
    ("万分之三", "万分之三", 0.03, None, "%", "exact"),
    ("百万分之五", "百万分之五", 0.0005, None, "%", "exact"),
    ("5‰", "5‰", 0.5, None, "%", "exact"),
    ("占1/15", "1/15", 100 / 15, None, "%", "exact"),
    ("三分之一的土地", "三分之一", 100 / 3, None, "%", "exact"),
    ("提高3个百分点", "3个百分点", 3, None, "%", "exact"),
    ("四点五个百分点", "四点五个百分点", 4.5, None, "%", "exact"),
    # money: currencies, symbols, amounts
    ("3000万美元", "3000万美元", 3e7, None, "USD", "exact"),
    ("每股1.95港元", "1.95港元", 1.95, None, "HKD", "exact"),
    ("港币两千九百六十元", "港币两千九百六十元", 2960, None, "HKD", "exact"),
    ("新台币 177.1 亿元", "新台币177.1亿元", 1.771e10, None, "TWD", "exact"),
    ("人民币 8千元", "人民币8千元", 8000, None, "CNY", "exact"),
    ("8亿元人民币", "8亿元人民币", 8e8, None, "CNY", "exact"),
    ("三万元欧元", "三万元欧元", 30000, None, "EUR", "exact"),
    ("9000元日币", "9000元日币", 9000, None, "JPY", "exact"),
    ("价格￥300", "￥300", 300, None, "CNY", "exact"),
    ("两个亿卢布", "两个亿卢布", 2e8, None, "RUB", "exact"),
    ("五元三毛", "五元三毛", 5.3, None, "CNY", "exact"),
    ("50元6角三分", "50元6角三分", 50.63, None, "CNY", "exact"),
    ("玖仟陆佰陆拾伍圆壹角捌分", "玖仟陆佰陆拾伍圆壹角捌分", 9665.18, None, "CNY", "exact"),
    ("一百三十五块六角七分钱", "一百三十五块六角七分钱", 135.67, None, "CNY", "exact"),
    ("十块三毛", "十块三毛", 10.3, None, "CNY", "exact"),
    ("三块五", "三块五", 3.5, None, "CNY", "exact"),
    ("花费我三块", "三块", 3, None, "CNY", "exact"),
    ("两美元又三美分", "两美元又三美分", 2.03, None, "USD", "exact"),
    ("445奈拉", "445奈拉", 445, None, "NGN", "exact"),
    ("壹拾壹元整", "壹拾壹元整", 11, None, "CNY", "exact"),
    # halves
    ("历时一个半月", "一个半月", 1.5, None, "月", "exact"),
    ("三个半小时", "三个半小时", 3.5, None, "小时", "exact"),
    ("用了两年半", "两年半", 2.5, None, "年", "exact"),
    ("一吨半", "一吨半", 1.5, None, "t", "exact"),
    ("两米半的围墙", "两米半", 0.0025, None, "km", "exact"),
    ("不出半天", "不出半天", 0.5, None, "天", "at_most"),
    ("仅用半个月", "半个月", 0.5, None, "月", "exact"),
    # length, weight, Latin units
    ("水深超过250m", "超过250m", 0.25, None, "km", "at_least"),
    ("两千米", "两千米", 2, None, "km", "exact"),
    ("2.3千克", "2.3千克", 0.0023, None, "t", "exact"),
    ("跑道3百米", "3百米", 0.3, None, "km", "exact"),
    # bare numbers scaled by 万/亿 take money or people from the clause
    ("争取4000万专项资金", "4000万", 4e7, None, "CNY", "exact"),
    ("常住人口1.8万", "1.8万", 18000, None, "人", "exact"),
    ("增收破百万元", "破百万元", 1e6, None, "CNY", "at_least"),
    ("超亿元", "超亿元", 1e8, None, "CNY", "at_least"),
    ("参与群众万余人", "万余人", 10000, None, "人", "at_least"),
    ("涉及千余户", "千余户", 1000, None, "户", "at_least"),
]


@pytest.mark.parametrize("text, raw, value, value_max, unit, qualifier", QUANTITIES)
def test_quantity_in_text(text, raw, value, value_max, unit, qualifier):
    qs = read(text)
    assert [q.raw for q in qs] == [raw], text
    q = qs[0]
    assert close(q.value, value), (text, q.value)
    assert close(q.value_max, value_max), (text, q.value_max)
    assert (q.unit, q.qualifier) == (unit, qualifier)
    norm = normalize_text(text)
    assert norm[q.start:q.end] == q.raw


@pytest.mark.parametrize("text", [
    "四川", "陆地上有许多动物", "他在海滩上拾取贝壳", "一看", "五角大楼宣布了作战计划", "珠三角",
    "三角洲", "人民币 美元", "半年来", "半成品", "上半年", "三五成群", "2.2本计划", "二○一八年七月",
    "万元户", "新开工亿元以上项目", "千万工程", "三年级", "80年代", "半年度", "10mg", "五十千户",
])
def test_no_quantity(text):
    assert read(text) == [], [q.raw for q in read(text)]


def test_several_quantities_in_one_sentence():
    qs = read("去年产值突破180亿元,带动就业超10万人,户平增收16000元,养殖387万亩。")
    assert [(q.raw, q.value, q.unit, q.qualifier) for q in qs] == [
        ("突破180亿元", 1.8e10, "CNY", "at_least"),
        ("超10万人", 1e5, "人", "at_least"),
        ("16000元", 16000, "CNY", "exact"),
        ("387万亩", 258000, "ha", "exact"),
    ]


def test_currency_before_does_not_reach_into_the_previous_quantity():
    qs = read("4人民币5美元")
    assert [(q.raw, q.unit) for q in qs] == [("4人民币", "CNY"), ("5美元", "USD")]


def test_sign_before_a_rate_is_kept_for_the_change():
    (q,) = read("同比增长-5.2%")
    assert (q.raw, q.value, q.signed) == ("5.2%", 5.2, "-")


def test_a_rejected_number_is_not_read_again_from_inside():
    # 2.2本 is a version, and 本 must not then be read after its last digit
    assert [q.raw for q in read("2.2本计划投资3541.07万元")] == ["3541.07万元"]


def test_a_text_with_characters_beyond_the_bmp_reads_the_same():
    # such a text is scanned with `regex` instead of `re` (emoji are common in news)
    text = "完成212户,约一百五十万元,一些村统一十分整洁,破百万元,半天"
    assert [q.raw for q in read(text + "😀")] == [q.raw for q in read(text)] == [
        "212户", "约一百五十万元", "破百万元", "半天"]


def test_re_and_regex_mean_the_same_digits_in_the_bmp():
    # the scan runs in stdlib `re` on texts within the BMP; `regex` follows a
    # newer Unicode, whose added digits must all lie beyond it
    import re

    import regex
    bmp = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    assert re.findall(r"\d", bmp) == regex.findall(r"\d", bmp)


def test_groups_read_by_number_are_the_named_ones():
    from reportmine import numbers

    for pattern in (numbers._patterns(LEX).scan_bmp[1], numbers._patterns(LEX).scan_all[1]):
        index = pattern.groupindex
        assert (index["num"], index["some"], index["unit"]) == (numbers._NUM, numbers._SOME, numbers._UNIT)


def test_a_plain_unit_reads_as_the_general_path_does():
    # a number and a unit with nothing around them take a shorter way
    assert [(q.raw, q.value, q.qualifier) for q in read("迁移坟墓300多穴,新建3座,约5座,8座以上")] == [
        ("300多穴", 300.0, "at_least"), ("3座", 3.0, "exact"), ("约5座", 5.0, "approx"),
        ("8座以上", 8.0, "at_least")]
