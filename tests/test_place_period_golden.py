"""Place, place_path and period of whole documents (golden files).

Each tests/golden/place_period/<case>/ holds input.txt, expected.csv (start,
end, raw and the three columns for every mention) and document.csv (the
documents table's date and place).  Rows are matched on (start, raw), so a
change in which numbers the extractor keeps does not hide a change in place
or period; when the extractor changes much, rewrite the files with

    REPORTMINE_UPDATE_GOLDEN=1 python -m pytest tests/test_place_period_golden.py

and read the diff before committing.
"""
import csv
import io
import os
from pathlib import Path

import pytest

from reportmine.lexicon import load_lexicon
from reportmine.model import Source
from reportmine.pipeline import process_source

GOLDEN = Path(__file__).parent / "golden" / "place_period"
CASES = sorted(p.parent for p in GOLDEN.glob("*/input.txt"))
COLUMNS = ("start", "end", "raw", "place", "place_path", "period")
LEX = load_lexicon()
# share of the golden mentions the extractor must still find
MIN_SHARED = 0.9


def run(case: Path):
    data = (case / "input.txt").read_bytes()
    return process_source(Source(case.name, case.name + ".txt", data=data), LEX)


def to_csv(rows, columns) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_place_period_golden(case):
    result = run(case)
    rows = [{k: str(r[k]) for k in COLUMNS} for r in result.indicators]
    doc = {"date": result.document["date"], "place": result.document["place"]}
    if os.environ.get("REPORTMINE_UPDATE_GOLDEN"):
        (case / "expected.csv").write_text(to_csv(rows, COLUMNS), encoding="utf-8")
        (case / "document.csv").write_text(to_csv([doc], ("date", "place")), encoding="utf-8")
    assert read_csv(case / "document.csv") == [doc]
    expected = {(r["start"], r["raw"]): r for r in read_csv(case / "expected.csv")}
    got = {(r["start"], r["raw"]): r for r in rows}
    shared = expected.keys() & got.keys()
    assert len(shared) >= MIN_SHARED * len(expected), "the extractor changed: rewrite the golden files"
    diffs = [(k, {c: expected[k][c] for c in COLUMNS[3:]}, {c: got[k][c] for c in COLUMNS[3:]})
             for k in sorted(shared, key=lambda k: int(k[0])) if expected[k] != got[k]]
    assert diffs == []


def rows_of(name):
    return run(GOLDEN / name).indicators


def test_half_year_figures_of_a_sub_district_summary():
    """004: the figures under 二、上半年工作总结 belong to 金川街道 and 2023-H1."""
    text = (GOLDEN / "004_bf2c8f3c51731bb9" / "input.txt").read_text(encoding="utf-8")
    rows = rows_of("004_bf2c8f3c51731bb9")
    first = next(r for r in rows if r["raw"] == "2场")
    assert "二、上半年工作总结" in text
    for raw in ("2场", "119户", "7850亩", "381户", "33.15公顷", "42.8%", "4954万元", "1280余户"):
        r = next(r for r in rows if r["raw"] == raw and r["start"] >= first["start"])
        assert (r["place"], r["place_path"], r["period"]) == (
            "金川街道", "浙江省/衢州市/常山县/金川街道", "2023-H1"), raw


def test_bulletin_lines_take_their_heading_without_an_invented_year():
    """003: the lines under 1-8月份城东街道“成绩单” carry 城东街道 and 1-8月 (the text has no date)."""
    rows = rows_of("003_ba1f4617fbce3cc5")
    result = run(GOLDEN / "003_ba1f4617fbce3cc5")
    assert result.document["date"] == ""
    bulletin = [r for r in rows if "万元" in r["raw"] and r["sentence"].startswith(("一般公共", "规上", "限上", "固定", "建安"))]
    assert len(bulletin) >= 6
    for r in bulletin:
        assert (r["place"], r["period"]) == ("城东街道", "1-8月"), r["raw"]
