"""`reportmine summary TABLE`: the pivot of documents by category, through the CLI."""
from contextlib import ExitStack

import pytest
from click.testing import CliRunner

from reportmine.cli import cli
from reportmine.model import INDICATOR_COLUMNS
from reportmine.summary import SUMMARY_COLUMNS, summarize
from reportmine.write import open_writers

ROWS = [
    # doc, category, value, value_max, unit, qualifier, subject
    ("b", "households", 212, None, "户", "exact", "签约"),
    ("b", "households", 3, 4, "户", "range", "相关"),
    ("b", "rate", 76, None, "%", "exact", "签约率"),
    ("a", "area", 8.5, None, "ha", "exact", "=征收土地"),
    ("a", "area", 0.3, None, "ha", "at_least", "拆除"),
    ("a", "money", 4e9, None, "CNY", "approx", "投资总额"),
    ("a", "money", 50000, None, "USD", "exact", "外资"),
    ("a", "count", 300, None, "穴", "at_least", "迁移坟墓"),
]

EXPECTED_CSV = (
    ",".join(SUMMARY_COLUMNS) + "\n"
    "a,5,0,2,2,0,0,1,0,0,0,0,0,0,8.8,4000000000\n"
    "b,3,2,0,0,1,0,0,0,0,0,0,0,215,0,0\n"
)


def indicator_rows():
    out = []
    for n, (doc, cat, value, vmax, unit, qual, subj) in enumerate(ROWS, 1):
        row = dict.fromkeys(INDICATOR_COLUMNS, "")
        row.update(doc_id=doc, mention=n, category=cat, subject=subj, value=value, value_max=vmax,
                   unit=unit, qualifier=qual, raw=str(value), start=0, end=1, sentence=subj)
        out.append(row)
    return out


def write_table(path, fmt, excel=False, out_dir=None):
    with ExitStack() as stack:
        w = open_writers(stack, ["indicators"], {"indicators": INDICATOR_COLUMNS}, fmt,
                         output=None if out_dir else path, out_dir=out_dir, excel=excel)["indicators"]
        for r in indicator_rows():
            w.write(r)
    return path


def summary(*args, input=None):
    return CliRunner().invoke(cli, ["summary", *map(str, args)], input=input)


def test_csv_pivot_is_exactly_the_expected_table(tmp_path):
    r = summary(write_table(tmp_path / "ind.csv", "csv"), "--format", "csv")
    assert r.exit_code == 0, r.output
    # money in USD is counted under money but not added to the CNY sum;
    # a range adds its lower end
    assert r.stdout == EXPECTED_CSV


@pytest.mark.parametrize("fmt, excel", [("tsv", False), ("jsonl", False), ("parquet", False), ("xlsx", False),
                                        ("csv", True)])
def test_every_output_format_gives_the_same_pivot(tmp_path, fmt, excel):
    pytest.importorskip({"parquet": "pyarrow", "xlsx": "openpyxl"}.get(fmt, "csv"))
    r = summary(write_table(tmp_path / f"ind.{fmt}", fmt, excel), "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout == EXPECTED_CSV


def test_an_out_dir_folder_stands_for_its_indicators_table(tmp_path):
    write_table(None, "csv", out_dir=tmp_path / "out")
    r = summary(tmp_path / "out", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout == EXPECTED_CSV


def test_stdin(tmp_path):
    text = write_table(tmp_path / "ind.csv", "csv").read_text(encoding="utf-8")
    r = summary("-", "--format", "csv", input=text)
    assert r.exit_code == 0, r.output
    assert r.stdout == EXPECTED_CSV


def test_jsonl_output(tmp_path):
    import json
    r = summary(write_table(tmp_path / "ind.csv", "csv"), "--format", "jsonl")
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["doc_id"], x["indicators"], x["households_sum"]) for x in recs] == [("a", 5, 0), ("b", 3, 215)]


def test_rich_table_with_totals(tmp_path):
    r = summary(write_table(tmp_path / "ind.csv", "csv"))
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "2 documents, 8 indicators" in out
    lines = [line for line in out.splitlines() if line.startswith("│")]
    cells = [[c.strip() for c in line.strip("│").split("│")] for line in lines]
    header = [line for line in out.splitlines() if "doc_id" in line][0]
    # categories no document has are left out of the terminal table
    assert "people" not in header and "households" in header and "count" in header
    assert [c[0] for c in cells] == ["a", "b", "total"]
    assert cells[0][-1] == "40.00亿" and cells[2][1] == "8"


def test_not_an_indicators_table_exits_2(tmp_path):
    f = tmp_path / "docs.csv"
    f.write_text("doc_id,path,status\na,a.txt,ok\n", encoding="utf-8")
    r = summary(f)
    assert r.exit_code == 2
    assert "not an indicators table (no column category, value, unit)" in r.stderr


def test_a_value_that_is_no_number_is_named_with_its_line(tmp_path):
    f = tmp_path / "ind.csv"
    f.write_text("doc_id,category,value,unit\na,area,1,ha\na,area,lots,ha\n", encoding="utf-8")
    r = summary(f)
    assert r.exit_code == 2
    assert f"{f}:3: value 'lots' is not a number" in r.stderr


def test_missing_file_exits_2(tmp_path):
    assert summary(tmp_path / "nope.csv").exit_code == 2


def test_empty_table(tmp_path):
    f = tmp_path / "ind.csv"
    f.write_text(",".join(INDICATOR_COLUMNS) + "\n", encoding="utf-8")
    r = summary(f, "--format", "csv")
    assert r.exit_code == 0 and r.stdout == ",".join(SUMMARY_COLUMNS) + "\n"


def test_summarize_counts_unknown_categories_as_other():
    (s,) = summarize([{"doc_id": "d", "category": "speed", "value": "3", "unit": "km/h"}])
    assert s["other"] == 1 and s["indicators"] == 1
