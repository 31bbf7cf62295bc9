"""Bytes to text: find the encoding, decode, and say which one was used.

UTF-8 is tried first (a BOM is honoured, for UTF-16 and UTF-32 too).  For
anything else every candidate (GB18030, Big5, UTF-16 without BOM) decodes a
sample and is scored by how much of the result is common Chinese text: GB18030
and Big5 each decode most of the other's bytes without an error, so the first
codec that does not raise is no answer.  A file whose lines mix UTF-8 and a
legacy encoding is decoded line by line.  Bytes that no candidate reads are
replaced by U+FFFD and counted.

>>> decode_bytes("签约率达76%".encode("gbk")).encoding
'gb18030'
>>> decode_bytes("簽約率達76%".encode("big5")).text
'簽約率達76%'
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .model import DocStatus

# The 1000 most frequent characters of jieba's dictionary (dict.txt, each
# character weighted by the frequency of the words that hold it): they make
# up nearly 90% of the characters of a Chinese report, and a few percent of
# the characters of a wrong decoding.  `common_characters_from_jieba`
# rebuilds this list; a test checks that it still agrees.
COMMON_SIMPLIFIED = (
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后就发自之对得主长可"
    "过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同北定开产前其军还然起种所"
    "如现理机体表力好外与文当两实重新三么只山水关明从化平建又制南内西没此将员名手最东头者月间无安看见各城"
    "十相但已些正口通想度加第她合院物性战由位常点海意场武使次二向治因立数样身情入原问把路被并利石老教万知"
    "级量任江及应省资委务元美特期世湖回系比气汉总展电科金先声提品设或义王社很统处四首共马形己儿司太目基领"
    "队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决张导术府才保交放管结师便走达族反再题色五"
    "京河接条规式县白它改风光运信受什组听布百济党指论强做取技黄神选记斯真却职号界件花类何眼兵传带空干农边"
    "据集联古广完质阳难增历史专官每住商即步认车台林必死游举线言皇土团收考求德叫近备研争非具李众连调感转笑"
    "革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则功属积快图火千准究往极育装许参半令吃"
    "观鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源息语股铁断派速怎需片爱律纪支早况病境证编"
    "越局推满且列觉服双未居除乐企引标确织初青志率项飞球节察龙响药站施均消客失轻存低甚般击曾防请离落显罗营"
    "足素视护副食创余照兴占巴虽洲村费易试星木黑左宝置跟央识维采六底宫房音环案批切斗富乡另倒若按查故突责严"
    "桥模仅胜杀围席态破承招杨负层须父供续状域似依银范修找九致密终血旅钱赛独细效玉冲获习医演毛尽脸弹楼艺航"
    "陆右协七攻镇检写苏宗章注阿抗弟坐验封紧劳户优财养适陈喜卫排射哥油刻留急降念云微伤例景拿绝阶座刘刚害印"
    "亿沙母酒助闻超审待压升送监策略限竟香配藏敌呢差仍兰温园树征善波哪词岛止预怕继皮执味份角草男普答益谁船"
    "惊核街夏宣掌田久著画辑奇尼剑吧谈背免孩礼材愿洋春架筑括晚乱乎讲尚良友临激刀夜室既敢邦挥昌板胡欧福港叶"
    "简苦担句岁荆贵娘守辖威宜衣帮块堂额错剧充欢够孙班呼阵销坚练脚退读测吴希宁换版异某顾曲楚典朱毒菜判救宋"
    "茶洪含顺啊鲜败货矿端兄归冷忙买险康评肉吗厂永哈沉散遗停笔假输牛洞松渐顶训录否述毕督控丰献姑忽爷互亮纳"
    "襄登咱钟伯臣雄季脑介鄂召饭暗扩祖齐短烈赶牌恩诉移诗础露届蒙静喝盘卖植授伊湾博痛减穿逐秘庭陵固禁票灵杂"
    "姓泽吸侧庆妈遇追甲馆补唐炮沿殿刺怪彩俄旧警索岸轮妇载靠附毫怀软骨探雷旁罪枪牙迎序慢盛雨墙恶谷顿危稳熟"
)

# label in the documents table -> Python codec.  Big5 is read with the
# Big5-HKSCS table, a superset that browsers also use for pages labelled big5.
LEGACY = (("gb18030", "gb18030"), ("big5", "big5hkscs"))
UTF16 = (("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"))
BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),  # before UTF-16 LE: same first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# A decoding must score at least this (1.0: every non-ASCII character is a
# common one; real reports score about 0.9, wrong decodings below 0.3).
MIN_SCORE = 0.5
SAMPLE_BYTES = 64 * 1024
# Files that start like this are images, archives, documents or programs.
MAGIC = (
    b"\x89PNG", b"PK\x03\x04", b"PK\x05\x06", b"%PDF", b"\xff\xd8\xff", b"GIF87a", b"GIF89a",
    b"\x1f\x8b", b"\x7fELF", b"Rar!", b"7z\xbc\xaf", b"BZh", b"\xd0\xcf\x11\xe0", b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd", b"SQLite format 3\x00", b"\x00asm", b"II*\x00", b"MM\x00*", b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe", b"OggS", b"ID3", b"fLaC", b"\x1a\x45\xdf\xa3", b"wOFF", b"wOF2",
)
RIFF_KINDS = (b"WEBP", b"WAVE", b"AVI ")
# Bytes that plain text does not hold (everything below 0x20 but \t \n \v \f \r and ESC).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# More control bytes than this share of the head, and no UTF-16 reading: not text.
MAX_CONTROL_SHARE = 0.05
NOT_TEXT_ERROR = "binary data, not text"
EMPTY_ERROR = "no text"
UNDECODABLE_ERROR = "no supported encoding (UTF-8, UTF-16, GB18030, Big5) reads it"


class UndecodableError(ValueError):
    """Bytes that no supported encoding reads as text."""


@dataclass(frozen=True)
class Decoded:
    """The text of some bytes, the encoding that read them and how many bytes it could not."""

    text: str
    encoding: str
    replaced: int = 0


def common_characters_from_jieba(n: int = 1000) -> str:
    """The `n` most frequent Han characters of jieba's dictionary (how COMMON_SIMPLIFIED was made).

    >>> common_characters_from_jieba(3)
    '一是人'
    """
    import os

    import jieba

    counts: Counter = Counter()
    path = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, freq = line.split()[:2]
            for c in word:
                if "\u4e00" <= c <= "\u9fff":
                    counts[c] += int(freq)
    return "".join(c for c, _ in counts.most_common(n))


@lru_cache(maxsize=1)
def _common() -> frozenset:
    """COMMON_SIMPLIFIED and the traditional forms of its characters (OpenCC's s2t table)."""
    from pathlib import Path

    import opencc

    chars = set(COMMON_SIMPLIFIED)
    table = Path(opencc.__file__).parent / "dictionary" / "STCharacters.txt"
    for line in table.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key in chars:
            chars.update(values.split())
    return frozenset(chars)


def _weight(c: str, common: frozenset) -> float:
    if c in common:
        return 1.0
    o = ord(c)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        return 0.1                      # a rare character: real, but not evidence
    if c == "\ufffd" or o < 0x20 or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xF8FF:
        return -3.0                     # replacement, control, surrogate, private use
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x206F:
        return 0.5                      # CJK and general punctuation, full-width forms
    if 0x2460 <= o <= 0x24FF or 0x2160 <= o <= 0x217F:
        return 0.5                      # ① ② Ⅲ: list markers of Chinese documents
    if 0xC0 <= o <= 0x24F:
        return 0.0                      # accented Latin: pinyin glosses (qū), names
    return -0.5                         # kana, hangul, Greek, box drawing: rare in these texts


_PLAIN_ASCII = frozenset(chr(i) for i in range(0x20, 0x7F)) | frozenset("\t\n\r\f\v")


def text_score(text: str) -> float:
    """How much a text reads as Chinese: the mean weight of its non-ASCII characters.

    1.0 when every one is a common character, negative for noise; 1.0 for
    plain ASCII, which every candidate reads alike.

    >>> text_score("完成签约212户") > 0.7, text_score("瀹屾垚绛剧害") < 0.5
    (True, True)
    """
    common = _common()
    total = 0.0
    n = 0
    for c, k in Counter(text).items():  # Counter: C speed, then one step per distinct character
        if c in _PLAIN_ASCII:
            continue
        n += k
        total += k * _weight(c, common)
    return total / n if n else 1.0


def _scored(data: bytes, codec: str) -> tuple[float, str]:
    text = data.decode(codec, errors="replace")
    return text_score(text), text


def _replaced(text: str, data: bytes, utf8: bool = False) -> int:
    n = text.count("\ufffd")
    return n - data.count(b"\xef\xbf\xbd") if utf8 else n


def _best_legacy(sample: bytes) -> tuple[float, str, str]:
    """(score, label, codec) of the legacy encoding that reads `sample` best; GB18030 wins ties."""
    best = (float("-inf"), "", "")
    for label, codec in LEGACY:
        score, _ = _scored(sample, codec)
        if score > best[0]:
            best = (score, label, codec)
    return best


def _utf16(sample: bytes) -> tuple[float, str, str]:
    best = (float("-inf"), "", "")
    if len(sample) < 2:
        return best
    even = sample[: len(sample) // 2 * 2]
    for label, codec in UTF16:
        score, _ = _scored(even, codec)
        if score > best[0]:
            best = (score, label, codec)
    return best


def decode_bytes(data: bytes) -> Decoded:
    """Decode `data`; raise UndecodableError when no supported encoding reads it.

    >>> d = decode_bytes("完成签约".encode("utf-8") + b"\\n" + "212户".encode("gbk"))
    >>> d.text, d.encoding
    ('完成签约\\n212户', 'utf-8+gb18030')
    """
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            text = body.decode(codec, errors="replace")
            return Decoded(text, label, _replaced(text, body, codec == "utf-8"))
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:SAMPLE_BYTES]
    u16 = _utf16(sample)
    legacy = _best_legacy(sample)
    if u16[0] >= MIN_SCORE and u16[0] > legacy[0]:
        text = data[: len(data) // 2 * 2].decode(u16[2], errors="replace")
        return Decoded(text, u16[1], _replaced(text, data) + len(data) % 2)
    return _decode_lines(data)


def _decode_lines(data: bytes) -> Decoded:
    """UTF-8, a legacy encoding, or both line by line (pages pasted together)."""
    lines = data.splitlines(keepends=True)
    utf8_lines = 0
    bad: list[bytes] = []
    size = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            if size < SAMPLE_BYTES:
                bad.append(line)
                size += len(line)
    score, label, codec = _best_legacy(b"".join(bad)[:SAMPLE_BYTES])
    if not utf8_lines:
        if score >= MIN_SCORE:
            text = data.decode(codec, errors="replace")
            return Decoded(text, label, _replaced(text, data))
        return _fallback(data)
    # the legacy encoding that reads most of the file first: it wins ties
    legacies = ((label, codec),) + tuple(c for c in LEGACY if c[0] != label)
    parts: list[str] = []
    used: set[str] = set()
    replaced = 0
    for line in lines:
        if line.isascii():
            parts.append(line.decode("ascii"))
            continue
        best_text = line.decode("utf-8", errors="replace")
        best_label, best_score = "utf-8", text_score(best_text)
        damage = _replaced(best_text, line, utf8=True)
        for other_label, other_codec in legacies:
            text = line.decode(other_codec, errors="replace")
            # a legacy reading must read as Chinese, better than the one before
            # and with no more damage: a UTF-8 line with one broken byte stays UTF-8
            score = text_score(text)
            if score >= MIN_SCORE and score > best_score and _replaced(text, line) <= damage:
                best_text, best_label, best_score = text, other_label, score
                damage = _replaced(text, line)
        parts.append(best_text)
        used.add(best_label)
        replaced += damage
    text = "".join(parts)
    if text_score(text[:SAMPLE_BYTES]) < MIN_SCORE:
        return _fallback(data)
    encoding = "+".join(e for e in ("utf-8", "gb18030", "big5") if e in used)
    return Decoded(text, encoding, replaced)


def _fallback(data: bytes) -> Decoded:
    """An encoding outside the supported ones (Shift-JIS, Latin-1 ...) that charset-normalizer trusts."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a core dependency
        raise UndecodableError(UNDECODABLE_ERROR) from None
    best = from_bytes(data[:SAMPLE_BYTES]).best()
    if best is None or best.chaos > 0.1:
        raise UndecodableError(UNDECODABLE_ERROR)
    text = data.decode(best.encoding, errors="replace")
    return Decoded(text, best.encoding.replace("_", "-"), _replaced(text, data))


def replaced_warning(n: int) -> str:
    """The note a document gets when some of its bytes could not be decoded.

    >>> replaced_warning(2)
    '2 undecodable bytes shown as U+FFFD'
    """
    return f"{n} undecodable byte{'s' if n != 1 else ''} shown as U+FFFD"


_HTML_START_RE = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b",
                            re.IGNORECASE | re.DOTALL)


def looks_like_html(text: str) -> bool:
    """True for a page saved as .txt: it starts with <!DOCTYPE html>, <html>, <head> or <meta>.

    >>> looks_like_html("  <!DOCTYPE html><html>"), looks_like_html("<p> is a tag")
    (True, False)
    """
    return text.lstrip()[:1] == "<" and _HTML_START_RE.match(text[:4096]) is not None


def looks_binary(data: bytes) -> bool:
    """True for images, archives, PDF and other bytes that are no text.

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n"), looks_binary("签约".encode("utf-16-le"))
    (True, False)
    """
    if data.startswith(MAGIC):
        return True
    if data.startswith(b"RIFF") and data[8:12] in RIFF_KINDS:
        return True
    if data.startswith(tuple(bom for bom, _, _ in BOMS)):
        return False
    head = data[:8192]
    # counted as what deleting them removes: one pass in C, several times
    # faster than a pattern scan
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls <= MAX_CONTROL_SHARE * len(head):
        return False
    # UTF-16 without a BOM holds NULs (in every other byte for ASCII) but reads as text
    return _utf16(head)[0] < MIN_SCORE


def classify_bytes(data: bytes) -> DocStatus | None:
    """EMPTY for no text, NOT_TEXT for binary data, None for bytes worth decoding.

    >>> classify_bytes(b" \\n\\x00"), classify_bytes(b"%PDF-1.7"), classify_bytes("签约".encode())
    (<DocStatus.EMPTY: 'empty'>, <DocStatus.NOT_TEXT: 'not_text'>, None)
    """
    if not data.strip(b" \t\r\n\f\v\x00"):
        return DocStatus.EMPTY
    if looks_binary(data):
        return DocStatus.NOT_TEXT
    return None


class _TextExtractor:
    """Visible text of an HTML page: no scripts, styles or tags; blocks become lines.

    html.parser keeps no stack of open elements, so a page nested a
    hundred thousand levels deep costs no more than a flat one.
    """

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "canvas",
                      "select", "button"})
    BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                       "article", "table", "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "header",
                       "footer", "nav", "aside", "main", "figure", "figcaption", "form", "title", "td",
                       "th", "caption", "hr", "address", "center", "body"})
    PRE = frozenset({"pre", "textarea", "listing", "plaintext"})

    def __init__(self) -> None:
        from html.parser import HTMLParser

        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                outer.start(tag)

            def handle_startendtag(self, tag, attrs):
                if tag in outer.BLOCK:
                    outer.parts.append("\n")

            def handle_endtag(self, tag):
                outer.end(tag)

            def handle_data(self, data):
                outer.data(data)

        self.parser = Parser(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.skip = 0
        self.pre = 0
        self.in_title = False

    def start(self, tag: str) -> None:
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP:
            self.skip += 1
        if tag in self.PRE:
            self.pre += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def end(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag in self.PRE and self.pre:
            self.pre -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
            return
        # outside <pre> a run of white space (line breaks of the source
        # included) is one space on screen; only block elements end lines
        self.parts.append(data if self.pre else _WHITE_RE.sub(" ", data))


_WHITE_RE = re.compile(r"\s+")


def html_to_text(markup: str) -> tuple[str, str]:
    """(visible text, <title>) of an HTML document: one line per block, no blank lines.

    >>> html_to_text("<title>T</title><script>x=1</script><p>完成\\n签约<b>212</b>户</p><p>二</p>")
    ('完成 签约212户\\n二', 'T')
    """
    ex = _TextExtractor()
    try:
        ex.parser.feed(markup)
        ex.parser.close()
    except Exception:  # html.parser gives up on some broken markup: keep what it read
        pass
    lines = (line.strip() for line in "".join(ex.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    return text, " ".join("".join(ex.title).split())
