"""Write the test files of this folder: the same short reports in every
encoding reportmine reads, damaged ones, and binary data named .txt.

    python tests/files/make_files.py      # rewrites the files beside it

The files are committed; tests/test_decode.py checks that they are what this
script makes.  What cannot be committed (FIFOs, symlink loops, folders
without permission, names with line breaks or invalid UTF-8, a 200 MB line)
is made by the tests in a temporary folder.
"""
from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).parent

# 李㛃: a name with a character outside GBK (GB18030 writes it in four bytes).
SIMPLIFIED = (
    "金川街道2023年上半年工作总结及下半年工作思路\n"
    "发布时间:2023-07-10 15:58  来源:金川街道\n"
    "今年以来,街道完成征迁签约212户,签约率达76%,征收土地8.5万平方米,投资总额约40亿元。\n"
    "联系人李㛃介绍,迁移坟墓300多穴,成立3人到5人工作小组。\n"
)
TRADITIONAL = (
    "豐澤區城東街道工作簡報\n"
    "今年以來,城東街道完成徵遷簽約212戶,簽約率達76%,徵收土地8.5萬平方米,投資總額約40億元。\n"
    "建安投資完成151384萬元,比增61.7%。\n"
)
HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>金川街道上半年工作总结_常山县人民政府</title>
<style>p { color: red } /* 签约999户 */</style>
<script>var s = "签约888户"; if (a < b && c > d) {}</script></head>
<body><div class="nav">首页 &gt; 政务公开</div>
<h1>金川街道上半年工作总结</h1>
<p>今年以来,街道完成征迁
签约<b>212</b>户,签约率达76%&nbsp;,征收土地8.5万平方米&#12290;</p>
<!-- 注释里的777户不是正文 -->
<noscript>请开启脚本 666户</noscript>
<table><tr><td>投资总额</td><td>约40亿元</td></tr></table>
</body></html>
"""
HTML_TEXT = "首页 > 政务公开\n金川街道上半年工作总结\n今年以来,街道完成征迁 签约212户,签约率达76% ,征收土地8.5万平方米。\n投资总额\n约40亿元"


def png() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) \
        + chunk(b"IEND", b"")


def zip_archive() -> bytes:
    """A real ZIP that holds a text file (fixed date: the bytes never change)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("report.txt", date_time=(2023, 7, 10, 0, 0, 0)), SIMPLIFIED.encode())
    return buf.getvalue()


def pdf() -> bytes:
    """A small PDF with one page of text."""
    stream = b"BT /F1 12 Tf 72 720 Td (212 households) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def broken(data: bytes, positions: tuple[int, ...], byte: int = 0xFF) -> bytes:
    """`data` with the bytes at `positions` overwritten (a damaged download)."""
    out = bytearray(data)
    for p in positions:
        out[p] = byte
    return bytes(out)


def files() -> dict[str, bytes]:
    """File name -> content."""
    s, t = SIMPLIFIED, TRADITIONAL
    u8 = s.encode("utf-8")
    gbk = s.replace("李㛃", "李洁").encode("gbk")
    # a UTF-8 page with a GBK paragraph pasted in, as scrapers produce
    mixed = s.encode("utf-8") + "城东街道完成签约120宗,比增28%。\n".encode("gbk") + t.encode("big5")
    noise = random.Random(8)
    return {
        "utf8.txt": u8,
        "utf8_bom.txt": b"\xef\xbb\xbf" + u8,
        "utf8_crlf.txt": s.replace("\n", "\r\n").encode("utf-8"),
        "utf16le_bom.txt": b"\xff\xfe" + s.encode("utf-16-le"),
        "utf16be_bom.txt": b"\xfe\xff" + s.encode("utf-16-be"),
        "utf16le.txt": s.encode("utf-16-le"),
        "utf16be.txt": s.encode("utf-16-be"),
        "gbk.txt": gbk,
        "gb18030.txt": s.encode("gb18030"),
        "big5.txt": t.encode("big5"),
        "big5_traditional_as_gbk.txt": t.encode("gbk"),
        "mixed_utf8_gbk_big5.txt": mixed,
        "broken_utf8.txt": broken(u8, (70, 150)),
        "truncated_utf8.txt": u8 + "签".encode()[:2],
        "broken_gbk.txt": broken(gbk, (60,), 0x80),
        "nul_bytes.txt": s[:20].encode() + b"\x00\x00\x00" + s[20:].encode() + b"\x00",
        "empty.txt": b"",
        "blank.txt": " \t\r\n\u3000\u3000\n".encode("utf-8"),
        "blank_utf16.txt": b"\xff\xfe" + " \n\u3000".encode("utf-16-le"),
        "png.txt": png(),
        "zip.txt": zip_archive(),
        "pdf.txt": pdf(),
        "undecodable.txt": bytes(noise.randrange(0x80, 0x100) for _ in range(600)),
        "page.html": HTML.encode("utf-8"),
        "page_saved_as.txt": HTML.encode("gbk", "replace"),
        "traditional_pinyin.txt": "豐澤區(qū)委城東街(jiē)道簽約212戶。\n".encode("utf-8"),
    }


def main(folder: Path = HERE) -> int:
    for name, data in files().items():
        (folder / name).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
