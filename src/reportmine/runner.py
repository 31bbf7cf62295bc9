"""A batch run: inputs -> results in doc_id order -> tables written as they come.

    list inputs (sorted by doc_id) -> [--state: keep what is unchanged]
        -> worker processes (parallel.map_sources) -> rows written in order

The CLI builds a `RunOptions` and calls `run`; tests and notebooks can too.
Whatever the number of jobs, and whether rows come fresh or from the state,
the tables are the same, byte for byte.

>>> s = run(RunOptions(inputs=("samples",), output="/dev/null"))
>>> s.inputs == s.ok, s.exit_code
(True, 0)
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field

from . import __version__
from .lexicon import Lexicon, load_lexicon
from .model import DOCUMENT_COLUMNS, INDICATOR_COLUMNS, TERM_COLUMNS, DocResult, DocStatus, Source
from .parallel import Outcome, PoolStats, WorkerPool, WorkSpec, content_hash, map_sources
from .pipeline import Options, process_source
from .read import DEFAULT_GLOBS, DEFAULT_MAX_BYTES, iter_sources, load_source
from .write import TEXT_FORMATS, open_writers

TABLES = ("indicators", "documents", "terms")
COLUMNS = {"indicators": INDICATOR_COLUMNS, "documents": DOCUMENT_COLUMNS, "terms": TERM_COLUMNS}
ENGINES = ("local", "dask")
DEFAULT_DOC_TIMEOUT = 60.0


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
    jobs: int = 1                      # worker processes (CLI default: every core)
    doc_timeout: float = 0.0           # seconds per document; 0: no limit (CLI default: 60)
    state: str | None = None           # SQLite file of an incremental run
    engine: str = "local"              # local | dask
    scheduler: str | None = None       # dask scheduler address; None: a LocalCluster
    extra: dict = field(default_factory=dict)


@dataclass
class RunSummary:
    inputs: int = 0
    ok: int = 0
    failed: list = field(default_factory=list)     # (path, status, error)
    indicators: int = 0
    bytes: int = 0                                 # bytes of input read (not counting reused inputs)
    reused: int = 0                                # inputs whose rows came from --state
    dropped: int = 0                               # state entries of inputs that are gone
    invalidated: bool = False                      # the state was emptied (lexicons or version changed)
    seconds: float = 0.0
    jobs: int = 1
    worker_peak_kb: list = field(default_factory=list)
    workers_replaced: int = 0

    @property
    def exit_code(self) -> int:
        if self.inputs and self.ok == 0 and self.failed:
            return 3
        return 1 if self.failed else 0

    def add(self, result: DocResult, nbytes: int, indicators: int | None = None) -> None:
        """Count one input; `indicators` when the rows themselves are elsewhere."""
        doc = result.document
        if doc["status"] == DocStatus.OK.value:
            self.ok += 1
        else:
            self.failed.append((doc["path"], doc["status"], doc["error"]))
        self.indicators += len(result.indicators) if indicators is None else indicators
        self.bytes += nbytes


class Progress:
    """What a run reports as it goes; the CLI passes a terminal or log reporter.

    The base class reports nothing.
    """

    def start(self, inputs: int, reused: int, jobs: int) -> None:
        """Called once the inputs are listed and the state consulted."""

    def advance(self, result: DocResult, nbytes: int, reused: bool) -> None:
        """Called for every input, in output order."""

    def tick(self) -> None:
        """Called a few times a second while waiting for workers."""

    def finish(self, summary: RunSummary) -> None:
        """Called once the tables are complete."""


def list_sources(opts: RunOptions, stdin=None) -> list[Source]:
    """All inputs, sorted by doc_id (stable), as references to read later."""
    sources = list(iter_sources(opts.inputs, opts.globs, opts.text_field, opts.id_field, stdin=stdin))
    sources.sort(key=lambda s: s.doc_id)
    return sources


def process_all(sources: Iterable[Source], lex: Lexicon, options: Options, max_bytes: int) -> Iterator[DocResult]:
    """Results one by one in this process (the sequential reference)."""
    for src in sources:
        yield process_source(load_source(src, max_bytes), lex, options)


def _doc_meta_columns(results_meta: list[str]) -> tuple:
    return DOCUMENT_COLUMNS + tuple(k for k in results_meta if k not in DOCUMENT_COLUMNS)


def plan_tables(opts: RunOptions, sources: list[Source]) -> tuple[tuple, dict, Options]:
    """Which tables to write, their columns, and what the pipeline must compute."""
    meta_keys = list(dict.fromkeys(k for s in sources for k, _ in s.meta))
    columns = dict(COLUMNS, documents=_doc_meta_columns(meta_keys))
    return _tables(opts), columns, pipeline_options(opts)


def _tables(opts: RunOptions) -> tuple:
    return TABLES if opts.out_dir else (opts.table,)


def pipeline_options(opts: RunOptions) -> Options:
    """What process_source must compute for the tables asked for."""
    return Options(terms="terms" in _tables(opts), top=opts.top, extra_lexicons=opts.lexicons)


def write_result(writers: dict, result: DocResult, rendered: tuple = ()) -> None:
    """One input's rows into the open table writers; `rendered`: (table, text)
    for tables whose rows a worker has written out already."""
    done = dict(rendered)
    for table, rows in (("indicators", result.indicators), ("terms", result.terms)):
        if table not in writers:
            continue
        if table in done:
            writers[table].write_text(done[table])
        else:
            for row in rows:
                writers[table].write(row)
    if "documents" in writers:
        writers["documents"].write(result.document)


def render_spec(opts: RunOptions) -> tuple:
    """The tables that workers write out themselves: those of fixed columns,
    in a text format (see write.render_rows)."""
    if opts.fmt not in TEXT_FORMATS:
        return ()
    return tuple((t, COLUMNS[t], opts.fmt, opts.excel) for t in _tables(opts) if t in ("indicators", "terms"))


def run(opts: RunOptions, stdout=None, on_result: Callable[[DocResult], None] | None = None,
        stdin=None, progress: Progress | None = None) -> RunSummary:
    """Run the extraction and write the asked tables; return what happened.

    Raises state.StateBusy when another run holds `opts.state`.
    """
    if opts.engine == "dask":
        from .dask_engine import run_dask
        return run_dask(opts, stdout=stdout, on_result=on_result, stdin=stdin, progress=progress)
    if opts.engine != "local":
        raise ValueError(f"unknown engine {opts.engine!r}; one of {', '.join(ENGINES)}")
    started = time.monotonic()
    progress = progress or Progress()
    lex = load_lexicon(opts.lexicons)
    spec = WorkSpec(opts.lexicons, pipeline_options(opts), opts.max_bytes, digest=opts.state is not None,
                    render=render_spec(opts), keep_rendered_rows=opts.state is not None or on_result is not None)
    jobs = max(1, opts.jobs)
    stats = PoolStats()
    with ExitStack() as stack:
        store = None
        if opts.state is not None:
            # first: a second run on the same state stops before doing anything
            from .state import fingerprint, open_state
            store = stack.enter_context(open_state(opts.state, fingerprint(__version__, lex.digest, opts.max_bytes)))
        pool = None
        if jobs > 1 or opts.doc_timeout:
            # workers start before the inputs are listed: they do not carry the list
            pool = stack.enter_context(WorkerPool(spec, jobs, opts.doc_timeout, stats))
        sources = list_sources(opts, stdin=stdin)
        tables, columns, options = plan_tables(opts, sources)
        summary = RunSummary(inputs=len(sources), jobs=jobs, invalidated=store is not None and store.invalidated)
        writers = open_writers(stack, tables, columns, opts.fmt, output=opts.output, out_dir=opts.out_dir,
                               excel=opts.excel, stdout=stdout if stdout is not None else sys.stdout)
        reuse = [False] * len(sources) if store is None else plan_reuse(sources, store, options)
        progress.start(len(sources), sum(reuse), jobs)
        fresh = (s for s, r in zip(sources, reuse) if not r)
        outcomes = pool.map(fresh, progress.tick) if pool is not None else map_sources(fresh, spec)
        for src, reused in zip(sources, reuse):
            if reused:
                result = store.rows(src.path, src.doc_id)
                nbytes = store.lookup(src.path, src.doc_id).size
                summary.reused += 1
            else:
                outcome = next(outcomes)
                result, nbytes, rendered = outcome.result, outcome.nbytes, outcome.rendered
                if store is not None and outcome.sha256:
                    store.save(_entry(src, outcome, options), result)
            summary.add(result, 0 if reused else nbytes, indicators=result.document["indicators"])
            write_result(writers, result, () if reused else rendered)
            progress.advance(result, nbytes, reused)
            if on_result is not None:
                on_result(result)
        for _ in outcomes:      # nothing left: let the pool stop its workers
            pass
        if store is not None:
            summary.dropped = store.keep_only((s.path, s.doc_id) for s in sources if _storable(s))
    summary.seconds = time.monotonic() - started
    summary.worker_peak_kb = stats.worker_peak_kb
    summary.workers_replaced = stats.replaced
    progress.finish(summary)
    return summary


# -- incremental runs ------------------------------------------------------------

def _storable(src: Source) -> bool:
    """Files and corpus records have a content to compare; listing errors do not."""
    return src.status is None and (src.fs_path is not None or src.text is not None)


def _entry(src: Source, outcome: Outcome, options: Options):
    from .state import Entry
    return Entry(src.path, src.doc_id, outcome.size, outcome.mtime, outcome.sha256,
                 options.top if options.terms else None, outcome.read_at)


def plan_reuse(sources: list[Source], store, options: Options) -> list[bool]:
    """For each source: True when the state holds its rows for the current content.

    A file is unchanged when its size and mtime are those stored (and it was
    not modified within the same moment it was read); a file with a new mtime
    but the same size is read and compared by content, so `touch` or a copy
    with the same bytes costs a read, not a run of the pipeline.
    """
    plan = []
    for src in sources:
        entry = store.lookup(src.path, src.doc_id) if _storable(src) else None
        if entry is None or (options.terms and entry.terms_top != options.top):
            plan.append(False)
        elif src.fs_path is not None:
            plan.append(_file_unchanged(src, entry, store))
        else:
            plan.append(content_hash(src) == entry.sha256)
    return plan


def _file_unchanged(src: Source, entry, store) -> bool:
    from .state import is_unchanged

    try:
        st = os.stat(src.fs_path)
    except OSError:
        return False
    if is_unchanged(entry, st.st_size, st.st_mtime):
        return True
    if st.st_size != entry.size:
        return False
    try:
        with open(src.fs_path, "rb") as f:
            data = f.read()
    except OSError:
        return False
    if content_hash(Source(src.doc_id, src.path, data=data)) != entry.sha256:
        return False
    store.touch(entry, st.st_size, st.st_mtime)
    return True
