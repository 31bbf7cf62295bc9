"""Title, publish date and publisher of a document, from its own text.

Government sites print metadata lines (发布单位: 金川街道, 发布时间:2023-07-10,
来源:湄洲日报) above or below the article; news pages print a date line under
the headline; reports end with the issuing body and a date.  `read_metadata`
reads them from the decoded text with its layout spaces still in place (they
separate the fields of a metadata line) and returns normalized values.

>>> read_metadata("便民\\n全面起势 落地有声\\n2020-10-23 09:59:07  来源:湄洲日报  责任编辑:")
Metadata(title='全面起势落地有声', date='2020-10-23', publisher='湄洲日报')
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import regex

from .chars import WS
from .normalize import Prepared, normalize_slice, normalize_text

HEAD_CHARS = 3000
TAIL_CHARS = 1500

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_RE = regex.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*+(?P<s>[-/.年])\s*+(?P<m>\d{1,2})\s*+[-/.月]\s*+(?P<d>\d{1,2})(?!\d)\s*+日?"
    r"|(?P<cy>[〇零○一二三四五六七八九]{4})\s*+年\s*+(?P<cm>十[一二]?|[一二三四五六七八九])\s*+月"
    r"\s*+(?P<cd>[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九])\s*+日"
)
_TIME_RE = regex.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
# Keys of a publish date, most telling first.
_DATE_KEYS = (
    ("发布时间", "发布日期", "发表时间", "发表日期", "发稿时间"),
    ("公开日期", "公开时间", "更新时间", "更新日期", "上传时间", "上传日期", "印发日期"),
    ("时间", "日期", "发文日期", "成文日期"),
)
_DATE_KEY_RE = regex.compile(r"(?P<key>[\p{Han}]{0,2}(?:时间|日期))\s*+[:：]?\s*+$")
# Keys of the publishing body, most telling first; 主办 is the site's owner.
_PUBLISHER_KEYS = ("发布单位", "发布机构", "发文机关", "发文单位", "发布部门", "信息来源", "文章来源",
                   "新闻来源", "稿件来源", "来源", "稿源", "出处", "来源单位", "主办单位")
# (the stdlib engine scans head and tail for the keys about twice as fast as
# `regex`; WS is `regex`'s \s, which `re`'s differs from)
_PUBLISHER_RE = re.compile(
    r"(?P<key>" + "|".join(sorted(_PUBLISHER_KEYS, key=len, reverse=True)) + rf")[{WS}]*+[:：][{WS}]*+"
    rf"(?P<val>[^{WS}:：|丨,，。;；/()（）【】\[\]<>《》]{{2,40}})"
)
# Keys that end a publisher written without a space before them (发布单位:金川街道有效性:)
_FIELD_KEYS = ("有效性", "责任编辑", "编辑", "作者", "记者", "通讯员", "发布时间", "发布日期", "时间", "日期",
               "浏览", "访问", "点击", "字体", "字号", "来源", "打印", "分享", "索引号", "文号", "主题分类")
_NOT_PUBLISHERS = ("本站", "本网", "原创", "网络", "互联网", "未知", "其他", "转载", "综合")
_META_LINE_RE = regex.compile(
    r"^\s*+(?:[•·\-*]\s*+)?(?:信息)?(?:索引号|公开方式|文号|公开日期|公开时间|发布单位|发布机构|有效性|统一编号|"
    r"发布时间|发布日期|信息来源|来源|访问次数|浏览次数|点击数|字体大小|字号|责任编辑|作者|记者|通讯员|编辑|分享|"
    r"打印|关闭|主题分类|成文日期|生效日期|发文机关|发文字号|主办单位|当前位置|您的位置|您当前的位置|所属机构|"
    r"联系电话|联系方式|电话|传真|邮编|邮政编码|地址|电子邮箱|邮箱|版权所有|承办|技术支持|网站标识码|备案号)"
)
_CHROME = frozenset(("首页", "当前位置", "便民", "服务", "返回", "打印", "关闭", "扫一扫", "分享到", "正文",
                     "返回顶部", "打印本页", "关闭窗口", "收藏", "上一篇", "下一篇"))
_SENTENCE_ENDS = ("。", "!", "?", ";", ":", "…", ".")
_BUTTON_RE = regex.compile(r"[【\[][^】\]]{0,20}[】\]]")
_BUTTON_WORD_RE = regex.compile(r"[【\[]\s*([^】\]:]{1,8})")
_HAN_RE = regex.compile(r"\p{Han}")
_BREADCRUMB_RE = regex.compile(r"\S\s*+[>»›→]\s*+\S")


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    date: str = ""
    publisher: str = ""


def _cn_number(s: str) -> int:
    """十二 -> 12, 二十一 -> 21, 七 -> 7 (day and month numerals)."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def parse_date(m) -> str:
    """A match of _DATE_RE as YYYY-MM-DD, or '' when it is no calendar day (2023-02-30)."""
    try:
        if m["y"] is not None:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        else:
            y = int("".join(str(_CN_DIGITS[c]) for c in m["cy"]))
            mo, d = _cn_number(m["cm"]), _cn_number(m["cd"])
        return dt.date(y, mo, d).isoformat()
    except (ValueError, KeyError):
        return ""


