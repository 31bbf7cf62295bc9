"""Writers one by one: text formats, typed formats, atomic files."""
import csv
import io
import json
import os
from contextlib import ExitStack

import pytest
from hypothesis import given, settings, strategies as st

from reportmine import write
from reportmine.write import (
    RowWriter, XlsxBook, excel_safe, excel_unsafe, open_writers, table_file_name, typed_value,
)

COLS = ("doc_id", "mention", "subject", "value", "value_max")
ROWS = [
    {"doc_id": "a", "mention": 1, "subject": "签约率", "value": 76, "value_max": None},
    {"doc_id": "a", "mention": 2, "subject": "=HYPERLINK(\"http://x\")", "value": 1.5, "value_max": 2.5},
    {"doc_id": "b", "mention": 1, "subject": 'say "hi", then\nleave', "value": -3, "value_max": None},
]


def write_text(fmt, excel=False, rows=ROWS):
    buf = io.StringIO(newline="")
    w = RowWriter(buf, COLS, fmt, excel)
    for r in rows:
        w.write(r)
    return buf.getvalue()


def test_csv_default_is_rfc4180_without_bom_with_lf():
    out = write_text("csv")
    assert not out.startswith("\ufeff")
    assert "\r\n" not in out.replace('then\nleave', '')
    assert out.splitlines()[0] == ",".join(COLS)
    # quotes doubled, fields with comma, quote or line break quoted
    assert '"say ""hi"", then\nleave"' in out
    # plain CSV keeps what the text says, formula-looking or not
    assert ',"=HYPERLINK(""http://x"")",' in out
    assert list(csv.reader(io.StringIO(out)))[2][2] == ROWS[1]["subject"]


def test_excel_csv_has_bom_crlf_and_formula_safe_cells():
    out = write_text("csv", excel=True)
    assert out.startswith("\ufeff")
    assert out.count("\r\n") == len(ROWS) + 1
    cells = list(csv.reader(io.StringIO(out[1:])))
    assert cells[2][2] == "'" + ROWS[1]["subject"]
    assert cells[3][3] == "-3"          # numbers stay numbers


def test_tsv_reads_back_with_csv_module():
    out = write_text("tsv")
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert [r["subject"] for r in rows] == [r["subject"] for r in ROWS]


def test_jsonl_one_object_per_line_nulls_for_empty():
    out = write_text("jsonl", rows=ROWS + [{"doc_id": "c", "mention": 1, "subject": "x\u2028y",
                                            "value": float("nan"), "value_max": None}])
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) == len(ROWS) + 2
    recs = [json.loads(line) for line in lines[:-1]]
    assert list(recs[0]) == list(COLS)
    assert recs[0]["value_max"] is None and recs[1]["value_max"] == 2.5
    assert recs[3]["subject"] == "x\u2028y" and recs[3]["value"] is None
    assert "\u2028" not in out       # escaped, so splitlines() readers keep the record whole


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+86 571", "'+86 571"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("签约", "签约"), ("", ""), (5, 5), (None, None),
])
def test_excel_safe(value, expected):
    assert excel_safe(value) == expected
    assert excel_unsafe(excel_safe(value)) == value


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "doc_id": st.text(min_size=1), "mention": st.integers(0, 10**6), "subject": st.text(),
    "value": st.floats(allow_nan=False, allow_infinity=False), "value_max": st.none()}), max_size=5))
def test_csv_reads_back_equal(rows):
    out = write_text("csv", rows=rows)
    back = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["subject"] for r in back] == [r["subject"] for r in rows]
    assert [float(r["value"]) for r in back] == [r["value"] for r in rows]


def test_typed_value():
    assert typed_value("", "str") is None
    assert typed_value(None, "int") is None
    assert typed_value(3, "float") == 3.0 and isinstance(typed_value(3, "float"), float)
    assert typed_value(float("inf"), "float") is None
    assert typed_value(7, "str") == "7"


def test_table_file_names():
    assert [table_file_name(t, "parquet") for t in ("indicators", "terms")] == ["indicators.parquet", "terms.parquet"]
    assert table_file_name("documents", "xlsx") == "reportmine.xlsx"


