"""Indicators an analyst can trust: subjects, exclusions, change, lists (table tests)."""
import pytest

import reportmine
from reportmine.lexicon import load_lexicon

LEX = load_lexicon()


def rows(text):
    return reportmine.extract_text(text, lexicon=LEX)


def one(text, raw):
    found = [r for r in rows(text) if r["raw"] == raw]
    assert len(found) == 1, (text, raw, [r["raw"] for r in rows(text)])
    return found[0]


@pytest.mark.parametrize("text, raw, subject", [
    ("半年度完成征收土地8.5万平方米", "8.5万平方米", "征收土地"),
    ("集体土地幢房签约率达76%", "76%", "签约率"),
    ("一般公共预算总收入完成16915万元", "16915万元", "一般公共预算总收入"),
    ("涉迁户数约3875户", "约3875户", "涉迁户数"),
    ("共有2055户拆迁户", "2055户", "拆迁户"),
    ("建安投资完成151384万元,比增61.7%", "151384万元", "建安投资"),
    ("建安投资完成151384万元,比增61.7%", "61.7%", "建安投资"),
    ("接下来将与村干部一起组建8个攻坚组逐一破解难题", "8个", "攻坚组"),
    ("征迁首日完成42.8%房屋签约", "42.8%", "房屋签约"),
    ("共涉及陈桥、江尾、集奎、洋尾等9个村", "9个", "村"),
    ("30多亩的土地上,一幢幢教学大楼将拔地而起", "30多亩", "土地"),
    ("7天完成14幢房屋全部签约", "7天", "房屋全部签约"),
    ("十五里村荣获省级引领性农村社区,全县3家", "3家", "省级引领性农村社区"),
    ("年末全县户籍人口53.2万人,常住人口48.6万人", "48.6万人", "常住人口"),
    ("按时完成381户共33.15公顷土地征收", "33.15公顷", "土地征收"),
    ("按时完成381户共33.15公顷土地征收", "381户", "土地征收"),
    ("创成5A级景区1个", "1个", "5A级景区"),
    ("人均GDP达到10.2万元", "10.2万元", "人均GDP"),
    ("拆除城区铁皮棚9个,面积8200多平方米", "9个", "拆除城区铁皮棚"),
    ("拆除城区铁皮棚9个,面积8200多平方米", "8200多平方米", "面积"),
])
def test_subject(text, raw, subject):
    got = one(text, raw)["subject"]
    assert subject in got and len(got) <= len(subject) + 8, (raw, got)


@pytest.mark.parametrize("word", ["完成", "达", "实现", "共", "约"])
def test_fillers_are_never_subjects(word):
    for r in rows(f"今年{word}签约212户,签约率{word}76%"):
        assert r["subject"] != word


@pytest.mark.parametrize("text", [
    "2023年以来,街道全面推进", "6月30日正式启动征收", "1-8月份城东街道", "抓实二季度和全年经济工作",
    "上半年工作总结", "发布时间:2023-07-10 15:58", "第一批高标准农田", "龙川学校二期工程",
    "1.徐村村获评全国典型案例", "(一)大抓党建", "一是攻项目", "浙政发〔2023〕12号",
    "举报电话:0594-3399996", "闽ICP备10008596号-1", "举报邮箱:hjxcb2008@163.com", "www.hjxww.com",
    "东星4号地块", "320国道", "G60科创走廊", "“双11”当天", "形成“1+3+5”工作体系", "在“84.5号”文件的落实初期",
    "忠实践行“八八战略”", "党的二十大精神", "十五里村荣获", "一幢幢教学大楼", "确保两手都要硬",
    "千方百计破解难题", "全区坚持一盘棋思想", "一个项目由一个班子领导分包", "访问次数:12345",
    "两代表一委员", "成立一个工作专班",
])
def test_not_indicators(text):
    assert rows(text) == [], [r["raw"] for r in rows(text)]


@pytest.mark.parametrize("text, raw, change", [
    ("建安投资完成151384万元,比增61.7%", "61.7%", "up"),
    ("比上年同比增长6.5%", "6.5%", "up"),
    ("一般公共预算收入下降3.2%", "3.2%", "down"),
    ("民间投资同比减少2.1%", "2.1%", "down"),
    ("营业额+19.82%", "19.82%", "up"),
    ("营业额-23.6%", "23.6%", "down"),
    ("签约率提高到100%", "100%", ""),
    ("签约率达76%", "76%", ""),
    ("城乡居民收入分别增长5.1%和6.8%", "6.8%", "up"),
    ("规上工业增加值增速为8.5%", "8.5%", "up"),
    ("社会消费品零售总额降幅为3.2%", "3.2%", "down"),
    ("签约率提高为100%", "100%", ""),
])
def test_change(text, raw, change):
    assert one(text, raw)["change"] == change