# Where a date can start: a year 19xx/20xx, or four Chinese numerals before
# 年.  `regex` scans for the date pattern at about 16 ns a character; the
# stdlib engine finds these starts in a fraction of that, and the pattern is
# then tried at each of them only.  Each scan starts at a literal, which
# the engine skips to fast: "19" and "20" apart (they cannot overlap), and
# 年 with the numerals looked back at (blanks between them are rare and
# walked back over here).
_YEAR_RES = (re.compile("19"), re.compile("20"))
_CN_NUMERALS = "〇零○一二三四五六七八九"
_CN_YEAR_RE = re.compile(f"[{_CN_NUMERALS}]{{4}}[{WS}]*+年")
_CN_YEAR_END_RE = re.compile(f"年(?:(?<=[{_CN_NUMERALS}]{{4}}年)|(?<=[{WS}]年))")
_BLANK_RE = re.compile(f"[{WS}]")


def _cn_year_starts(text: str) -> list[int]:
    """Where _CN_YEAR_RE.finditer(text) finds a match (matches cannot overlap)."""
    starts = []
    for m in _CN_YEAR_END_RE.finditer(text):
        start = m.start()
        while start and _BLANK_RE.match(text, start - 1):
            start -= 1
        start -= 4
        if start >= 0:
            year = _CN_YEAR_RE.match(text, start)
            if year and year.end() == m.end():
                starts.append(start)
    return starts


def _date_matches(text: str):
    """What _DATE_RE.finditer(text) finds, trying the pattern only where a date can start."""
    starts = [m.start() for year in _YEAR_RES for m in year.finditer(text)]
    if "年" in text:
        starts += _cn_year_starts(text)
    starts.sort()
    end = 0
    for start in starts:
        if start < end:
            continue
        m = _DATE_RE.match(text, start)
        if m:
            yield m
            end = m.end()


def _dates(text: str):
    for m in _date_matches(text):
        iso = parse_date(m)
        if iso:
            yield m, iso


def _is_date_line(line: str, start: int, end: int) -> bool:
    """A line that only holds the date, a time and short fields (来源, 作者), no sentence."""
    rest = (line[:start] + " " + line[end:]).strip()
    rest = _TIME_RE.sub("", rest).strip()
    if not rest:
        return True
    if any(p in rest for p in ("。", ",", "，", "；", ";")):
        return False
    return len(rest) <= 60 and (_META_LINE_RE.match(rest) is not None or len(_HAN_RE.findall(rest)) <= 12)


