"""Tables to files: CSV (the default), TSV, JSON lines, Parquet and xlsx.

Text formats (csv, tsv, jsonl) are streamed row by row.  Parquet is streamed
too, in row groups of `PARQUET_ROW_GROUP` rows.  xlsx holds the first
`XLSX_WIDTH_SAMPLE` rows of each sheet in memory to size the columns, then
streams the rest (openpyxl's write-only mode).  pyarrow and openpyxl are
imported only when their format is asked for.

Files are written to a temporary name beside the target and renamed when
complete, so a reader never sees half a file and a failed run leaves the
previous output intact.

>>> import io; buf = io.StringIO(); w = RowWriter(buf, ("a", "b")); w.write({"a": 1, "b": None}); buf.getvalue()
'a,b\\n1,\\n'
"""
from __future__ import annotations

import csv
import glob
import io
import itertools
import json
import math
import os
import shutil
import tempfile
import time
import unicodedata
from contextlib import ExitStack, contextmanager
from pathlib import Path

TEXT_FORMATS = ("csv", "tsv", "jsonl")
BINARY_FORMATS = ("parquet", "xlsx")
FORMATS = TEXT_FORMATS + BINARY_FORMATS

# OWASP "CSV injection": a cell starting with one of these may be run as a
# formula by Excel, WPS or LibreOffice.
INJECTION_LEADS = ("=", "+", "-", "@", "\t", "\r")

# The type of each column in the typed formats (parquet, xlsx); a column not
# listed is text.  "category" becomes a dictionary column in Parquet, read by
# pandas as a Categorical.
COLUMN_TYPES = {
    "indicators": {
        "mention": "int", "value": "float", "value_max": "float", "start": "int", "end": "int",
        "category": "category", "unit": "category", "qualifier": "category", "change": "category",
    },
    "documents": {
        "chars": "int", "indicators": "int",
        "encoding": "category", "script": "category", "status": "category",
    },
    "terms": {"count": "int"},
}

PARQUET_ROW_GROUP = 50_000
XLSX_WIDTH_SAMPLE = 1000
XLSX_MAX_ROWS = 1_048_576          # Excel's limit, header included
XLSX_MAX_CELL = 32_767             # Excel's limit of characters in one cell
XLSX_MAX_WIDTH = 60

MSG_BINARY_TO_TERMINAL = ("{fmt} is a binary format: write it with -o FILE or --out-dir DIR, "
                          "or redirect stdout to a file")


def excel_safe(value):
    """OWASP: a text cell that starts with = + - @ gets a leading apostrophe.

    >>> excel_safe("=SUM(A1)"), excel_safe(-3), excel_safe("签约")
    ("'=SUM(A1)", -3, '签约')
    """
    if isinstance(value, str) and value.startswith(INJECTION_LEADS):
        return "'" + value
    return value


def excel_unsafe(value):
    """Undo `excel_safe` when reading back a table written with --excel.

    >>> excel_unsafe("'=SUM(A1)"), excel_unsafe("'a")
    ('=SUM(A1)', "'a")
    """
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1:2] in INJECTION_LEADS:
        return value[1:]
    return value


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, float) and not math.isfinite(v):
        return ""
    return v


