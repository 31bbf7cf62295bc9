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
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from .model import DocStatus, Source

DEFAULT_GLOBS = ("*.txt", "*.md", "*.html", "*.htm")
CORPUS_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
# Larger files are not read (status too_large).  Extraction runs at about
# 0.3-0.5 MB of Chinese text a second, so 10 MiB (a book) is half a minute.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_UNPRINTABLE = {i: f"\\x{i:02x}" for i in (*range(0x20), 0x7F)} | {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def clean_name(name: str) -> str:
    """A path as one printable line: bytes that are not UTF-8 as \\xNN, control characters escaped.

    So a file name with a line break or an undecodable byte still makes one
    line on stderr and a doc_id that tells it from its neighbours.

    >>> print(clean_name("a\\udcff\\nb.txt"))
    a\\xff\\nb.txt
    """
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name.translate(_UNPRINTABLE) if not name.isprintable() else name


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


NOT_A_FILE_ERROR = "not a regular file ({kind})"
TOO_LARGE_ERROR = "{size} bytes, more than --max-bytes {max_bytes}"


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "special file"


def read_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """One file to a Source; errors become statuses.

    The file is opened without blocking and checked through its descriptor,
    so a FIFO, a device or a file swapped for one after listing never hangs
    the run, and at most max_bytes + 1 bytes are ever read.

    >>> read_file(Path("."), "here").error
    'not a regular file (a folder)'
    """
    shown = clean_name(str(path))
    kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"

    def bad(status: DocStatus, error: str, size: int = 0, mtime: float = 0.0) -> Source:
        return Source(doc_id, shown, status=status, error=error, kind=kind, size=size, mtime=mtime)

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        return bad(DocStatus.UNREADABLE, _error_text(e))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return bad(DocStatus.UNREADABLE, NOT_A_FILE_ERROR.format(kind=_file_kind(st.st_mode)))
        if st.st_size > max_bytes:
            return bad(DocStatus.TOO_LARGE, TOO_LARGE_ERROR.format(size=st.st_size, max_bytes=max_bytes),
                       st.st_size, st.st_mtime)
        with os.fdopen(fd, "rb", closefd=False) as f:
            # a read of max_bytes + 1 allocates that much first (a mapping
            # of megabytes for a file of kilobytes): the size fstat gave
            # is read, and the rest only if the file grew since
            data = f.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += f.read(max_bytes + 1 - len(data))
    except OSError as e:
        return bad(DocStatus.UNREADABLE, _error_text(e))
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return bad(DocStatus.TOO_LARGE, TOO_LARGE_ERROR.format(size=f"{len(data) - 1}+", max_bytes=max_bytes),
                   len(data), st.st_mtime)
    return Source(doc_id, shown, data=data, size=len(data), mtime=st.st_mtime, kind=kind)


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
    """A .jsonl or .csv file with one article per record.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "x.jsonl"; _ = p.write_text('{"id": "a", "text": "212户"}')
    >>> [(s.doc_id, s.text) for s in read_corpus(p, "text", "id")]
    [('a', '212户')]
    """
    name = prefix or clean_name(path.stem)
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Source(name, clean_name(str(path)), status=DocStatus.UNREADABLE, error=_error_text(e))
        return
    fmt = "csv" if path.suffix.lower() == ".csv" else "jsonl"
    yield from read_corpus_bytes(data, clean_name(str(path)), fmt, text_field, id_field, name=name)


# Columns of the documents table that reportmine computes; a record field of
# the same name is kept as record_<name> so it cannot overwrite them.
COMPUTED_FIELDS = ("doc_id", "path", "encoding", "script", "chars", "indicators", "status", "error")
# Columns reportmine guesses from the text; a non-empty record field wins.
GUESSED_FIELDS = ("title", "date", "publisher", "place")


def _decode_corpus(data: bytes) -> str:
    from .decode import decode_bytes

    try:
        text = decode_bytes(data).text
    except ValueError:  # no supported encoding reads it all: keep what UTF-8 can
        text = data.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff")


def sniff_corpus(text: str, text_field: str) -> str:
    """What stdin holds: 'jsonl', 'json' (an array of records), 'csv' (a
    header naming the text field) or 'text' (one article).

    >>> sniff_corpus('{"text": "a"}', "text"), sniff_corpus("id,text\\n1,a", "text"), sniff_corpus("完成签约212户", "text")
    ('jsonl', 'csv', 'text')
    """
    head = text.lstrip()[:1]
    if head == "{":
        return "jsonl"
    if head == "[":
        return "json"
    first = text.split("\n", 1)[0]
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:
        header = []
    return "csv" if text_field in (h.strip() for h in header) else "text"


