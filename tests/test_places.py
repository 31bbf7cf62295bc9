"""The place parser: names of administrative units, their paths, and which
place and period each mention takes (clause, sentence, heading, document)."""
import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from reportmine.gazetteer import chain, load_gazetteer
from reportmine.lexicon import LexiconError, load_lexicon
from reportmine.places import document_place, document_places, find_places, locate_all, place_rules

LEX = load_lexicon()


def names(text):
    return [p.name for p in find_places(text, LEX) if p.kind in ("gazetteer", "suffix")]


# (text, the places named in it, in order)
NAMED = [
    ("许码头社区城中村改造指挥部", ["许码头社区"]),
    ("江南街道工作人员、湖西村党员干部相互配合", ["江南街道", "湖西村"]),
    ("大溪塘村党支部书记曹永旭", ["大溪塘村"]),
    ("到白塘镇、梧塘镇、三江口镇等地调研", ["白塘镇", "梧塘镇", "三江口镇"]),
    ("1-8月份城东街道“成绩单”", ["城东街道"]),
    ("发布单位: 金川街道有效性:", ["金川街道"]),
    ("1.徐村村获评全国农村集体经济发展村级典型案例", ["徐村村"]),
    ("2.十五里村荣获省级引领性农村社区", ["十五里村"]),
    ("金川弄村荣获全省五星级农村文化礼堂", ["金川弄村"]),
    ("伴随着机械轰鸣声,下何宅村有机更新工作进入房屋拆除阶段", ["下何宅村"]),
    ("白塘湖片区、大学城片区", ["白塘湖片区", "大学城片区"]),
    ("稠江街道地处义乌市西南", ["稠江街道", "义乌市"]),
    ("丰泽区委常委、城东街道党工委书记", ["丰泽区", "城东街道"]),
    ("5月督考中金川街道上蒋村排名全县第一", ["金川街道", "上蒋村"]),
    ("版权所有:福建省莆田市涵江区融媒体中心", ["福建省", "莆田市", "涵江区"]),
    ("信息来源:常山县政府", ["常山县"]),
    ("2000年3月成立了稠江镇", ["稠江镇"]),
    # counter-examples: kinds of village, programmes, common words, people, products
    ("城中村改造项目拔地而起", []),
    ("开展蒋家村美丽乡村建设,助推新农村建设", ["蒋家村"]),
    ("11个社区,24个行政村", []),
    ("各村本年“一号工程”,一村一策谋划", []),
    ("561户村民的安置签订工作", []),
    ("壮大村集体经济作为各村本年工作", []),
    ("组织村主职干部赴义乌考察学习", []),
    ("街道和社区干部齐心协力", []),
    ("作为丰泽区征迁体量较大的街道之一", ["丰泽区"]),
    ("居委会主任陈金镇:部分居民在房前屋后种植蔬菜", []),   # a person whose name ends in 镇
    ("稻香村月饼销量突破1000盒", []),                    # a 村 that is a product name
    ("注销11家未实际运营强村公司", []),
    ("争创1个国家级民主法治社区,2个省级民主法治村", []),
    ("推进美丽城镇建设,打造特色小镇", []),
    ("强产业、兴城市“双轮”驱动", ["兴城市"]),           # dropped later: no 辽宁 in the text
    ("义乌市场繁荣", []),
    ("市委和县委", []),                                 # 和县 is a county, not here
    ("推进城乡社区治理,街道社区干部", []),
    ("加快老城区改造和新城区建设", []),
]


@pytest.mark.parametrize("text, expected", NAMED, ids=[t[:12] for t, _ in NAMED])
def test_named_places(text, expected):
    assert names(text) == expected


def test_places_point_at_their_text():
    text = "目前许码头社区城中村改造已经完成签约212户"
    for p in find_places(text, LEX):
        assert text[p.start:p.end] == p.name


def test_a_unit_right_after_its_county_keeps_it_as_parent():
    (county, town) = find_places("常山县金川街道", LEX)
    assert town.parent == county


def test_gazetteer_chains():
    gz = load_gazetteer()
    assert chain(gz, gz.codes["涵江区"][0]) == ("福建省", "莆田市", "涵江区")
    assert chain(gz, gz.codes["义乌市"][0]) == ("浙江省", "金华市", "义乌市")
    assert len(gz.codes["朝阳区"]) > 1


