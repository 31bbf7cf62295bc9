"""Inputs to `Source` values: folders, single files, JSONL/CSV corpora, stdin.

Every input becomes exactly one `Source` (a corpus, one per record); one that
cannot be read becomes a `Source` with a status and an error, never a silent
skip.

>>> [s.doc_id for s in iter_sources(["samples"])][:1]
['000_907f1bb4d4fe3f83']
"""
from __future__ import annotations

import csv
import fnmatch
import io
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from .model import DocStatus, Source

DEFAULT_GLOBS = ("*.txt", "*.md", "*.html", "*.htm")
CORPUS_SUFFIXES = (".jsonl", ".ndjson", ".csv")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def clean_name(name: str) -> str:
    """A path as printable text: undecodable bytes shown as U+FFFD.

    >>> clean_name("a\\udcff.txt")
    'a\\ufffd.txt'
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _doc_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    return clean_name(rel.with_suffix("").as_posix())


def _error_text(e: OSError) -> str:
    return e.strerror or str(e)


def file_ref(path: Path, doc_id: str) -> Source:
    """A file to be read later (by `load_source`, perhaps in a worker process)."""
    kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
    return Source(doc_id, clean_name(str(path)), kind=kind, fs_path=os.fsencode(path))


def load_source(src: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read the bytes of a file reference; anything else is returned as it is."""
    if src.fs_path is None or src.data is not None or src.status is not None:
        return src
    return read_file(Path(os.fsdecode(src.fs_path)), src.doc_id, max_bytes)


def read_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """One file to a Source; errors become statuses."""
    shown = clean_name(str(path))
    kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
    try:
        st = os.stat(path)
    except OSError as e:
        return Source(doc_id, shown, status=DocStatus.UNREADABLE, error=_error_text(e), kind=kind)
    if not stat.S_ISREG(st.st_mode):
        return Source(doc_id, shown, status=DocStatus.UNREADABLE, error="not a regular file", kind=kind)
    if st.st_size > max_bytes:
        return Source(doc_id, shown, status=DocStatus.TOO_LARGE, size=st.st_size, mtime=st.st_mtime,
                      error=f"{st.st_size} bytes is more than --max-bytes {max_bytes}", kind=kind)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return Source(doc_id, shown, status=DocStatus.UNREADABLE, error=_error_text(e), kind=kind)
    if len(data) > max_bytes:
        return Source(doc_id, shown, status=DocStatus.TOO_LARGE, size=len(data), mtime=st.st_mtime,
                      error=f"more than --max-bytes {max_bytes}", kind=kind)
    return Source(doc_id, shown, data=data, size=st.st_size, mtime=st.st_mtime, kind=kind)


def walk(root: Path, globs: tuple[str, ...]) -> Iterator[tuple[Path, str | None]]:
    """Files under root matching any glob, sorted, recursively; (path, error) pairs.

    Unreadable folders are reported as (folder, error); symlinked folders are
    followed once (a loop is not walked twice).
    """
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[tuple[Path, str | None]]:
        try:
            st = os.stat(folder)
        except OSError as e:
            yield folder, _error_text(e)
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            yield folder, _error_text(e)
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from visit(path)
            elif any(fnmatch.fnmatch(entry.name.lower(), g.lower()) for g in globs):
                yield path, None

    yield from visit(root)


def iter_sources(
    inputs: list[str] | tuple[str, ...],
    globs: tuple[str, ...] = DEFAULT_GLOBS,
    text_field: str = "text",
    id_field: str = "id",
    stdin=None,
) -> Iterator[Source]:
    """Every input as a Source, in a stable order: inputs as given, folders sorted.

    Files are yielded as references (no bytes yet); `load_source` reads them.
    """
    for item in inputs:
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read()
            yield from read_corpus_bytes(data, "-", "stdin", text_field, id_field)
            continue
        path = Path(item)
        if path.is_dir():
            for p, err in walk(path, globs):
                doc_id = _doc_id(p, path) if p != path else clean_name(p.name)
                if err is not None:
                    yield Source(doc_id, clean_name(str(p)), status=DocStatus.UNREADABLE, error=err)
                elif p.suffix.lower() in CORPUS_SUFFIXES and not any(
                        fnmatch.fnmatch(p.name.lower(), g.lower()) for g in DEFAULT_GLOBS):
                    yield from read_corpus(p, text_field, id_field, prefix=_doc_id(p, path))
                else:
                    yield file_ref(p, doc_id)
        elif path.suffix.lower() in CORPUS_SUFFIXES and path.is_file():
            yield from read_corpus(path, text_field, id_field)
        else:
            yield file_ref(path, _doc_id(path, None))


def read_corpus(path: Path, text_field: str, id_field: str, prefix: str = "") -> Iterator[Source]:
    """A .jsonl or .csv file with one article per record."""
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Source(prefix or clean_name(path.stem), clean_name(str(path)),
                     status=DocStatus.UNREADABLE, error=_error_text(e))
        return
    fmt = "csv" if path.suffix.lower() == ".csv" else "jsonl"
    yield from read_corpus_bytes(data, clean_name(str(path)), fmt, text_field, id_field)


def read_corpus_bytes(data: bytes, shown: str, fmt: str, text_field: str, id_field: str) -> Iterator[Source]:
    """Records of a JSONL or CSV export; `fmt` 'stdin' sniffs which one it is."""
    text = data.decode("utf-8-sig", errors="replace")
    if fmt == "stdin":
        first = text.lstrip()[:1]
        fmt = "jsonl" if first in ("{", "") else "csv"
    if fmt == "jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("a record must be a JSON object")
            except ValueError as e:
                yield Source(f"line{n}", f"{shown}:{n}", status=DocStatus.UNREADABLE,
                             error=f"line {n}: not a JSON record: {e}")
                continue
            yield _record_source(rec, n, shown, text_field, id_field)
    else:
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""))
            for n, rec in enumerate(reader, 2):
                yield _record_source(rec, n, shown, text_field, id_field)
        except csv.Error as e:
            yield Source(f"{shown}", shown, status=DocStatus.UNREADABLE, error=f"CSV: {e}")


def _record_source(rec: dict, n: int, shown: str, text_field: str, id_field: str) -> Source:
    doc_id = str(rec.get(id_field) or f"record{n}")
    meta = tuple((str(k), "" if v is None else str(v)) for k, v in rec.items() if k not in (text_field, id_field))
    value = rec.get(text_field)
    if value is None:
        return Source(doc_id, f"{shown}:{n}", status=DocStatus.UNREADABLE,
                      error=f"record has no field {text_field!r}", meta=meta)
    return Source(doc_id, f"{shown}:{n}", text=str(value), size=len(str(value).encode()), meta=meta)