def read_corpus_bytes(data: bytes, shown: str, fmt: str, text_field: str, id_field: str,
                      name: str | None = None) -> Iterator[Source]:
    """Records of a JSONL, JSON-array or CSV export; `fmt` 'stdin' sniffs which
    one it is, and stdin that is none of them is one article.

    Every record becomes one Source, a broken one too (status unreadable,
    with its line number), so nothing in the corpus goes missing.

    >>> [s.doc_id for s in read_corpus_bytes(b'{"id": 7, "text": "a"}\\n{"text": "b"}', "x.jsonl", "jsonl", "text", "id")]
    ['7', 'x/2']
    """
    if name is None:
        name = "stdin" if shown == "-" else clean_name(Path(shown).stem)
    text = _decode_corpus(data)
    if fmt == "stdin":
        fmt = sniff_corpus(text, text_field)
        if fmt == "text":
            yield Source("stdin", shown, data=data, size=len(data))
            return
    if fmt == "jsonl" and text.lstrip()[:1] == "[":
        fmt = "json"
    if fmt == "json":
        yield from _json_array_records(text, shown, name, text_field, id_field)
    elif fmt == "jsonl":
        # JSON strings may hold U+2028 and other characters that
        # str.splitlines() takes for line ends: split on LF only
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("a record must be a JSON object")
            except ValueError as e:
                yield Source(f"{name}/{n}", f"{shown}:{n}", status=DocStatus.UNREADABLE,
                             error=f"line {n}: not a JSON record: {e}")
                continue
            yield _record_source(rec, n, shown, text_field, id_field, name)
    else:
        yield from _csv_records(text, shown, name, text_field, id_field)


def _json_array_records(text: str, shown: str, name: str, text_field: str, id_field: str) -> Iterator[Source]:
    try:
        records = json.loads(text)
        if not isinstance(records, list):
            raise ValueError("expected an array of records")
    except ValueError as e:
        yield Source(name, shown, status=DocStatus.UNREADABLE, error=f"not a JSON array of records: {e}")
        return
    for n, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            yield Source(f"{name}/{n}", f"{shown}#{n}", status=DocStatus.UNREADABLE,
                         error=f"record {n}: a record must be a JSON object")
            continue
        yield _record_source(rec, n, shown, text_field, id_field, name, sep="#")


def _csv_records(text: str, shown: str, name: str, text_field: str, id_field: str) -> Iterator[Source]:
    # an article is often longer than the csv module's default field limit (128 KiB)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    n = 1
    try:
        for rec in reader:
            n = reader.line_num
            rec.pop(None, None)      # cells beyond the header
            yield _record_source(rec, n, shown, text_field, id_field, name)
    except csv.Error as e:
        yield Source(f"{name}/{reader.line_num}", f"{shown}:{reader.line_num}", status=DocStatus.UNREADABLE,
                     error=f"line {reader.line_num}: CSV: {e}; the records after it are not read")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _meta_value(v) -> str:
    """A record field as text; a lone surrogate (JSON allows "\\ud800") becomes U+FFFD.

    Such a character cannot be written as UTF-8 and would stop the whole run.

    >>> _meta_value("a\\ud800"), _meta_value(["x", 1]), _meta_value(None)
    ('a\ufffd', '["x", 1]', '')
    """
    if v is None:
        return ""
    if not isinstance(v, str):
        v = json.dumps(v, ensure_ascii=False)
    return _SURROGATE_RE.sub("\ufffd", v) if not v.isascii() else v


def _record_meta(rec: dict, text_field: str, id_field: str) -> tuple[tuple[str, str], ...]:
    """The record's other fields, for the documents table.

    >>> _record_meta({"id": 1, "text": "a", "status": "draft", "url": "u", "title": ""}, "text", "id")
    (('record_status', 'draft'), ('url', 'u'))
    """
    out = []
    for k, v in rec.items():
        k = _meta_value(str(k))
        if k in (text_field, id_field):
            continue
        v = _meta_value(v)
        if k in COMPUTED_FIELDS:
            k = f"record_{k}"
        elif k in GUESSED_FIELDS and not v.strip():
            continue
        out.append((k, v))
    return tuple(out)


def _record_source(rec: dict, n: int, shown: str, text_field: str, id_field: str,
                   name: str = "record", sep: str = ":") -> Source:
    """One corpus record; `n` is its line (JSONL, CSV) or its position (JSON array).

    >>> _record_source({"id": 0, "text": "212户", "url": "u"}, 3, "x.jsonl", "text", "id", "x").doc_id
    '0'
    """
    ident = rec.get(id_field)
    ident = "" if ident is None else _meta_value(ident).strip()
    doc_id = ident or f"{name}/{n}"
    meta = _record_meta(rec, text_field, id_field)
    where = f"{shown}{sep}{n}"
    value = rec.get(text_field)
    if value is None:
        fields = ", ".join(str(k) for k in rec) or "none"
        return Source(doc_id, where, status=DocStatus.UNREADABLE, meta=meta,
                      error=f"record has no field {text_field!r} (its fields: {fields}); choose one with --text-field")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "\n".join(value)     # an article given as a list of paragraphs
    else:
        text = _meta_value(value)
    return Source(doc_id, where, text=text, size=len(text.encode("utf-8", "surrogatepass")), meta=meta)
