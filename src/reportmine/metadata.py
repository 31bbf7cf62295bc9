"""Title, publish date and publisher of a document, from its own text.

Government sites print metadata lines (发布单位: 金川街道, 发布时间:2023-07-10,
来源:湄洲日报) above or below the article; news pages print a date line under
the headline.  These functions read them from the normalized text.

>>> find_date("发布时间:2023-07-10 15:58")
'2023-07-10'
"""
from __future__ import annotations

import regex

_DATE_RE = regex.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?(?!\d)"
)
_DATE_KEY_RE = regex.compile(r"(?:发布|公开|发文|成文|更新|印发|上传)?(?:时间|日期)\s*[:：]?\s*")
_PUBLISHER_KEYS = ("发布单位", "发布机构", "发文机关", "发文单位", "发布部门", "主办单位", "信息来源", "来源", "稿源", "出处")
_PUBLISHER_RE = regex.compile(
    r"(?P<key>" + "|".join(_PUBLISHER_KEYS) + r")\s*[:：]\s*(?P<val>[^\s:：|丨,，。;；]{2,30})"
)
_META_LINE_RE = regex.compile(
    r"^\s*(?:[•·\-*]\s*)?(?:信息)?(?:索引号|公开方式|文号|公开日期|发布单位|有效性|统一编号|发布时间|信息来源|来源|访问次数|"
    r"字体大小|责任编辑|作者|记者|通讯员|编辑|浏览次数|分享|打印|关闭|主题分类|发布机构|成文日期|生效日期)"
)
_CHROME = ("首页", "当前位置", "便民", "服务", "返回", "打印", "关闭", "扫一扫", "分享到")


def find_date(text: str, head_chars: int = 3000) -> str:
    """The publish date as YYYY-MM-DD: after a 时间/日期 key, else the first full date near the top.

    >>> find_date("全面起势\\n2020-10-23 09:59:07  来源:湄洲日报")
    '2020-10-23'
    """
    head = text[:head_chars]
    best = ""
    for m in _DATE_RE.finditer(head):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            continue
        iso = f"{y:04d}-{mo:02d}-{d:02d}"
        before = head[max(0, m.start() - 12):m.start()]
        if _DATE_KEY_RE.search(before):
            return iso
        if not best:
            best = iso
    return best


def find_publisher(text: str, head_chars: int = 3000) -> str:
    """The publishing body: 发布单位 first, then 信息来源 / 来源.

    >>> find_publisher("发布单位: 金川街道 有效性:\\n信息来源:常山县政府")
    '金川街道'
    """
    head = text[:head_chars]
    found: dict[str, str] = {}
    for m in _PUBLISHER_RE.finditer(head):
        found.setdefault(m["key"], m["val"])
    # also the tail: many pages print 来源 after the article
    for m in _PUBLISHER_RE.finditer(text[-1500:]):
        found.setdefault(m["key"], m["val"])
    for key in _PUBLISHER_KEYS:
        if key in found:
            return found[key]
    return ""


def find_title(text: str, max_lines: int = 40) -> str:
    """The first line that reads as a headline: not metadata, not page chrome, no sentence end.

    >>> find_title("便民\\n服务\\n全面起势 落地有声——涵江区强力推进攻坚行动\\n2020-10-23")
    '全面起势 落地有声——涵江区强力推进攻坚行动'
    """
    for line in text.splitlines()[:max_lines * 4]:
        s = line.strip()
        if not s or len(s) < 6 or len(s) > 80:
            continue
        if _META_LINE_RE.match(s) or s in _CHROME or _DATE_RE.match(s):
            continue
        if s.endswith(("。", "!", "！", "?", "？", ";", "；", ":", "：")):
            continue
        if sum(1 for c in s if "\u4e00" <= c <= "\u9fff") < 4:
            continue
        if s.count("。") + s.count(",") + s.count("，") > 2:
            continue
        return s
    return ""
