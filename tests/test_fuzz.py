"""Fuzzing decode, normalize and extract with arbitrary bytes and text.

Invariants: no exception escapes and no document fails inside the pipeline;
every indicator row has normalized[start:end] == raw, a finite value and
value_max >= value.  CI runs a bounded number of examples; more on request:

    REPORTMINE_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportmine import extract_text
from reportmine.decode import Decoded, UndecodableError, classify_bytes, decode_bytes, html_to_text
from reportmine.model import Source
from reportmine.normalize import normalize_text
from reportmine.pipeline import build_document, process_source

EXAMPLES = int(os.environ.get("REPORTMINE_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Words of the reports, so that arbitrary text holds numbers, units and qualifiers.
WORDS = st.sampled_from([
    "完成", "签约", "签约率", "达", "征收土地", "投资", "约", "多", "余", "以上", "不到", "近", "比增", "下降",
    "212", "76", "8.5", "1,286", "0", "00", "-", "+", "~", "到", "至", "、", "/", "1/15", ".", "3-5",
    "三", "四", "十", "百", "千", "万", "亿", "两", "零", "〇", "点", "几", "数", "半", "百分之", "分之", "成", "折",
    "户", "亩", "公顷", "平方米", "平方", "方", "万元", "元", "亿元", "美元", "%", "个", "人", "名", "次", "年", "月",
    "日", "天", "小时", "公里", "米", "吨", "个百分点", "第", "期", "号", "2023年", "6月30日", "15:58", "G60",
    "，", ",", "。", ";", "\n", " ", "\u3000", "(qū)", "區", "萬", "１２", "．", "％", "&amp;", "&#20013;",
    "<p>", "</p>", "\x00", "\ufffd", "\u200b", "9" * 40, "e9", "inf", "nan",
])
REPORT_TEXT = st.lists(WORDS, max_size=40).map("".join)
ANY_TEXT = st.one_of(REPORT_TEXT, st.text(max_size=200))
ANY_BYTES = st.one_of(
    st.binary(max_size=1000),
    REPORT_TEXT.flatmap(lambda t: st.sampled_from([
        t.encode("utf-8"), t.encode("utf-16-le"), t.encode("utf-16"),
        t.encode("gb18030", "replace"), t.encode("big5", "replace"), b"\xef\xbb\xbf" + t.encode("utf-8"),
    ])),
    st.tuples(REPORT_TEXT, st.binary(max_size=20), REPORT_TEXT).map(
        lambda p: p[0].encode("utf-8") + p[1] + p[2].encode("gb18030", "replace")),
)


def check_rows(text: str, rows) -> None:
    for row in rows:
        assert text[row["start"]:row["end"]] == row["raw"], row
        assert isinstance(row["value"], (int, float)) and math.isfinite(row["value"]), row
        if row["value_max"] is not None:
            assert math.isfinite(row["value_max"]) and row["value_max"] >= row["value"], row


@FUZZ
@given(ANY_BYTES)
def test_decode_any_bytes(data):
    classify_bytes(data)
    try:
        d = decode_bytes(data)
    except UndecodableError:
        return
    assert isinstance(d, Decoded) and isinstance(d.text, str) and d.replaced >= 0


@FUZZ
@given(ANY_TEXT)
def test_html_to_text_any_markup(markup):
    text, title = html_to_text("<html><body>" + markup)
    assert isinstance(text, str) and isinstance(title, str)


@FUZZ
@given(ANY_TEXT)
def test_normalize_any_text(text):
    once = normalize_text(text)
    once.encode("utf-8")                     # always writable
    assert normalize_text(once) == once


@FUZZ
@given(ANY_TEXT)
def test_extract_text_any_text(text):
    rows = extract_text(text)
    check_rows(normalize_text(text), rows)


@FUZZ
@given(ANY_BYTES, st.sampled_from(["text", "html"]))
def test_process_source_any_bytes(lex, data, kind):
    src = Source("fuzz", "fuzz.txt", data=data, kind=kind)
    result = process_source(src, lex)
    status = result.document["status"]
    assert status != "failed", result.document["error"]
    if status == "ok":
        check_rows(build_document(src).text, result.indicators)
    else:
        assert result.indicators == ()
