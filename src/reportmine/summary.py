"""A pivot of an indicators table: one row per document, a column per category.

    read_indicators (a file in any output format) -> summarize -> rows

For each document: how many indicators it gave, how many of each category,
and the sums of `value` for households (户), area (ha) and money (CNY).  A
sum takes only the rows in that standard unit (money in USD is counted, not
added to CNY) and adds `value` as it stands (the lower end of a range, the
stated figure of an approximation).

>>> rows = [{"doc_id": "a", "category": "households", "value": "212", "unit": "户"},
...         {"doc_id": "a", "category": "rate", "value": "76", "unit": "%"}]
>>> s = summarize(rows)[0]
>>> s["doc_id"], s["indicators"], s["households"], s["rate"], s["households_sum"]
('a', 2, 1, 1, 212)
"""
from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path

from .write import excel_unsafe

CATEGORIES = (
    "households", "area", "money", "rate", "people", "count", "duration",
    "length", "weight", "volume", "other",
)
# (category, its standard unit, the summary column of the sum)
SUMS = (("households", "户", "households_sum"), ("area", "ha", "area_sum_ha"), ("money", "CNY", "money_sum_cny"))
SUMMARY_COLUMNS = ("doc_id", "indicators") + CATEGORIES + tuple(col for _, _, col in SUMS)
NEEDED = ("doc_id", "category", "value", "unit")


class TableError(ValueError):
    """An input that is not an indicators table; the message says why."""


def _number(v: float):
    """212.0 -> 212; sums of floats rounded to 12 significant digits.

    >>> _number(212.0), _number(0.1 + 0.2)
    (212, 0.3)
    """
    v = float(format(v, ".12g"))
    return int(v) if v == int(v) and abs(v) < 1e15 else v


def _value(raw, where: str) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise TableError(f"{where}: value {raw!r} is not a number") from None
    return v if math.isfinite(v) else None


def summarize(rows: Iterable[dict]) -> list[dict]:
    """One summary row per doc_id, sorted by doc_id.

    >>> [r["money_sum_cny"] for r in summarize([{"doc_id": "d", "category": "money", "value": 4e9, "unit": "CNY"},
    ...                                         {"doc_id": "d", "category": "money", "value": 5, "unit": "USD"}])]
    [4000000000]
    """
    out: dict[str, dict] = {}
    sums = {cat: (unit, col) for cat, unit, col in SUMS}
    for n, row in enumerate(rows, 1):
        doc = str(row.get("doc_id") or "")
        s = out.get(doc)
        if s is None:
            s = out[doc] = dict.fromkeys(SUMMARY_COLUMNS, 0)
            s["doc_id"] = doc
            for _, _, col in SUMS:
                s[col] = 0.0
        cat = row.get("category") or "other"
        s["indicators"] += 1
        s[cat if cat in CATEGORIES else "other"] += 1
        if cat in sums and row.get("unit") == sums[cat][0]:
            v = _value(row.get("value"), row.get("_where", f"row {n}"))
            if v is not None:
                s[sums[cat][1]] += v
    result = []
    for doc in sorted(out):
        s = out[doc]
        for _, _, col in SUMS:
            s[col] = _number(s[col])
        result.append(s)
    return result


def totals(summary: list[dict]) -> dict:
    """The column sums of a summary, doc_id 'total'."""
    t = {"doc_id": "total"}
    for col in SUMMARY_COLUMNS[1:]:
        t[col] = _number(sum(r[col] for r in summary))
    return t


# -- reading a table back ----------------------------------------------------------

def _check_columns(columns, name: str) -> None:
    missing = [c for c in NEEDED if c not in columns]
    if missing:
        raise TableError(f"{name}: not an indicators table (no column {', '.join(missing)})")


def _text_rows(text: str, name: str, delimiter: str) -> Iterator[dict]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    _check_columns(reader.fieldnames or (), name)
    for row in reader:
        # a table written with --excel has apostrophes before = + - @
        row = {k: excel_unsafe(v) for k, v in row.items()}
        row["_where"] = f"{name}:{reader.line_num}"
        yield row


def _jsonl_rows(text: str, name: str) -> Iterator[dict]:
    first = True
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            raise TableError(f"{name}:{n}: not a JSON record: {e}") from None
        if first:
            _check_columns(row, name)
            first = False
        row["_where"] = f"{name}:{n}"
        yield row


def _parquet_rows(path: Path) -> list[dict]:
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    _check_columns(names, str(path))
    return pq.read_table(path, columns=list(NEEDED)).to_pylist()


def _xlsx_rows(path: Path) -> list[dict]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb["indicators"] if "indicators" in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h) for h in next(rows, ())]
    _check_columns(header, f"{path} sheet {ws.title}")
    out = [dict(zip(header, r)) for r in rows]
    wb.close()
    return out


def find_table(path: Path) -> Path:
    """A folder written by --out-dir stands for its indicators table."""
    if not path.is_dir():
        return path
    for name in ("indicators.csv", "indicators.parquet", "reportmine.xlsx", "indicators.tsv", "indicators.jsonl"):
        if (path / name).is_file():
            return path / name
    raise TableError(f"{path}: holds no indicators table (indicators.csv, .parquet, .tsv, .jsonl or reportmine.xlsx)")


def read_indicators(source: str, stdin=None) -> list[dict]:
    """The rows of an indicators table in any format reportmine writes;
    '-' reads CSV or JSON lines from `stdin` (bytes)."""
    if source == "-":
        text = stdin.read().decode("utf-8-sig", errors="replace")
        if text.lstrip()[:1] == "{":
            return list(_jsonl_rows(text, "stdin"))
        return list(_text_rows(text, "stdin", ","))
    path = find_table(Path(source))
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return _parquet_rows(path)
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_rows(path)
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as e:
        raise TableError(f"{path}: cannot read: {e.strerror or e}") from None
    if suffix in (".jsonl", ".ndjson"):
        return list(_jsonl_rows(text, str(path)))
    return list(_text_rows(text, str(path), "\t" if suffix == ".tsv" else ","))


# -- a terminal table ----------------------------------------------------------------

def _shown(v, col: str = "") -> str:
    """A number as a reader scans it: thousands separated, money in 万 and 亿.

    >>> _shown(1513840000, "money_sum_cny"), _shown(49540000, "money_sum_cny"), _shown(1584.6478, "area_sum_ha")
    ('15.14亿', '4,954万', '1,584.6')
    """
    if col == "money_sum_cny" and abs(v) >= 1e8:
        return f"{v / 1e8:,.2f}亿"
    if col == "money_sum_cny" and abs(v) >= 1e4:
        return f"{v / 1e4:,.0f}万"
    if isinstance(v, float) and v != int(v):
        return f"{v:,.1f}"
    return f"{int(v):,}" if isinstance(v, (int, float)) else str(v)


def rich_table(summary: list[dict]):
    """A rich Table of the summary: categories no document has are left out,
    and a total row closes it."""
    from rich.table import Table

    cols = ["doc_id", "indicators"] + [c for c in CATEGORIES if any(r[c] for r in summary)] \
        + [col for _, _, col in SUMS]
    table = Table(show_footer=bool(summary))
    total = totals(summary)
    for c in cols:
        table.add_column(c, footer=_shown(total[c], c) if summary else "",
                         justify="left" if c == "doc_id" else "right", overflow="fold")
    for r in summary:
        table.add_row(*(_shown(r[c], c) for c in cols))
    return table
