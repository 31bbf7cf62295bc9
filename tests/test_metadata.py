"""Title, date and publisher: tables of texts with what must and must not be found."""
from pathlib import Path

import pytest

from reportmine.metadata import Metadata, find_date, find_end_date, find_publisher, find_title, read_metadata
from reportmine.model import Source
from reportmine.pipeline import build_document

SAMPLES = Path(__file__).parent.parent / "samples"


@pytest.mark.parametrize("doc_id,title,date,publisher", [
    ("004_bf2c8f3c51731bb9", "金川街道2023年上半年工作总结及下半年工作思路", "2023-07-10", "金川街道"),
    ("001_2f642b0ee7b514d4", "全面起势落地有声——涵江区强力推进“双轮”驱动攻坚行动促产城融合发展", "2020-10-23", "湄洲日报"),
    ("000_907f1bb4d4fe3f83", "创新工作机制全员发动落实江南街道重点项目攻坚掀起百团大战", "", ""),
    ("003_ba1f4617fbce3cc5", "聚力攻坚助发展真抓实干谱新篇", "", ""),
])
def test_samples(doc_id, title, date, publisher):
    data = (SAMPLES / f"{doc_id}.txt").read_bytes()
    doc = build_document(Source(doc_id, f"{doc_id}.txt", data=data))
    assert (doc.title, doc.date, doc.publisher) == (title, date, publisher)


@pytest.mark.parametrize("text,date", [
    ("发布时间:2023-07-10 15:58", "2023-07-10"),
    ("标题\n2020-10-23 09:59:07  来源:湄洲日报  责任编辑:", "2020-10-23"),
    ("标题\n2023年7月10日", "2023-07-10"),
    ("标题\n2023 年 7 月 10 日 星期一", "2023-07-10"),
    ("标题\n发布日期：2023/7/1", "2023-07-01"),
    ("标题\n日期: 2021.03.05 浏览次数: 12", "2021-03-05"),
    ("二〇二三年七月十日", "2023-07-10"),
    ("成文日期: 2023-07-01\n发布日期: 2023-07-10", "2023-07-10"),   # published beats written
    ("公开日期: 2023-07-09 发布时间:2023-07-10", "2023-07-10"),
    # counter-examples: dates in sentences are events; impossible dates are none
    ("街道于2023年6月30日正式启动签约,当天完成212户。", ""),
    ("2023年6月30日,街道召开动员大会,部署征迁工作。", ""),
    ("发布时间:2023-02-30", ""),
    ("项目编号 20230710", ""),
    ("索引号: 1133082206201405/2023-80898", ""),
    ("完成2023户,1-8月份增长", ""),
])
def test_find_date(text, date):
    assert find_date(text) == date


@pytest.mark.parametrize("text,date", [
    ("……而努力奋斗。\n金川街道\n2023年7月10日\n", "2023-07-10"),
    ("……而努力奋斗。\n二〇二三年七月十日", "2023-07-10"),
    ("2023年7月10日街道召开会议。", ""),          # a sentence, not a signature
    ("……\n2023年7月10日\n正文还在继续\n还有\n更多\n更多\n更多", ""),  # not among the last lines
])
def test_find_end_date(text, date):
    assert find_end_date(text) == date


@pytest.mark.parametrize("text,publisher", [
    ("发布单位: 金川街道 有效性:\n信息来源:常山县政府", "金川街道"),
    ("信息来源:常山县政府\n发布单位: 金川街道", "金川街道"),     # 发布单位 is more telling
    ("来源:湄洲日报责任编辑:", "湄洲日报"),                    # fields glued together
    ("来源：衢州日报 作者：张三", "衢州日报"),
    ("文章来源: 常山县人民政府办公室 | 点击数: 35", "常山县人民政府办公室"),
    # counter-examples
    ("来源: 本站原创", ""),
    ("来源: www.example.gov.cn", ""),
    ("数据来源于统计局的年报", ""),                               # no key and colon
    ("来源:", ""),
])
def test_find_publisher(text, publisher):
    assert find_publisher(text) == publisher


