"""Decoding: every file of tests/files to its text and encoding, and HTML to visible text."""
import importlib.util
from pathlib import Path

import pytest

from reportmine.decode import (
    COMMON_SIMPLIFIED, Decoded, UndecodableError, classify_bytes, common_characters_from_jieba,
    decode_bytes, html_to_text, looks_binary, looks_like_html, text_score,
)
from reportmine.model import DocStatus

FILES = Path(__file__).parent / "files"


def _load_make_files():
    spec = importlib.util.spec_from_file_location("make_files", FILES / "make_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


M = _load_make_files()
S, T = M.SIMPLIFIED, M.TRADITIONAL


def test_committed_files_are_what_make_files_writes():
    made = M.files()
    assert made, "make_files.py makes nothing"
    for name, data in made.items():
        assert (FILES / name).read_bytes() == data, f"{name}: run python tests/files/make_files.py"


# file -> (encoding, text, replaced bytes)
DECODED = [
    ("utf8.txt", "utf-8", S, 0),
    ("utf8_bom.txt", "utf-8-sig", S, 0),
    ("utf8_crlf.txt", "utf-8", S.replace("\n", "\r\n"), 0),
    ("utf16le_bom.txt", "utf-16", S, 0),
    ("utf16be_bom.txt", "utf-16", S, 0),
    ("utf16le.txt", "utf-16-le", S, 0),
    ("utf16be.txt", "utf-16-be", S, 0),
    ("gbk.txt", "gb18030", S.replace("李㛃", "李洁"), 0),
    ("gb18030.txt", "gb18030", S, 0),
    ("big5.txt", "big5", T, 0),
    # traditional characters written in GBK are GBK, not Big5
    ("big5_traditional_as_gbk.txt", "gb18030", T, 0),
    ("mixed_utf8_gbk_big5.txt", "utf-8+gb18030+big5", S + "城东街道完成签约120宗,比增28%。\n" + T, 0),
    ("nul_bytes.txt", "utf-8", S[:20] + "\x00\x00\x00" + S[20:] + "\x00", 0),
    ("traditional_pinyin.txt", "utf-8", "豐澤區(qū)委城東街(jiē)道簽約212戶。\n", 0),
]


@pytest.mark.parametrize("name,encoding,text,replaced", DECODED, ids=[d[0] for d in DECODED])
def test_decode_file(name, encoding, text, replaced):
    data = (FILES / name).read_bytes()
    assert classify_bytes(data) is None
    assert decode_bytes(data) == Decoded(text, encoding, replaced)


# damaged files: the encoding, the damage counted, the rest of the text intact
DAMAGED = [
    ("broken_utf8.txt", "utf-8", 5, "投资总额约40亿元"),
    ("truncated_utf8.txt", "utf-8", 1, "成立3人到5人工作小组。\n"),
    ("broken_gbk.txt", "gb18030", 1, "投资总额约40亿元"),
]


@pytest.mark.parametrize("name,encoding,replaced,kept", DAMAGED, ids=[d[0] for d in DAMAGED])
def test_decode_damaged_file(name, encoding, replaced, kept):
    d = decode_bytes((FILES / name).read_bytes())
    assert (d.encoding, d.replaced) == (encoding, replaced)
    assert d.text.count("\ufffd") == replaced
    assert kept in d.text


@pytest.mark.parametrize("name,status", [
    ("empty.txt", DocStatus.EMPTY),
    ("blank.txt", None),          # blanks beyond ASCII: empty only once decoded (pipeline)
    ("png.txt", DocStatus.NOT_TEXT),
    ("zip.txt", DocStatus.NOT_TEXT),
    ("pdf.txt", DocStatus.NOT_TEXT),
    ("utf16le.txt", None),
    ("nul_bytes.txt", None),
    ("undecodable.txt", None),
])
def test_classify_file(name, status):
    assert classify_bytes((FILES / name).read_bytes()) is status


def test_undecodable_bytes_raise():
    with pytest.raises(UndecodableError):
        decode_bytes((FILES / "undecodable.txt").read_bytes())


@pytest.mark.parametrize("data,binary", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", True),
    (b"GIF89a\x01\x00", True),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", True),
    (b"RIFF is a word", False),
    (bytes(range(32)) * 20, True),                 # control bytes, no UTF-16 reading
    ("签约率达76%".encode("utf-16-le"), False),     # NULs of UTF-16 without a BOM
    ("Signed 212 households".encode("utf-16-be"), False),
    ("完成签约212户。".encode() * 10 + b"\x00" * 3, False),  # a few NULs in a text
])
def test_looks_binary(data, binary):
    assert looks_binary(data) is binary