def test_parquet_row_groups_and_types(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    types = {"mention": "int", "value": "float", "value_max": "float", "subject": "category"}
    w = write.ParquetWriter(tmp_path / "t.parquet", COLS, types, row_group=2)
    for r in ROWS:
        w.write(r)
    w.close()
    f = pq.ParquetFile(tmp_path / "t.parquet")
    assert f.metadata.num_row_groups == 2
    table = f.read()
    assert str(table.schema.field("value").type) == "double"
    assert str(table.schema.field("mention").type) == "int64"
    assert str(table.schema.field("subject").type).startswith("dictionary")
    assert table.column("value").to_pylist() == [76.0, 1.5, -3.0]
    assert table.column("value_max").to_pylist() == [None, 2.5, None]


def test_parquet_with_no_rows_still_has_the_columns(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    w = write.ParquetWriter(tmp_path / "t.parquet", COLS, {"value": "float"})
    w.close()
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.num_rows == 0 and table.column_names == list(COLS)


def test_xlsx_sheet_spills_past_the_row_limit_and_strips_control_characters(tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    monkeypatch.setattr(write, "XLSX_MAX_ROWS", 3)
    monkeypatch.setattr(write, "XLSX_WIDTH_SAMPLE", 2)
    book = XlsxBook()
    sheet = book.sheet("indicators", COLS, {"mention": "int", "value": "float"})
    rows = [dict(ROWS[0], mention=i, subject=f"a\x01b{i}") for i in range(5)]
    for r in rows:
        sheet.write(r)
    book.save(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["indicators", "indicators (2)", "indicators (3)"]
    got = [row for ws in wb for row in ws.iter_rows(min_row=2, values_only=True)]
    assert [r[1] for r in got] == list(range(5))
    assert got[0][2] == "ab0"
    assert all(ws.freeze_panes == "A2" for ws in wb)
    assert [c.value for c in wb["indicators (3)"][1]] == list(COLS)


def test_xlsx_formula_cells_stay_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = XlsxBook()
    sheet = book.sheet("t", COLS, {"value": "float"})
    for r in ROWS:
        sheet.write(r)
    book.save(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    cell = ws["C3"]
    assert cell.value == ROWS[1]["subject"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert ws["C2"].quotePrefix is False


def test_failed_run_leaves_previous_output_and_no_temporary_files(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("previous\n")
    with pytest.raises(RuntimeError):
        with ExitStack() as stack:
            w = open_writers(stack, ["terms"], {"terms": ("term",)}, "csv", output=target)["terms"]
            w.write({"term": "签约"})
            raise RuntimeError("disk full")
    assert target.read_text() == "previous\n"
    assert os.listdir(tmp_path) == ["out.csv"]


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_failed_binary_run_leaves_previous_output(tmp_path, fmt):
    pytest.importorskip({"parquet": "pyarrow", "xlsx": "openpyxl"}[fmt])
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with ExitStack() as stack:
            open_writers(stack, ["terms"], {"terms": ("term",)}, fmt, output=target)["terms"].write({"term": "x"})
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == [target.name]


def test_new_output_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with ExitStack() as stack:
            open_writers(stack, ["terms"], {"terms": ("term",)}, "csv", output=tmp_path / "t.csv")
    finally:
        os.umask(old)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o644


def test_out_dir_xlsx_is_one_workbook_with_a_sheet_per_table(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    cols = {"indicators": ("doc_id",), "documents": ("doc_id",), "terms": ("term",)}
    with ExitStack() as stack:
        ws = open_writers(stack, list(cols), cols, "xlsx", out_dir=tmp_path / "d")
        ws["terms"].write({"term": "签约"})
    assert os.listdir(tmp_path / "d") == ["reportmine.xlsx"]
    assert openpyxl.load_workbook(tmp_path / "d" / "reportmine.xlsx").sheetnames == list(cols)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        with ExitStack() as stack:
            open_writers(stack, ["terms"], {"terms": ("term",)}, "xls")


def test_stale_parts_of_a_killed_run_are_removed(tmp_path):
    import os
    import time

    from reportmine.write import STALE_PART_SECONDS, atomic_text
    old = tmp_path / ".out.csv.abc123.part"
    fresh = tmp_path / ".out.csv.def456.part"
    other = tmp_path / ".other.csv.abc123.part"
    for p in (old, fresh, other):
        p.write_text("half", encoding="utf-8")
    past = time.time() - STALE_PART_SECONDS - 60
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    with atomic_text(tmp_path / "out.csv") as f:
        f.write("a\n")
    assert not old.exists() and fresh.exists() and other.exists()
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "a\n"


@pytest.mark.parametrize("fmt,excel", [("csv", False), ("csv", True), ("tsv", False), ("jsonl", False)])
def test_rows_rendered_in_a_worker_read_as_the_writer_writes_them(fmt, excel):
    from reportmine.write import RowWriter, render_rows
    cols = ("doc_id", "value", "sentence")
    rows = [{"doc_id": "a", "value": 212, "sentence": "完成签约212户,\"双轮\"驱动"},
            {"doc_id": "b", "value": float("nan"), "sentence": "=SUM(A1)\r\n第二行\r"},
            {"doc_id": "c", "value": None, "sentence": "\u2028分隔\t制表"}]
    whole = io.StringIO()
    w = RowWriter(whole, cols, fmt, excel)
    for r in rows:
        w.write(r)
    head = io.StringIO()
    w = RowWriter(head, cols, fmt, excel)
    w.write_text(render_rows(rows[:1], cols, fmt, excel))
    w.write_text(render_rows(rows[1:], cols, fmt, excel))
    assert head.getvalue() == whole.getvalue()


@pytest.mark.parametrize("fmt,excel", [("csv", False), ("csv", True), ("tsv", False), ("tsv", True)])
def test_rendered_cells_are_those_the_csv_writer_writes(fmt, excel):
    """Every kind of cell, quoted or not, as RowWriter (the csv module) writes it."""
    import random

    from reportmine.write import RowWriter, render_rows

    class Num(float):
        def __str__(self):
            return "num"

    pool = [None, "", "签约", 'a"b', "a,b", "a\tb", "a\rb", "a\nb", "\r\n", "=1", "+1", "-1", "@a", "\ta", "'=",
            " a", 0, -3, 212, 10**20, 1.5, 1e-7, -0.0, float("nan"), float("inf"), True, Num(2.5), Num("inf"),
            ("t", 1), "\u2028", "x" * 30]
    rnd = random.Random(3)
    for ncols in (1, 2, 16):
        cols = tuple(f"c{i}" for i in range(ncols))
        rows = [{c: rnd.choice(pool) for c in cols if rnd.random() < 0.95} for _ in range(300)]
        whole = io.StringIO()
        w = RowWriter(whole, cols, fmt, excel, header=False)
        for r in rows:
            w.write(r)
        assert render_rows(rows, cols, fmt, excel) == whole.getvalue()
