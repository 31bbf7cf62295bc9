"""A batch run: inputs -> results in doc_id order -> tables written as they come.

The CLI builds a `RunOptions` and calls `run`; tests and notebooks can too.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import Lexicon, load_lexicon
from .model import DOCUMENT_COLUMNS, INDICATOR_COLUMNS, TERM_COLUMNS, DocResult, DocStatus, Source
from .pipeline import Options, process_source
from .read import DEFAULT_GLOBS, DEFAULT_MAX_BYTES, iter_sources, load_source
from .write import RowWriter, atomic_text

TABLES = ("indicators", "documents", "terms")
COLUMNS = {"indicators": INDICATOR_COLUMNS, "documents": DOCUMENT_COLUMNS, "terms": TERM_COLUMNS}


@dataclass(frozen=True)
class RunOptions:
    inputs: tuple = ()
    globs: tuple = DEFAULT_GLOBS
    table: str = "indicators"
    fmt: str = "csv"
    output: str | None = None          # -o FILE; None: stdout
    out_dir: str | None = None         # all tables side by side
    excel: bool = False
    lexicons: tuple = ()
    text_field: str = "text"
    id_field: str = "id"
    max_bytes: int = DEFAULT_MAX_BYTES
    top: int = 0
    extra: dict = field(default_factory=dict)


@dataclass
class RunSummary:
    inputs: int = 0
    ok: int = 0
    failed: list = field(default_factory=list)     # (path, status, error)
    indicators: int = 0
    bytes: int = 0

    @property
    def exit_code(self) -> int:
        if self.inputs and self.ok == 0 and self.failed:
            return 3
        return 1 if self.failed else 0


def list_sources(opts: RunOptions, stdin=None) -> list[Source]:
    """All inputs, sorted by doc_id (stable), as references to read later."""
    sources = list(iter_sources(opts.inputs, opts.globs, opts.text_field, opts.id_field, stdin=stdin))
    sources.sort(key=lambda s: s.doc_id)
    return sources


def process_all(sources: Iterable[Source], lex: Lexicon, options: Options, max_bytes: int) -> Iterator[DocResult]:
    for src in sources:
        yield process_source(load_source(src, max_bytes), lex, options)


def _doc_meta_columns(results_meta: list[str]) -> tuple:
    return DOCUMENT_COLUMNS + tuple(k for k in results_meta if k not in DOCUMENT_COLUMNS)


def run(opts: RunOptions, stdout=None, on_result: Callable[[DocResult], None] | None = None,
        stdin=None) -> RunSummary:
    """Run the extraction and write the asked tables; return what happened."""
    lex = load_lexicon(opts.lexicons)
    sources = list_sources(opts, stdin=stdin)
    meta_keys = list(dict.fromkeys(k for s in sources for k, _ in s.meta))
    columns = dict(COLUMNS, documents=_doc_meta_columns(meta_keys))
    tables = TABLES if opts.out_dir else (opts.table,)
    options = Options(terms="terms" in tables, top=opts.top, extra_lexicons=opts.lexicons)
    summary = RunSummary(inputs=len(sources))
    with ExitStack() as stack:
        writers = {}
        for t in tables:
            if opts.out_dir:
                Path(opts.out_dir).mkdir(parents=True, exist_ok=True)
                stream = stack.enter_context(atomic_text(Path(opts.out_dir) / f"{t}.{opts.fmt}"))
            elif opts.output:
                stream = stack.enter_context(atomic_text(opts.output))
            else:
                stream = stdout if stdout is not None else sys.stdout
            writers[t] = RowWriter(stream, columns[t], opts.fmt, opts.excel)
        for result in process_all(sources, lex, options, opts.max_bytes):
            doc = result.document
            if doc["status"] == DocStatus.OK.value:
                summary.ok += 1
            else:
                summary.failed.append((doc["path"], doc["status"], doc["error"]))
            summary.indicators += len(result.indicators)
            summary.bytes += int(doc.get("chars") or 0)
            if "indicators" in writers:
                for row in result.indicators:
                    writers["indicators"].write(row)
            if "documents" in writers:
                writers["documents"].write(doc)
            if "terms" in writers:
                for row in result.terms:
                    writers["terms"].write(row)
            if on_result is not None:
                on_result(result)
    return summary
