"""Bytes to text: find the encoding, decode, and say which one was used.

UTF-8 (with or without BOM) and UTF-16 with a BOM are taken at their word.
Otherwise every candidate (GB18030, Big5, UTF-16 without BOM) that decodes
is scored by how much of the result is common Chinese text, because GB18030
and Big5 each decode many of the other's bytes without error.

>>> decode_bytes("签约率".encode("gbk"))
('签约率', 'gb18030')
"""
from __future__ import annotations

import codecs

from .model import DocStatus

# Frequent characters of Chinese reports, in simplified and traditional form:
# a decoding that yields many of them is the right one.
COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研导世团京百军记至思区期院门华保备达科整常今制解市称识东场光示金设商社议育区委县镇乡村街户亩元万亿率项目投收入完签约征迁拆建设工程土地面积平米资产值增长比同环率报告领导干部群众村民居民社区街道政府财政预算经济发展服务管理企业招商项目"
)
CANDIDATES = ("gb18030", "big5", "utf-16-le", "utf-16-be")


def _score(text: str) -> float:
    if not text:
        return 0.0
    n = len(text)
    bad = text.count("\ufffd") + sum(1 for c in text if 0xE000 <= ord(c) <= 0xF8FF)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t")
    common = sum(1 for c in text if c in COMMON)
    ascii_ = sum(1 for c in text if c.isascii() and (c.isprintable() or c in "\n\r\t"))
    return (2.0 * common + 0.5 * ascii_ - 5.0 * bad - 5.0 * controls) / n


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no text in any supported encoding (images, archives, PDF)."""
    head = data[:4096]
    magic = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b",
             b"\x7fELF", b"Rar!", b"7z\xbc\xaf", b"BZh", b"\xd0\xcf\x11\xe0")
    if head.startswith(magic):
        return True
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    nul = head.count(b"\x00")
    if nul and not _utf16_without_bom(head):
        return True
    return False


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NULs sit in every other byte, as in UTF-16."""
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    # Chinese UTF-16 has few NULs; try both and keep one that scores as text
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding); raise UnicodeDecodeError when nothing fits.

    >>> decode_bytes("區".encode("big5"))
    ('區', 'big5')
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16"
    if data.startswith(codecs.BOM_UTF16_BE):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    u16 = _utf16_without_bom(data[:4096])
    if u16:
        return data.decode(u16, errors="replace"), u16
    best: tuple[float, str, str] | None = None
    sample = data[:65536]
    for enc in CANDIDATES:
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError as e:
            # a sample cut inside a character still counts
            if e.start < len(sample) - 4:
                continue
            text = sample[: e.start].decode(enc)
        s = _score(text)
        if best is None or s > best[0]:
            best = (s, enc, text)
    if best is not None and best[0] > 0.3:
        enc = best[1]
        return data.decode(enc, errors="replace"), enc
    # Mostly UTF-8 with a few broken bytes: keep what can be read
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(8, len(text) // 100):
        return text, "utf-8 (with errors)"
    raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no supported encoding reads these bytes")


def classify_bytes(data: bytes) -> DocStatus | None:
    """A status for bytes that cannot become a document, else None."""
    if not data.strip():
        return DocStatus.EMPTY
    if looks_binary(data):
        return DocStatus.NOT_TEXT
    return None


class _TextExtractor:
    """Visible text of an HTML page: no scripts, styles or tags; blocks become lines."""

    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
             "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "header", "footer", "title", "td", "th", "hr"}

    def __init__(self) -> None:
        from html.parser import HTMLParser

        outer = self

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                outer.start(tag)

            def handle_startendtag(self, tag, attrs):
                if tag in outer.BLOCK:
                    outer.parts.append("\n")

            def handle_endtag(self, tag):
                outer.end(tag)

            def handle_data(self, data):
                outer.data(data)

        self.parser = P(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False

    def start(self, tag: str) -> None:
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP and tag != "head":
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def end(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP and tag != "head" and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, str]:
    """(visible text, <title>) of an HTML document.

    >>> html_to_text("<title>T</title><script>x=1</script><p>完成签约212户</p>")
    ('完成签约212户', 'T')
    """
    import re

    ex = _TextExtractor()
    try:
        ex.parser.feed(markup)
        ex.parser.close()
    except Exception:  # malformed markup: keep what was parsed
        pass
    text = "".join(ex.parts)
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*", "\n", text).strip()
    return text, " ".join("".join(ex.title).split())