@pytest.mark.parametrize("text, raw, category, unit, value", [
    ("争取4000万专项资金改造提升", "4000万", "money", "CNY", 4e7),
    ("项目总投资2400万,下半年开展设备购置", "2400万", "money", "CNY", 2.4e7),
    ("出单量3800万单", "3800万单", "count", "单", 3.8e7),
    ("该社区有常住人口1.8万", "1.8万", "people", "人", 18000),
])
def test_bare_wan_follows_context(text, raw, category, unit, value):
    r = one(text, raw)
    assert (r["category"], r["unit"]) == (category, unit)
    assert r["value"] == pytest.approx(value)


def test_bare_wan_without_context_is_nothing():
    assert rows("奋战100天,他们说了3000万遍") == [r for r in rows("奋战100天,他们说了3000万遍") if r["raw"] != "3000万"]
    assert "3000万" not in [r["raw"] for r in rows("他们说了3000万遍")]


def test_each_number_of_a_list_gets_its_own_row():
    got = rows("拆除城区铁皮棚9个,面积8200多平方米;新建停车位120个、充电桩45个")
    assert [r["raw"] for r in got] == ["9个", "8200多平方米", "120个", "45个"]
    assert [r["subject"] for r in got][2:] == ["新建停车位", "充电桩"]


def test_offsets_point_into_the_normalized_text():
    from reportmine.normalize import normalize_text
    text = "豐澤區 完成簽約 212戶,簽約率達 76%"
    norm = normalize_text(text)
    for r in rows(text):
        assert norm[r["start"]:r["end"]] == r["raw"]
        assert r["raw"] in r["sentence"]


def test_qualifier_word_inside_another_word_is_not_a_qualifier():
    r = one("已经完成签约212户", "212户")
    assert r["qualifier"] == "exact"


def test_chinese_numeral_one_is_an_article():
    assert rows("这是一个跃动着生机的城市,在这样一方土地上") == []
    assert [r["raw"] for r in rows("还有三个地块实现净地出让")] == ["三个"]


@pytest.mark.parametrize("text, raw, value, qualifier", [
    ("惠及群众上万人", "上万人", 10000, "at_least"),
    ("吸引游客上千人次", "上千人次", 1000, "at_least"),
])
def test_shang_before_a_multiplier_means_over(text, raw, value, qualifier):
    r = one(text, raw)
    assert (r["value"], r["qualifier"]) == (value, qualifier)


def test_cheng_qian_shang_wan_is_an_idiom():
    assert rows("成千上万的群众参与") == []


@pytest.mark.parametrize("word", [
    "", " ", "\u3000", "土地", "GDP", "5G", "76", "７６", "²", "①", "٣", "一二", "，", "签约、", "a:b", "\n", "x y",
])
def test_word_cut_test_reads_every_character(word):
    # _cuts skips the look at each character for a word of letters only
    from reportmine.extract import _cuts
    from reportmine.segment import CLAUSE_STOPS
    assert _cuts(word) == (not word.strip() or any(c in CLAUSE_STOPS for c in word)
                           or any(c.isdigit() for c in word))


def test_change_endings_read_as_gap_by_gap():
    # find_change looks the ending of the text before a rate up in one table;
    # the reading it must agree with: the gaps in order, for each the growth
    # words before the decline words
    import random

    from reportmine.extract import find_change
    from reportmine.model import Quantity

    def gap_by_gap(before):
        for gap in LEX.change_gaps:
            if before.endswith(gap):
                stem = before[:len(before) - len(gap)]
                if any(stem.endswith(w) for w in LEX.change_up):
                    return "up"
                if any(stem.endswith(w) for w in LEX.change_down):
                    return "down"
        return ""

    pieces = [*LEX.change_up, *LEX.change_down, *LEX.change_gaps, *"比同增减降了达约率幅为的年"]
    rnd = random.Random(7)
    for _ in range(3000):
        before = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 4)))
        q = Quantity(start=len(before), end=len(before) + 2, raw="5%", value=5.0, value_max=None,
                     unit="%", category="rate", qualifier="exact")
        assert find_change(before + "5%", q, 0, LEX) == gap_by_gap(before), before