# (text, title, the document's place and its path)
DOCUMENTS = [
    ("发布单位: 金川街道 有效性:\n信息来源:常山县政府\n正文", "", "金川街道", "浙江省/衢州市/常山县/金川街道"),
    ("正文提到城东街道。", "城东街道推进征迁", "城东街道", ""),
    ("丰泽区委常委、城东街道书记。城东街道如何。城东街道怎样。", "聚力攻坚", "城东街道", "福建省/泉州市/丰泽区/城东街道"),
    ("只提到一次城东街道。", "聚力攻坚", "城东街道", ""),        # the only unit named
    ("城东街道和江南街道各一次。", "聚力攻坚", "", ""),
    ("来源:湄洲日报\n主办:莆田市涵江区融媒体中心", "全面起势——涵江区强力推进", "涵江区", "福建省/莆田市/涵江区"),
]


@pytest.mark.parametrize("text, title, place, path", DOCUMENTS, ids=[d[0][:10] for d in DOCUMENTS])
def test_document_place(text, title, place, path):
    doc = document_places(text, title, LEX).document
    assert document_place(text, title, LEX) == place
    assert (doc.path if doc else "") == path


def where(text, raw, date="", title=""):
    """(place, place_path, period) of the mention `raw` in `text` (its sentence by 。\\n)."""
    start = text.index(raw)
    lo = max(text.rfind(c, 0, start) for c in "。\n;；") + 1
    hi = min((i for i in (text.find(c, start) for c in "。\n;；") if i >= 0), default=len(text))
    return locate_all(text, title, date, LEX, [(start, start + len(raw), lo, hi)])[0]


# (text, mention raw, document date, expected place, path, period); a title after a '|'
LOCATE = [
    # the clause's place and period win
    ("发布单位:金川街道\n信息来源:常山县政府\n目前许码头社区已完成签约212户", "212户", "",
     ("许码头社区", "浙江省/衢州市/常山县/金川街道/许码头社区", "目前")),
    # the sentence's, before the number
    ("发布单位:金川街道\n信息来源:常山县政府\n截至目前,白沙村已100%完成丈量", "100%", "2020-10-23",
     ("白沙村", "浙江省/衢州市/常山县/金川街道/白沙村", "2020-10-23")),
    # not a place or a period that follows in a later clause
    ("发布单位:金川街道\n共规范庭院1280余户,5月督考中上蒋村排名第一。", "1280余户", "2023-07-10", ("金川街道", "", "")),
    # the only unit a text names is its own
    ("东湖街道完成签约。街道投入资金逾3亿元", "3亿元", "", ("东湖街道", "", "")),
    # a paragraph that opens with a time word gives it to the whole paragraph, not a quote inside it
    ("本报讯今年以来,东湖街道完成签约。街道投入资金逾3亿元", "3亿元", "", ("东湖街道", "", "今年")),
    ("“五水共治一季度要争取红旗”。杨村社区的十年旧改", "十年", "", ("杨村社区", "", "")),
    # a title with one time word gives its period to the whole document
    ("2023年国民经济和社会发展统计公报|全年粮食播种面积25.6万亩。\n在校学生8.9万人", "8.9万人", "", ("", "", "2023")),
    # the heading's
    ("瞄准目标\n1-8月份城东街道“成绩单”\n一般公共预算总收入完成16915万元\n", "16915万元", "", ("城东街道", "", "1-8月")),
    # scope words: the document's own county, only before the number
    ("信息来源:常山县政府\n发布单位:金川街道\n十五里村荣获省级引领性农村社区,全县3家;", "3家", "",
     ("常山县", "浙江省/衢州市/常山县", "")),
    ("信息来源:常山县政府\n发布单位:金川街道\n10天完成房屋腾空验收,两项工作均在全县率先完成。", "两项", "",
     ("金川街道", "浙江省/衢州市/常山县/金川街道", "")),
    ("徐村村获评全国典型案例,全国20家,全省唯一;", "20家", "", ("中国", "", "")),
    # anaphora: 该社区 is the last 社区 named
    ("兴业社区也不例外。截至去年底,该社区有常住人口1.8万。", "1.8万", "2020-05-01",
     ("兴业社区", "", "2019-12-31")),
    # the base of a comparison is not the period
    ("7-8月营业额较去年同比增长5%", "5%", "2022-09-01", ("", "", "2022-07..2022-08")),
]