def find_date(text: str) -> str:
    """The publish date as YYYY-MM-DD: after a 时间/日期 key, else on a date line near the top.

    A date inside a sentence is an event, not the publish date.

    >>> find_date("全面起势\\n2020-10-23 09:59:07  来源:湄洲日报"), find_date("发布时间:2023-07-10 15:58")
    ('2020-10-23', '2023-07-10')
    >>> find_date("街道于2023年6月30日正式启动签约,当天完成212户。")
    ''
    """
    head = text[:HEAD_CHARS]
    keyed: dict[str, str] = {}
    lined = ""
    for m, iso in _dates(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        k = _DATE_KEY_RE.search(head, max(line_start, m.start() - 12), m.start())
        if k:
            keyed.setdefault(k["key"][-4:] if len(k["key"]) > 2 else k["key"], iso)
            continue
        line_end = head.find("\n", m.end())
        line = head[line_start:line_end if line_end >= 0 else len(head)]
        if not lined and _is_date_line(line, m.start() - line_start, m.end() - line_start):
            lined = iso
    for keys in _DATE_KEYS:
        for key in keys:
            if key in keyed:
                return keyed[key]
    if keyed:
        return next(iter(keyed.values()))
    return lined


def find_end_date(text: str) -> str:
    """The date a report is signed with: a line of its own among the last lines.

    >>> find_end_date("……而努力奋斗。\\n金川街道\\n2023年7月10日\\n")
    '2023-07-10'
    """
    lines = [s.strip() for s in text[-TAIL_CHARS:].splitlines() if s.strip()][-4:]
    for line in reversed(lines):
        for m, iso in _dates(line):
            if m.start() == 0 and m.end() == len(line):
                return iso
    return ""


def _clean_publisher(value: str) -> str:
    cut = len(value)
    for key in _FIELD_KEYS:
        i = value.find(key, 2)
        if 0 <= i < cut:
            cut = i
    value = value[:cut]
    if len(value) < 2 or not _HAN_RE.search(value) or any(value.startswith(w) for w in _NOT_PUBLISHERS):
        return ""
    return value


# Every match of _PUBLISHER_RE ends its key at a colon, after blanks.  The
# engine finds the colons fast (a literal), and a few are in a head; the
# key is looked for right before each (the leftmost start is the longest
# key), and the pattern tried there only.  Scanning for the keys, whose
# first characters (发, 来, 文 ...) are common, took about three times as long.
_KEY_END_RE = re.compile("(?:" + "|".join(sorted(_PUBLISHER_KEYS, key=len, reverse=True)) + r")\Z")
_LONGEST_KEY = max(map(len, _PUBLISHER_KEYS))
_COLON_RE, _COLONS_RE = re.compile(":"), re.compile("[:：]")


def _publisher_matches(text: str):
    """What _PUBLISHER_RE.finditer(text) finds, trying the pattern only where a key ends before a colon."""
    end = 0
    for colon in (_COLONS_RE if "：" in text else _COLON_RE).finditer(text):
        key_end = colon.start()
        while key_end > end and _BLANK_RE.match(text, key_end - 1):
            key_end -= 1
        key = _KEY_END_RE.search(text, max(end, key_end - _LONGEST_KEY), key_end)
        if key:
            m = _PUBLISHER_RE.match(text, key.start())
            if m:
                yield m
                end = m.end()


def find_publisher(text: str) -> str:
    """The publishing body: 发布单位 first, then 信息来源 / 来源; the first of each key counts.

    >>> find_publisher("发布单位: 金川街道 有效性:\\n信息来源:常山县政府"), find_publisher("来源:湄洲日报责任编辑:")
    ('金川街道', '湄洲日报')
    >>> find_publisher("来源: 本站原创")
    ''
    """
    found: dict[str, str] = {}
    for m in _publisher_matches(text):
        value = _clean_publisher(m["val"])
        if value:
            found.setdefault(m["key"], value)
    for key in _PUBLISHER_KEYS:
        if key in found:
            return found[key]
    return ""


def _headline(line: str) -> bool:
    s = line.strip()
    if len(s) < 6 or len(s) > 80:
        return False
    # (the checks are independent: the cheap ones, which turn down the
    # sentences of a text, go first)
    if s in _CHROME or s.startswith(("•", "·", "*", "-", "首页")) or s.endswith(_SENTENCE_ENDS):
        return False
    if s.count("。") + s.count(",") + s.count(";") > 2:
        return False
    if _META_LINE_RE.match(s) or _DATE_RE.match(s) or _BREADCRUMB_RE.search(s):
        return False
    # page chrome written as bracketed buttons: 【字体:大 中 小】【打印】【关闭】
    if _BUTTON_RE.sub("", s).strip() == "" or any(w in _CHROME for w in _BUTTON_WORD_RE.findall(s)):
        return False
    return len(_HAN_RE.findall(s)) >= 4


def find_title(text: str, max_lines: int = 60) -> str:
    """The first line that reads as a headline: not metadata, page chrome or a date; no sentence end.

    >>> find_title("便民\\n服务\\n全面起势 落地有声——涵江区强力推进攻坚行动\\n2020-10-23")
    '全面起势 落地有声——涵江区强力推进攻坚行动'
    >>> find_title("首页 > 新闻\\n记者 蔡玲 通讯员 林亦霞\\n街道召开会议,部署工作。")
    ''
    """
    for line in text[:HEAD_CHARS].splitlines()[:max_lines]:
        if _headline(line):
            return line.strip()
    return ""


def _title_from_html(html_title: str) -> str:
    """The article's part of a <title> (标题_常山县人民政府 -> 标题), if it reads as one."""
    parts = [p.strip() for p in regex.split(r"\s*+[_|｜]\s*+|\s++-\s++|\s++—\s++", html_title) if p.strip()]
    for part in parts:
        if len(_HAN_RE.findall(part)) >= 4:
            return part
    return ""


def read_metadata(text: str, html_title: str = "", prepared: Prepared | None = None) -> Metadata:
    """Title, date and publisher of a decoded (not yet normalized) text.

    `prepared` is the second value of normalize_document(text), when known:
    the head and tail are then read from it (see normalize_slice).

    >>> m = read_metadata("发布单位: 金川街道 有效性:\\n\\n金川街道2023年上半年工作总结\\n发布时间:2023-07-10 15:58")
    >>> m.title, m.date, m.publisher
    ('金川街道2023年上半年工作总结', '2023-07-10', '金川街道')
    """
    head = normalize_slice(text, 0, HEAD_CHARS, prepared)
    # many pages print 来源 after the article, and reports end with a date
    tail = normalize_slice(text, -TAIL_CHARS, None, prepared) if len(text) > HEAD_CHARS else ""
    title = _title_from_html(normalize_text(html_title, layout=False)) if html_title else ""
    title = title or find_title(head)
    date = find_date(head) or find_end_date(tail or head)
    publisher = find_publisher(head + "\n" + tail)
    return Metadata(normalize_text(title).strip(), date, normalize_text(publisher).strip())