@pytest.mark.parametrize("text,codec", [
    ("完成签约212户,签约率达76%", "gbk"),
    ("完成簽約212戶,簽約率達76%", "big5"),
    ("豐澤區委城東街道", "big5"),
    ("丰泽区委城东街道", "gb18030"),
])
def test_short_texts_pick_the_right_legacy_encoding(text, codec):
    assert decode_bytes(text.encode(codec)).text == text


def test_a_utf8_line_with_one_broken_byte_stays_utf8():
    data = "完成签约212户\n".encode() * 20 + "签约率".encode()[:-1] + "达76%\n".encode()
    d = decode_bytes(data)
    assert d.encoding == "utf-8" and d.replaced == 1
    assert d.text.endswith("签约\ufffd达76%\n")


def test_score_separates_text_from_a_wrong_decoding():
    right = S.encode("gb18030").decode("gb18030")
    wrong = S.encode("gb18030").decode("big5hkscs", errors="replace")
    assert text_score(right) > 0.7 > 0.3 > text_score(wrong)
    assert text_score("plain ASCII") == 1.0


def test_common_characters_are_jiebas_most_frequent():
    # regenerated from jieba's dictionary in memory: the constant must agree
    assert COMMON_SIMPLIFIED == common_characters_from_jieba(len(COMMON_SIMPLIFIED))
    assert len(set(COMMON_SIMPLIFIED)) == len(COMMON_SIMPLIFIED) == 1000


# -- HTML -------------------------------------------------------------------------

def test_html_file_to_visible_text():
    text, title = html_to_text((FILES / "page.html").read_text(encoding="utf-8"))
    assert (text, title) == (M.HTML_TEXT, "金川街道上半年工作总结_常山县人民政府")
    for hidden in ("999", "888", "777", "666", "color", "var s"):
        assert hidden not in text


@pytest.mark.parametrize("markup,text", [
    ("<p>一</p><p>二</p>", "一\n二"),
    ("<p>完成<b>签约</b>212户</p>", "完成签约212户"),
    ("<p>完成\n   签约</p>", "完成 签约"),
    ("<pre>a\n\nb</pre>", "a\nb"),         # line breaks kept, blank lines dropped
    ("<p>A&amp;B &lt;c&gt; &#20013;</p>", "A&B <c> 中"),
    ("<script>document.write('<p>212户</p>')</script>正文", "正文"),
    ("<style>p{}</style><template><p>x</p></template>正文", "正文"),
    ("<p>unclosed <b>bold", "unclosed bold"),
    ("<<<>>> a < b", "<<<>>> a < b"),
    ("<p>a<!-- 注释 212户 -->b</p>", "ab"),
    ("", ""),
])
def test_html_to_text(markup, text):
    assert html_to_text(markup)[0] == text


def test_deeply_nested_html():
    depth = 100_000
    markup = "<div>" * depth + "完成签约212户" + "</div>" * depth + "<span>" * depth + "尾"
    text, _ = html_to_text(markup)
    assert text == "完成签约212户\n尾"


def test_long_runs_of_blanks_in_html():
    # a regex over blank runs must not backtrack on a long run without a line break
    text, _ = html_to_text("<p>a" + " \t" * 200_000 + "b</p>")
    assert text == "a b"


@pytest.mark.parametrize("text,html", [
    ("<!DOCTYPE html><html><body>x", True),
    ("\ufeff  <html lang='zh'>", True),
    ("<?xml version='1.0'?><html xmlns='x'>", True),
    ("<!-- saved --><meta charset=utf-8>", True),
    ("<p>a paragraph</p> of a plain text file", False),
    ("完成签约212户 <html>", False),
])
def test_looks_like_html(text, html):
    assert looks_like_html(text.lstrip("\ufeff")) is html