@pytest.mark.parametrize("text,title", [
    ("便民\n服务\n全面起势 落地有声——涵江区强力推进攻坚行动\n2020-10-23", "全面起势 落地有声——涵江区强力推进攻坚行动"),
    ("索引号: 1133\n发布单位: 金川街道\n\n金川街道2023年上半年工作总结\n", "金川街道2023年上半年工作总结"),
    # counter-examples: breadcrumbs, bylines, sentences, dates, short words
    ("首页 > 新闻中心 > 工作动态\n街道召开会议,部署工作。", ""),
    ("记者 蔡玲 通讯员 林亦霞\n", ""),
    ("今年以来,街道完成征迁签约212户,签约率达76%。", ""),
    ("2023年7月10日\n便民服务", ""),
    ("GDP growth report 2023", ""),
    ("  • 公开方式:\n    主动公开\n", ""),
])
def test_find_title(text, title):
    assert find_title(text) == title


def test_read_metadata_normalizes_values():
    text = "豐澤區委工作動態  匯報\n發布時間:2022-09-01\n來源: 泉州晚報 編輯: 王五"
    assert read_metadata(text) == Metadata("丰泽区委工作动态汇报", "2022-09-01", "泉州晚报")


def test_html_title_without_site_name():
    m = read_metadata("首页 > 政务公开\n正文第一段,签约212户。", "金川街道上半年工作总结_常山县人民政府")
    assert m.title == "金川街道上半年工作总结"


def test_html_title_that_is_only_a_site_name_is_ignored():
    m = read_metadata("首页\n金川街道上半年工作总结\n正文。", "GOV | CS")
    assert m.title == "金川街道上半年工作总结"


def test_publisher_in_the_tail_of_a_long_page():
    text = "标题行在这里出现\n" + "正文内容,签约212户。\n" * 400 + "信息来源:常山县政府\n"
    assert read_metadata(text).publisher == "常山县政府"


def test_bracketed_page_buttons_are_no_title():
    from reportmine.metadata import find_title
    text = "来源:XX日报 2023年09月15日\n【字体:大 中 小】【打印】【关闭】\n城西街道征迁工作取得阶段性成效\n正文"
    assert find_title(text) == "城西街道征迁工作取得阶段性成效"


def test_a_headline_in_brackets_stays_a_title():
    from reportmine.metadata import find_title
    assert find_title("【聚焦两会】全区重点项目建设提速增效\n正文。") == "【聚焦两会】全区重点项目建设提速增效"


def test_contact_lines_are_no_title():
    from reportmine.metadata import find_title
    assert find_title("会议要求各单位抓好落实。\n联系电话:0571-88888888 邮编:310000") == ""


def test_dates_are_looked_for_where_a_date_can_start():
    """The date pattern, tried only at a year or at four numerals before 年, finds what a scan finds."""
    import random

    from reportmine.metadata import _DATE_RE, _date_matches

    pieces = ["2023", "19", "20", "1", "0", "9", "-", "/", ".", "年", "月", "日", " ", "\n", "\u3000",
              "二〇二三", "一", "〇", "十", "三", "十二", "○", "发布时间:", "a", "10", "30"]
    rnd = random.Random(5)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        assert [m.span() for m in _date_matches(text)] == [m.span() for m in _DATE_RE.finditer(text)], text


def test_chinese_years_are_found_from_their_nian():
    """Scanning for 年 and looking back finds the starts the forward scan finds."""
    import random

    from reportmine.metadata import _CN_YEAR_RE, _cn_year_starts

    pieces = ["二〇二三", "一", "〇", "二", "零", "○", "九", " ", "\u3000", "\t", "\n", "年", "年年", "a", "月"]
    rnd = random.Random(11)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert _cn_year_starts(text) == [m.start() for m in _CN_YEAR_RE.finditer(text)], text


def test_publisher_keys_are_looked_for_before_colons():
    """Looking back from each colon finds the matches a scan for the keys finds."""
    import random

    from reportmine.metadata import _PUBLISHER_RE, _publisher_matches

    pieces = ["来源", ":", "：", " ", "\u3000", "\n", "信息", "发布单位", "单位", "湄洲日报", "a", "责任编辑", "本站",
              "稿源", "来源单位", "主办单位", ",", "。", "x" * 30, "发布"]
    rnd = random.Random(4)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        got = [(m.span(), m["key"], m["val"]) for m in _publisher_matches(text)]
        assert got == [(m.span(), m["key"], m["val"]) for m in _PUBLISHER_RE.finditer(text)], text