def _json_value(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def table_file_name(table: str, fmt: str) -> str:
    """The file a table gets in --out-dir; xlsx puts every table in one workbook.

    >>> table_file_name("terms", "csv"), table_file_name("terms", "xlsx")
    ('terms.csv', 'reportmine.xlsx')
    """
    return "reportmine.xlsx" if fmt == "xlsx" else f"{table}.{fmt}"


class RowWriter:
    """Writes dict rows with a fixed column order to a text stream.

    CSV follows RFC 4180 (quotes only where needed, doubled inside) in UTF-8
    without a BOM and with LF line ends; `excel=True` adds the BOM, CRLF line
    ends and formula-safe cells, which is what Excel and WPS expect.
    """

    def __init__(self, stream, columns, fmt: str = "csv", excel: bool = False, header: bool = True) -> None:
        self.stream = stream
        self.columns = tuple(columns)
        self.fmt = fmt
        self.excel = excel
        if fmt in ("csv", "tsv"):
            delim = "," if fmt == "csv" else "\t"
            # the csv module quotes a field only for the characters of its
            # line terminator: with "\n" a lone "\r" would go out unquoted
            # and split the record, so rows are built with CRLF and re-ended
            self.line = io.StringIO(newline="")
            self.writer = csv.writer(self.line, delimiter=delim, lineterminator="\r\n")
            if excel and header:
                stream.write("\ufeff")
            if header:
                self._write_cells(self.columns)
        elif fmt != "jsonl":
            raise ValueError(f"unknown text format {fmt!r}")

    def write(self, row: dict) -> None:
        if self.fmt == "jsonl":
            rec = {c: _json_value(row.get(c)) for c in self.columns}
            line = json.dumps(rec, ensure_ascii=False, allow_nan=False)
            # JSON allows these raw, but line-based readers (str.splitlines,
            # JavaScript) take them for line ends
            line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            self.stream.write(line + "\n")
            return
        cells = [_cell(row.get(c)) for c in self.columns]
        if self.excel:
            cells = [excel_safe(c) for c in cells]
        self._write_cells(cells)

    def write_text(self, text: str) -> None:
        """Rows already written out by `render_rows` with this writer's settings."""
        self.stream.write(text)

    def _write_cells(self, cells) -> None:
        self.line.seek(0)
        self.line.truncate()
        self.writer.writerow(cells)
        text = self.line.getvalue()
        self.stream.write(text if self.excel else text[:-2] + "\n")

    def close(self) -> None:
        self.stream.flush()


TEXT_FORMATS = ("csv", "tsv", "jsonl")


def render_rows(rows, columns, fmt: str = "csv", excel: bool = False) -> str:
    """Rows as RowWriter writes them, without the header: worker processes
    write their documents' rows out themselves, and the parent only copies
    the text into the output.

    >>> render_rows([{"term": "签约", "count": 2}], ("term", "count"))
    '签约,2\\n'
    >>> render_rows([{"a": "1,2", "b": None}, {"a": "=x", "b": float("nan")}], ("a", "b"), excel=True).split("\\r\\n")
    ['"1,2",', "'=x,", '']
    """
    if fmt in ("csv", "tsv") and columns:
        return _render_delimited(rows, tuple(columns), "," if fmt == "csv" else "\t", excel)
    out = io.StringIO()
    w = RowWriter(out, columns, fmt, excel, header=False)
    for row in rows:
        w.write(row)
    return out.getvalue()


def _render_delimited(rows, columns: tuple, delim: str, excel: bool) -> str:
    """CSV or TSV lines as the csv module writes them (see _delimited_cell).

    The csv writer costs a few microseconds a row.  Here the cells are made
    a column at a time, mostly by C-level maps: a column of integers needs
    no quotes, a column of texts is looked at as a whole (the rows of a
    document repeat its id, the units and places, the sentence of several
    mentions), and only a column of mixed kinds goes cell by cell.
    """
    if not rows:
        return ""
    texts = []
    for col in columns:
        values = list(map(dict.get, rows, itertools.repeat(col)))
        kinds = set(map(type, values))
        if kinds == {int}:
            texts.append(map(str, values))
        elif kinds == {str}:
            joined = "".join(values)
            if excel or '"' in joined or delim in joined or "\n" in joined or "\r" in joined:
                written = {v: _delimited_cell(v, delim, excel) for v in set(values)}
                texts.append(map(written.__getitem__, values))
            else:
                texts.append(values)
        else:
            texts.append([str(v) if v.__class__ is int else "" if v is None else _delimited_cell(v, delim, excel)
                          for v in values])
    lines = list(map(delim.join, zip(*texts)))
    if len(columns) == 1:
        # a row of one empty cell is written as "" (an empty line is no row)
        lines = [line or '""' for line in lines]
    end = "\r\n" if excel else "\n"
    return end.join(lines) + end


def _delimited_cell(v, delim: str, excel: bool) -> str:
    """One cell as csv.writer writes it (quotes only where needed, doubled
    inside: RFC 4180) after `_cell` and, for Excel, `excel_safe`; a text
    with a \\r is quoted too, as the writer's CRLF line end makes it.

    >>> _delimited_cell('签约"率",', ",", False), _delimited_cell(212, ",", False), _delimited_cell("-3", ",", True)
    ('"签约""率"","', '212', "'-3")
    """
    v = _cell(v)
    if excel:
        v = excel_safe(v)
    # a text as the csv module takes it (the characters, not a subclass's str())
    text = str.__str__(v) if isinstance(v, str) else str(v)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if delim in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


# -- typed cells ---------------------------------------------------------------

def typed_value(v, kind: str):
    """A cell as its column type; empty text and non-finite numbers become None.

    >>> typed_value("3", "int"), typed_value(2, "float"), typed_value("", "category")
    (3, 2.0, None)
    """
    if v is None or v == "":
        return None
    if kind == "int":
        return int(v)
    if kind == "float":
        f = float(v)
        return f if math.isfinite(f) else None
    return v if isinstance(v, str) else str(v)


class ParquetWriter:
    """Typed columns in row groups: int64, float64, dictionary (category), string."""

    def __init__(self, path, columns, types: dict, row_group: int = PARQUET_ROW_GROUP) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.columns = tuple(columns)
        self.kinds = [types.get(c, "str") for c in self.columns]
        arrow = {"int": pa.int64(), "float": pa.float64(),
                 "category": pa.dictionary(pa.int32(), pa.string()), "str": pa.string()}
        self.schema = pa.schema([(c, arrow[k]) for c, k in zip(self.columns, self.kinds)])
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self.row_group = row_group
        self.buffer: list[list] = [[] for _ in self.columns]
        self.wrote = False

    def write(self, row: dict) -> None:
        for col, kind, cells in zip(self.columns, self.kinds, self.buffer):
            cells.append(typed_value(row.get(col), kind))
        if len(self.buffer[0]) >= self.row_group:
            self._flush()

    def _flush(self) -> None:
        pa = self.pa
        arrays = []
        for kind, cells, fld in zip(self.kinds, self.buffer, self.schema):
            if kind == "category":
                arrays.append(pa.array(cells, pa.string()).dictionary_encode())
            else:
                arrays.append(pa.array(cells, fld.type))
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.buffer = [[] for _ in self.columns]
        self.wrote = True

    def close(self) -> None:
        if self.buffer[0] or not self.wrote:
            self._flush()
        self.writer.close()


def display_width(text: str) -> int:
    """Columns a text takes on screen: Chinese characters count two.

    >>> display_width("ab"), display_width("签约")
    (2, 4)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _xlsx_text(s: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # control characters make a workbook Excel refuses to open; the cell limit
    # is Excel's, a longer value would be cut by Excel anyway
    s = ILLEGAL_CHARACTERS_RE.sub("", s)
    return s[:XLSX_MAX_CELL]


class XlsxSheet:
    """One table in a workbook: frozen bold header, columns sized to the content.

    A table longer than Excel's row limit continues on sheets named
    "table (2)", "table (3)" ...
    """

    def __init__(self, book, title: str, columns, types: dict) -> None:
        self.book = book
        self.title = title
        self.columns = tuple(columns)
        self.kinds = [types.get(c, "str") for c in self.columns]
        self.pending: list[list] | None = []
        # created now so that sheets keep the order of the tables
        self.sheet = book.create_sheet(title[:31])
        self.part = 0
        self.rows = 0

    def _open_sheet(self, sample: list[list]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.part += 1
        ws = self.sheet if self.part == 1 else self.book.create_sheet(f"{self.title[:24]} ({self.part})")
        for i, col in enumerate(self.columns):
            widths = [display_width(col)] + [display_width(str(r[i])) for r in sample if r[i] is not None]
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(widths) + 2, XLSX_MAX_WIDTH)
        ws.freeze_panes = "A2"
        header = []
        for col in self.columns:
            cell = WriteOnlyCell(ws, value=col)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        self.sheet, self.rows = ws, 1

    def _cells(self, row: dict) -> list:
        out = []
        for col, kind in zip(self.columns, self.kinds):
            v = typed_value(row.get(col), kind)
            if isinstance(v, str):
                v = _xlsx_text(v) or None
            out.append(v)
        return out

    def _append(self, cells: list) -> None:
        from openpyxl.cell import WriteOnlyCell

        if self.rows >= XLSX_MAX_ROWS:
            self._open_sheet([cells])
        row = []
        for v in cells:
            if isinstance(v, str) and v.startswith(INJECTION_LEADS):
                # OWASP: kept as text, never a formula; quotePrefix is how
                # Excel itself stores a cell typed with a leading apostrophe
                cell = WriteOnlyCell(self.sheet, value=v)
                cell.data_type = "s"
                cell.quotePrefix = True
                v = cell
            row.append(v)
        self.sheet.append(row)
        self.rows += 1

    def write(self, row: dict) -> None:
        cells = self._cells(row)
        if self.pending is None:
            self._append(cells)
            return
        self.pending.append(cells)
        if len(self.pending) >= XLSX_WIDTH_SAMPLE:
            self._drain()

    def _drain(self) -> None:
        pending, self.pending = self.pending or [], None
        self._open_sheet(pending)
        for cells in pending:
            self._append(cells)

    def close(self) -> None:
        if self.pending is not None:
            self._drain()


class XlsxBook:
    """A write-only openpyxl workbook; `sheet()` adds one table."""

    def __init__(self) -> None:
        import openpyxl

        self.wb = openpyxl.Workbook(write_only=True)
        self.sheets: list[XlsxSheet] = []

    def create_sheet(self, title: str):
        return self.wb.create_sheet(title)

    def sheet(self, table: str, columns, types: dict) -> XlsxSheet:
        s = XlsxSheet(self, table, columns, types)
        self.sheets.append(s)
        return s

    def save(self, path) -> None:
        for s in self.sheets:
            s.close()
        self.wb.save(str(path))


# -- atomic files ----------------------------------------------------------------

def _output_mode(target: Path) -> int:
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        pass
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path beside `target`; rename it over `target` on success."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    _remove_stale_parts(folder, target.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(fd)
    try:
        # mkstemp makes the file private (0600); the output gets the mode a
        # plain open() would give, or keeps the mode of the file it replaces
        os.chmod(tmp, _output_mode(target))
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


STALE_PART_SECONDS = 24 * 3600


def _remove_stale_parts(folder: Path, name: str) -> None:
    """A run killed with SIGKILL leaves its temporary file behind; a nightly
    job would pile them up. Parts of this output older than a day are gone."""
    cutoff = time.time() - STALE_PART_SECONDS
    try:
        for part in folder.glob(f".{glob.escape(name)}.*.part"):
            try:
                if part.stat().st_mtime < cutoff:
                    part.unlink()
            except OSError:
                pass
    except OSError:
        pass


@contextmanager
def atomic_text(target: str | os.PathLike):
    """A text stream (UTF-8, no newline translation) that replaces `target` when closed."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())


@contextmanager
def _binary_target(target, stdout):
    """A path to write a binary table to: beside `target` (atomic), or a
    temporary file copied to stdout when the run succeeds."""
    if target is not None:
        with atomic_path(target) as tmp:
            yield tmp
        return
    with tempfile.TemporaryDirectory(prefix="reportmine.") as d:
        tmp = Path(d) / "table"
        yield tmp
        stdout.flush()
        out = getattr(stdout, "buffer", stdout)
        with open(tmp, "rb") as f:
            shutil.copyfileobj(f, out)
        out.flush()


@contextmanager
def _parquet(target, stdout, columns, types):
    with _binary_target(target, stdout) as tmp:
        w = ParquetWriter(tmp, columns, types)
        yield w
        w.close()


@contextmanager
def _xlsx(target, stdout):
    with _binary_target(target, stdout) as tmp:
        book = XlsxBook()
        yield book
        book.save(tmp)


def open_writers(stack: ExitStack, tables, columns: dict, fmt: str = "csv", *, output=None,
                 out_dir=None, excel: bool = False, stdout=None) -> dict:
    """One writer per table, each with `write(row)`; closed (and files renamed
    into place) when `stack` exits without an error.

    `out_dir`: every table side by side (one workbook for xlsx); else
    `output`: one table to that file; else one table to `stdout`.

    >>> import io; from contextlib import ExitStack; out = io.StringIO()
    >>> with ExitStack() as st: open_writers(st, ["terms"], {"terms": ("term",)}, stdout=out)["terms"].write({"term": "签约"})
    >>> out.getvalue()
    'term\\n签约\\n'
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)

    def target(table):
        if out_dir is not None:
            return Path(out_dir) / table_file_name(table, fmt)
        return output

    writers = {}
    if fmt == "xlsx":
        # one workbook per file: --out-dir gathers all tables in one
        book = stack.enter_context(_xlsx(target(tables[0]), stdout))
        for t in tables:
            writers[t] = book.sheet(t, columns[t], COLUMN_TYPES.get(t, {}))
        return writers
    for t in tables:
        if fmt == "parquet":
            writers[t] = stack.enter_context(_parquet(target(t), stdout, columns[t], COLUMN_TYPES.get(t, {})))
            continue
        dest = target(t)
        stream = stack.enter_context(atomic_text(dest)) if dest is not None else stdout
        writers[t] = RowWriter(stream, columns[t], fmt, excel)
    return writers
