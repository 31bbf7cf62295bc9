"""Every output format, read back with the library an analyst would use and
compared with the CSV of the same run: same columns in the INDICATORS.md
order, same rows, same values."""
import io
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportmine.cli import cli
from reportmine.model import DOCUMENT_COLUMNS, INDICATOR_COLUMNS, TERM_COLUMNS
from reportmine.write import COLUMN_TYPES, FORMATS, excel_unsafe

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
openpyxl = pytest.importorskip("openpyxl")

SAMPLES = Path(__file__).parent.parent / "samples"
TABLES = ("indicators", "documents", "terms")
EVIL = '=HYPERLINK("http://example.com","点击")'

RECORDS = [
    {"id": "n1", "text": "=SUM(A1)完成签约212户。签约率达76%,比增3.5个百分点。", "url": EVIL,
     "note": 'a,b "q"\nline two'},
    {"id": "n2", "text": "-拆除违建3000余平方米,投资约40亿元。", "url": "+86 571", "note": "@x"},
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One run per format over the samples plus a small corpus, all tables."""
    base = tmp_path_factory.mktemp("formats")
    corpus = base / "news.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n", encoding="utf-8")
    out = {}
    for fmt in FORMATS:
        d = base / fmt
        r = CliRunner().invoke(cli, ["extract", str(SAMPLES), str(corpus), "--format", fmt,
                                     "--out-dir", str(d), "--top", "8", "-j", "1", "-q"])
        assert r.exit_code == 0, r.output
        out[fmt] = d
    d = base / "excel"
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES), str(corpus), "--excel", "--out-dir", str(d),
                                 "--top", "8", "-j", "1", "-q"])
    assert r.exit_code == 0, r.output
    out["excel"] = d
    return out


def canon(value, kind):
    """A cell as a plain Python value of its column type; empty is None."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def canon_frame(df, table):
    kinds = COLUMN_TYPES[table]
    cols = list(df.columns)
    return cols, [tuple(canon(v, kinds.get(c, "str")) for c, v in zip(cols, row))
                  for row in df.astype(object).itertuples(index=False)]


def read_csv(path, sep=","):
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8")


def expected(runs, table):
    return canon_frame(read_csv(runs["csv"] / f"{table}.csv"), table)


def test_csv_has_the_contract_columns_and_rows(runs):
    cols, rows = expected(runs, "indicators")
    assert tuple(cols) == INDICATOR_COLUMNS
    assert {r[0] for r in rows} >= {"n1", "n2"} | {p.stem for p in SAMPLES.glob("*.txt")}
    assert tuple(expected(runs, "terms")[0]) == TERM_COLUMNS
    doc_cols = tuple(expected(runs, "documents")[0])
    assert doc_cols == DOCUMENT_COLUMNS + ("url", "note")


def test_plain_csv_has_no_bom_and_keeps_cells_as_written(runs):
    raw = (runs["csv"] / "documents.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    docs = read_csv(runs["csv"] / "documents.csv").set_index("doc_id")
    assert docs.loc["n1", "url"] == EVIL
    assert docs.loc["n1", "note"] == RECORDS[0]["note"]


@pytest.mark.parametrize("table", TABLES)
def test_tsv_equals_csv(runs, table):
    assert canon_frame(read_csv(runs["tsv"] / f"{table}.tsv", sep="\t"), table) == expected(runs, table)


@pytest.mark.parametrize("table", TABLES)
def test_jsonl_equals_csv(runs, table):
    df = pd.read_json(runs["jsonl"] / f"{table}.jsonl", lines=True, dtype=False, precise_float=True)
    assert canon_frame(df, table) == expected(runs, table)


@pytest.mark.parametrize("table", TABLES)
def test_parquet_equals_csv_with_pandas(runs, table):
    df = pd.read_parquet(runs["parquet"] / f"{table}.parquet")
    assert canon_frame(df, table) == expected(runs, table)


def test_parquet_keeps_types(runs):
    schema = pq.read_schema(runs["parquet"] / "indicators.parquet")
    assert schema.names == list(INDICATOR_COLUMNS)
    assert schema.field("value").type == pa.float64()
    assert schema.field("value_max").type == pa.float64()
    assert schema.field("start").type == pa.int64() and schema.field("end").type == pa.int64()
    assert pa.types.is_dictionary(schema.field("qualifier").type)
    df = pd.read_parquet(runs["parquet"] / "indicators.parquet")
    assert isinstance(df["qualifier"].dtype, pd.CategoricalDtype)
    assert set(df["qualifier"].cat.categories) <= {"exact", "approx", "at_least", "at_most", "range"}
    assert df["value"].dtype == "float64" and df["start"].dtype == "int64"
    terms = pq.read_schema(runs["parquet"] / "terms.parquet")
    assert terms.field("count").type == pa.int64()


@pytest.mark.parametrize("table", TABLES)
def test_xlsx_equals_csv_with_pandas(runs, table):
    book = runs["xlsx"] / "reportmine.xlsx"
    df = pd.read_excel(book, sheet_name=table, dtype=object, engine="openpyxl")
    assert canon_frame(df, table) == expected(runs, table)


def test_xlsx_has_one_sheet_per_table_frozen_header_and_widths(runs):
    assert [p.name for p in runs["xlsx"].iterdir()] == ["reportmine.xlsx"]
    wb = openpyxl.load_workbook(runs["xlsx"] / "reportmine.xlsx")
    assert wb.sheetnames == list(TABLES)
    for ws in wb:
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        assert all(ws.column_dimensions[c.column_letter].width > len(str(c.value)) for c in ws[1]), header
    ind = wb["indicators"]
    widths = {c.value: ind.column_dimensions[c.column_letter].width for c in ind[1]}
    assert widths["sentence"] > widths["mention"]


def test_xlsx_cells_that_look_like_formulas_are_text(runs):
    wb = openpyxl.load_workbook(runs["xlsx"] / "reportmine.xlsx")
    ws = wb["documents"]
    header = [c.value for c in ws[1]]
    url = header.index("url")
    cells = {row[0].value: row[url] for row in ws.iter_rows(min_row=2)}
    for doc_id, text in (("n1", EVIL), ("n2", "+86 571")):
        assert cells[doc_id].value == text
        assert cells[doc_id].data_type == "s" and cells[doc_id].quotePrefix
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_excel_csv_has_bom_crlf_and_safe_cells(runs):
    raw = (runs["excel"] / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.count("\r\n") >= 3
    df = pd.read_csv(io.StringIO(text, newline=""), dtype=str, keep_default_na=False).set_index("doc_id")
    assert df.loc["n1", "url"] == "'" + EVIL
    assert df.loc["n2", "note"] == "'@x"
    ind = pd.read_csv(runs["excel"] / "indicators.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in ind["sentence"])
    # undoing the apostrophes gives the plain CSV back
    for table in TABLES:
        df = read_csv(runs["excel"] / f"{table}.csv").map(excel_unsafe)
        df.columns = [c.lstrip("\ufeff") for c in df.columns]
        assert canon_frame(df, table) == expected(runs, table)


def test_binary_formats_to_stdout_when_redirected():
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES / "000_907f1bb4d4fe3f83.txt"), "--format", "parquet",
                                 "-j", "1", "-q"])
    assert r.exit_code == 0
    table = pq.read_table(pa.BufferReader(r.stdout_bytes))
    assert table.column_names == list(INDICATOR_COLUMNS) and table.num_rows > 0
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES / "000_907f1bb4d4fe3f83.txt"), "--format", "xlsx",
                                 "--table", "documents", "-j", "1", "-q"])
    assert r.exit_code == 0
    wb = openpyxl.load_workbook(io.BytesIO(r.stdout_bytes))
    assert wb.sheetnames == ["documents"]


def test_single_table_to_a_file(tmp_path):
    out = tmp_path / "ind.parquet"
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES / "000_907f1bb4d4fe3f83.txt"), "--format", "parquet",
                                 "-o", str(out), "-j", "1", "-q"])
    assert r.exit_code == 0 and r.stdout == ""
    assert pq.read_table(out).num_rows > 0


def test_output_and_out_dir_exclude_each_other(tmp_path):
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES), "-o", str(tmp_path / "a.csv"), "--out-dir", str(tmp_path)])
    assert r.exit_code == 2 and "one or the other" in r.stderr
    assert list(tmp_path.iterdir()) == []