@pytest.mark.parametrize("text, raw, date, expected", LOCATE, ids=[c[1] + "-" + c[0][:6] for c in LOCATE])
def test_locate(text, raw, date, expected):
    title, _, text = text.rpartition("|")
    assert where(text, raw, date, title) == expected


HALF_YEAR_REPORT = """金川街道2023年上半年工作总结及下半年工作思路
发布单位: 金川街道
信息来源:常山县政府
一、特色亮点工作:
1.徐村村获评典型案例,全国20家;
二、上半年工作总结
(一)大抓党建、从严治党
1.聚力筑牢金钉党建强基。召开中心组学习会7次。
2.招商助企稳中向好。1-5月固定投资达3774万元。
三、下半年工作思路
推进高标准农田建设800亩。
四、标志性成果
十年来共拆除不合规建筑2500余处。
"""


@pytest.mark.parametrize("raw, period", [
    ("20家", ""),                     # the title's period does not reach the first section
    ("7次", "2023-H1"),               # heading 二 holds over its sub-headings and numbered paragraphs
    ("3774万元", "2023-01..2023-05"),  # the sentence's own period wins
    ("800亩", "2023-H2"),
    ("2500余处", ""),                 # heading 四 closes heading 二 and 三
])
def test_headings_hold_until_a_heading_of_the_same_rank(raw, period):
    title = HALF_YEAR_REPORT.splitlines()[0]
    place, path, got = where(HALF_YEAR_REPORT, raw, "2023-07-10", title)
    assert (got, place) == (period, "中国" if raw == "20家" else "金川街道")


# 全市, 全省 and 全县 hang on the document's county, or on the city or province that publishes it
SCOPES = [
    ("发布机构:衢州市人民政府\n全市完成签约100户,全省第一", [("全市", "衢州市"), ("全省", "浙江省")]),
    ("发布单位:义乌市\n全市共有", [("全市", "义乌市")]),              # a county-level city
    ("发布单位:朝阳区政府\n北京市朝阳区:全市第一", [("全市", "北京市")]),  # a district of a municipality
    ("信息来源:常山县政府\n全县4家,全市第一", [("全县", "常山县"), ("全市", "衢州市")]),
    ("全县共有", []),                                              # no county to resolve it
]


@pytest.mark.parametrize("text, expected", SCOPES, ids=[s[0][:8] for s in SCOPES])
def test_scope_words(text, expected):
    d = document_places(text, "", LEX)
    assert [(p.name, w.name) for p, w in zip(d.places, d.wheres) if p.kind == "scope"] == expected


def test_bad_places_data_names_the_table_and_field():
    bad = dataclasses.replace(LEX, places={**LEX.places, "suffix": {"村": "hamlet"}})
    with pytest.raises(LexiconError, match=r"places.toml: \[suffix\] '村'"):
        place_rules(bad)


def test_a_user_suffix_is_read():
    lex = dataclasses.replace(LEX, places={**LEX.places, "suffix": {**LEX.places["suffix"], "嘎查村": "village"}})
    assert [p.name for p in find_places("巴彦嘎查村牧民", lex)] == ["巴彦嘎查村"]


def test_a_user_places_file_is_merged_by_the_loader(tmp_path):
    (tmp_path / "places.toml").write_text('[suffix]\n"嘎查村" = "village"\n', encoding="utf-8")
    lex = load_lexicon((tmp_path,))
    assert [p.name for p in find_places("巴彦嘎查村牧民,许码头社区", lex)] == ["巴彦嘎查村", "许码头社区"]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="村镇乡街道社区片区县市省全该我个的新农城中美丽湖西江南白塘1-8月年,。\n", max_size=40))
def test_any_text_locates_without_error(text):
    spans = [(i, i + 1, 0, len(text)) for i, c in enumerate(text) if c.isdigit()]
    out = locate_all(text, "", "2023-07-10", LEX, spans)
    assert len(out) == len(spans)
    for p in find_places(text, LEX):
        assert text[p.start:p.end] == p.name or p.kind in ("scope", "anaphora")


@pytest.mark.parametrize("text", [
    "建成美丽乡村精品村15个,培育特色村8个。",
    "全镇共有试点村12个,各村均建成文化礼堂。",
])
def test_kinds_of_village_are_no_places(text):
    import reportmine
    rows = reportmine.extract_text(text)
    assert rows and all(r["place"] == "" for r in rows)
