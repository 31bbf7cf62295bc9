"""Tables to bytes: CSV (the default), TSV and JSON lines, streamed row by row.

Files are written to a temporary name beside the target and renamed when
complete, so a reader never sees half a file and a failed run leaves the
previous output intact.

>>> import io; buf = io.StringIO(); w = RowWriter(buf, ("a", "b")); w.write({"a": 1, "b": None}); buf.getvalue()
'a,b\\r\\n1,\\r\\n'
"""
from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

TEXT_FORMATS = ("csv", "tsv", "jsonl")
INJECTION_LEADS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value):
    """OWASP: a text cell that starts with = + - @ gets a leading apostrophe.

    >>> excel_safe("=SUM(A1)"), excel_safe(-3), excel_safe("签约")
    ("'=SUM(A1)", -3, '签约')
    """
    if isinstance(value, str) and value.startswith(INJECTION_LEADS):
        return "'" + value
    return value


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    return v


class RowWriter:
    """Writes dict rows with a fixed column order to a text stream."""

    def __init__(self, stream, columns, fmt: str = "csv", excel: bool = False) -> None:
        self.stream = stream
        self.columns = tuple(columns)
        self.fmt = fmt
        self.excel = excel
        if fmt in ("csv", "tsv"):
            delim = "," if fmt == "csv" else "\t"
            # RFC 4180: CRLF line ends, quotes only where needed
            self.writer = csv.writer(stream, delimiter=delim, lineterminator="\r\n")
            if excel:
                stream.write("\ufeff")
            self.writer.writerow(self.columns)
        elif fmt != "jsonl":
            raise ValueError(f"unknown text format {fmt!r}")

    def write(self, row: dict) -> None:
        if self.fmt == "jsonl":
            rec = {c: row.get(c) for c in self.columns}
            self.stream.write(json.dumps(rec, ensure_ascii=False, allow_nan=False) + "\n")
            return
        cells = [_cell(row.get(c)) for c in self.columns]
        if self.excel:
            cells = [excel_safe(c) for c in cells]
        self.writer.writerow(cells)


@contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path beside `target`; rename it over `target` on success."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def atomic_text(target: str | os.PathLike):
    """A text stream (UTF-8, no newline translation) that replaces `target` when closed."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
