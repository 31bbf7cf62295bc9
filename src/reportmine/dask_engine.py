"""The same extraction on a Dask cluster (`--engine dask`).

    list inputs (driver) -> partitions of ~PARTITION documents
        -> Dask workers: read (local path or fsspec URL) + process_source each
        -> partitioned parquet written by the workers (--out-dir, --format parquet)
           or rows gathered to the driver in input order (every other format)

Each worker gets the lexicons through a worker plugin and keeps them and its
jieba tokenizer for as long as it lives (a replacement worker gets them
again). The unit of work is the same function a local run uses
(`parallel.process_ref`), so the tables are the same rows in the same order
(sorted by doc_id and mention) as a local run's. A document that fails is a
row with its status, as in a local run; a worker lost mid-run has its tasks
run again by Dask; a partition whose workers keep dying is retried one
document at a time, and a document that still kills its worker becomes a
`failed` row.

Needs the `dask` extra (`pip install 'reportmine[dask]'`); the workers need
reportmine installed too, and any fsspec driver of the paths (s3fs, ...).
"""
from __future__ import annotations

import logging
import os
import posixpath
import tempfile
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from .lexicon import Lexicon, load_lexicon
from .model import DocStatus, Source
from .parallel import Outcome, WorkSpec, died_outcome, process_ref
from .read import DEFAULT_GLOBS, HTML_SUFFIXES, clean_name
from .runner import Progress, RunOptions, RunSummary, list_sources, plan_tables, write_result

# Documents per Dask task: large enough that scheduling costs little (a task
# costs about a millisecond of scheduler time), small enough to spread work
# and to lose little when a worker dies.
PARTITION = 64
# Partitions in flight per worker while gathering rows to the driver: bounds
# what waits in cluster memory for an earlier, slower partition.
IN_FLIGHT_PER_WORKER = 4
PLUGIN_NAME = "reportmine-lexicon"

# Per worker process: lexicons by digest, set by the plugin.
_LEXICONS: dict[str, Lexicon] = {}


class LexiconPlugin(WorkerPlugin):
    """Ships the lexicons to every worker (and every replacement) and loads jieba once."""

    name = PLUGIN_NAME

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def setup(self, worker) -> None:
        from .segment import warm

        _LEXICONS[self.lexicon.digest] = self.lexicon
        warm(self.lexicon)


def worker_lexicon(digest: str, spec: WorkSpec) -> Lexicon:
    """The lexicon this worker holds for `digest` (loaded from the spec as a fallback)."""
    lex = _LEXICONS.get(digest)
    if lex is None:
        from .parallel import warm_worker
        lex = _LEXICONS.setdefault(digest, warm_worker(spec))
    return lex


def is_url(path: str) -> bool:
    """True for fsspec URLs (s3://bucket/x, hdfs://..., file:///x).

    >>> is_url("s3://bucket/reports"), is_url("reports/2023"), is_url("C:/x")
    (True, False, False)
    """
    head, sep, _ = path.partition("://")
    return bool(sep) and len(head) > 1 and head.replace("+", "").replace("-", "").isalnum()


# -- listing and reading fsspec paths ------------------------------------------

def list_url_sources(url: str, globs: tuple = DEFAULT_GLOBS) -> list[Source]:
    """Files under an fsspec URL (or the one file it names) as references.

    doc_id is the path relative to the folder, without extension, as for a
    local folder. The reference's `path` is the full URL; workers read it.
    """
    import fnmatch

    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    protocol = url.split("://", 1)[0]
    out = []
    if fs.isdir(root):
        root = root.rstrip("/")
        for p in sorted(fs.find(root)):
            name = posixpath.basename(p)
            if not any(fnmatch.fnmatch(name.lower(), g.lower()) for g in globs):
                continue
            rel = posixpath.relpath(p, root)
            out.append(_url_ref(f"{protocol}://{p}", posixpath.splitext(rel)[0]))
    else:
        out.append(_url_ref(url, posixpath.splitext(posixpath.basename(root))[0]))
    return out


def _url_ref(url: str, doc_id: str) -> Source:
    kind = "html" if posixpath.splitext(url)[1].lower() in HTML_SUFFIXES else "text"
    return Source(clean_name(doc_id), url, kind=kind)


def read_url(src: Source, max_bytes: int) -> Source:
    """The bytes behind an fsspec URL reference; errors become statuses."""
    import fsspec

    try:
        with fsspec.open(src.path, "rb") as f:
            data = f.read(max_bytes + 1)
    except (OSError, ValueError) as e:
        return Source(src.doc_id, src.path, status=DocStatus.UNREADABLE, error=str(e) or type(e).__name__,
                      kind=src.kind)
    if len(data) > max_bytes:
        return Source(src.doc_id, src.path, status=DocStatus.TOO_LARGE, size=len(data),
                      error=f"more than --max-bytes {max_bytes}", kind=src.kind)
    return Source(src.doc_id, src.path, data=data, size=len(data), kind=src.kind)


def list_inputs(opts: RunOptions, stdin=None) -> list[Source]:
    """Local inputs as a local run lists them; fsspec URLs through fsspec; sorted by doc_id."""
    local = tuple(i for i in opts.inputs if not is_url(i))
    sources = list_sources(replace(opts, inputs=local), stdin=stdin) if local else []
    for url in (i for i in opts.inputs if is_url(i)):
        sources.extend(list_url_sources(url, opts.globs))
    sources.sort(key=lambda s: s.doc_id)
    return sources


# -- the tasks -----------------------------------------------------------------

def process_partition(sources: list[Source], spec: WorkSpec, digest: str) -> list[Outcome]:
    """Every document of one partition, on a worker: read, then process_ref.

    >>> spec = WorkSpec()
    >>> [o.result.document["status"] for o in process_partition([Source("a", "a", text="212户")], spec, "")]
    ['ok']
    """
    lex = worker_lexicon(digest, spec)
    out = []
    for src in sources:
        if src.fs_path is None and src.data is None and src.text is None and src.status is None and is_url(src.path):
            src = read_url(src, spec.max_bytes)
        out.append(process_ref(src, lex, spec))
    return out


def write_partition(sources: list[Source], spec: WorkSpec, digest: str, index: int, out_dir: str,
                    tables: tuple, columns: dict) -> list[tuple]:
    """Process a partition on a worker and write it as part-NNNNNN.parquet of each table."""
    return write_part(process_partition(sources, spec, digest), index, out_dir, tables, columns)


def write_part(outcomes: list[Outcome], index: int, out_dir: str, tables: tuple, columns: dict) -> list[tuple]:
    """Rows of `outcomes` as one part of each table's parquet dataset.

    Returns what the driver needs for the summary: (document row, indicators, bytes).
    """
    from .write import COLUMN_TYPES, ParquetWriter

    for table in tables:
        target = posixpath.join(out_dir.rstrip("/"), table, part_name(index))
        with tempfile.TemporaryDirectory(prefix="reportmine.") as tmp:
            local = Path(tmp) / part_name(index)
            w = ParquetWriter(local, columns[table], COLUMN_TYPES.get(table, {}))
            for o in outcomes:
                write_result({table: w}, o.result)
            w.close()
            _put(local, target)
    return [(o.result.document, len(o.result.indicators), o.nbytes) for o in outcomes]


def part_name(index: int) -> str:
    """Part files sort in input order.

    >>> part_name(7)
    'part-000007.parquet'
    """
    return f"part-{index:06d}.parquet"


def _put(local: Path, target: str) -> None:
    """Move a finished part into place: a rename on a local disk, an upload elsewhere."""
    if is_url(target) and not target.startswith("file://"):
        import fsspec
        fs, path = fsspec.core.url_to_fs(target)
        fs.makedirs(posixpath.dirname(path), exist_ok=True)
        fs.put_file(str(local), path)
        return
    path = Path(target.removeprefix("file://"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    import shutil
    shutil.copyfile(local, tmp)
    os.replace(tmp, path)     # a retried task replaces the part whole


def _remove_stale_parts(out_dir: str, tables: tuple, count: int) -> None:
    """Parts of an earlier, larger run in the same folder are not part of this table."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(out_dir)
    keep = {part_name(i) for i in range(count)}
    for table in tables:
        folder = posixpath.join(root, table)
        if not fs.exists(folder):
            continue
        for p in fs.ls(folder, detail=False):
            name = posixpath.basename(p)
            if name.startswith("part-") and name.endswith(".parquet") and name not in keep:
                fs.rm(p)


# -- the driver ----------------------------------------------------------------

def partitions(sources: list[Source], size: int | None = None) -> list[list[Source]]:
    """Consecutive runs of `size` (default PARTITION) sources; the last may be shorter.

    >>> [len(p) for p in partitions([Source(str(i), "") for i in range(5)], 2)]
    [2, 2, 1]
    """
    size = size or PARTITION
    return [sources[i:i + size] for i in range(0, len(sources), size)]


def _cluster(opts: RunOptions, stack: ExitStack) -> Client:
    if opts.scheduler:
        return stack.enter_context(Client(opts.scheduler))
    cluster = stack.enter_context(LocalCluster(
        n_workers=max(1, opts.jobs), threads_per_worker=1, processes=True,
        host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=logging.WARNING))
    return stack.enter_context(Client(cluster))


def _wait(future, progress: Progress) -> None:
    while not future.done():
        progress.tick()
        time.sleep(0.05)


def _gather(client: Client, future, retry, progress: Progress):
    """A partition's result; when its workers kept dying, one task per document."""
    _wait(future, progress)
    try:
        return future.result()
    except Exception as e:  # KilledWorker and the like: narrow it down to the document
        return retry(e)


def run_dask(opts: RunOptions, stdout=None, on_result=None, stdin=None, progress: Progress | None = None,
             client: Client | None = None) -> RunSummary:
    """Run the extraction on a Dask cluster: `client`, else `opts.scheduler`, else a LocalCluster."""
    started = time.monotonic()
    progress = progress or Progress()
    lex = load_lexicon(opts.lexicons)
    sources = list_inputs(opts, stdin=stdin)
    tables, columns, options = plan_tables(opts, sources)
    spec = WorkSpec(opts.lexicons, options, opts.max_bytes)
    parts = partitions(sources)
    summary = RunSummary(inputs=len(sources))
    with ExitStack() as stack:
        if client is None:
            client = _cluster(opts, stack)
        client.register_plugin(LexiconPlugin(lex), name=PLUGIN_NAME)
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        summary.jobs = workers
        progress.start(len(sources), 0, workers)
        if opts.out_dir and opts.fmt == "parquet":
            _run_partitioned(client, parts, spec, lex.digest, opts, tables, columns, summary, progress, workers,
                             on_result)
        else:
            _run_gathered(client, parts, spec, lex.digest, opts, tables, columns, summary, progress,
                          workers, stdout, on_result, stack)
        summary.worker_peak_kb = sorted(client.run(_peak_kb).values())
    summary.seconds = time.monotonic() - started
    progress.finish(summary)
    return summary


def _peak_kb() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _one_by_one(client: Client, part: list[Source], spec: WorkSpec, digest: str, error) -> list[Outcome]:
    futures = [client.submit(process_partition, [src], spec, digest, pure=False) for src in part]
    out = []
    for src, f in zip(part, futures):
        try:
            out.extend(f.result())
        except Exception as e:
            out.append(died_outcome(src, f"{type(e).__name__}: {e}" if str(e) else type(e).__name__))
    return out


def _windowed(client, parts, submit, retry, progress, workers):
    """(part, result) in input order, at most workers * IN_FLIGHT_PER_WORKER partitions in flight."""
    window = workers * IN_FLIGHT_PER_WORKER
    queue: deque = deque()
    todo = iter(enumerate(parts))

    def submit_more() -> None:
        while len(queue) < window:
            item = next(todo, None)
            if item is None:
                return
            i, part = item
            queue.append((i, part, submit(i, part)))

    submit_more()
    while queue:
        i, part, future = queue.popleft()
        result = _gather(client, future, lambda e, i=i, p=part: retry(e, i, p), progress)
        future.release()
        submit_more()
        yield part, result


def _run_gathered(client, parts, spec, digest, opts, tables, columns, summary, progress, workers,
                  stdout, on_result, stack) -> None:
    import sys

    from .write import open_writers

    writers = open_writers(stack, tables, columns, opts.fmt, output=opts.output, out_dir=opts.out_dir,
                           excel=opts.excel, stdout=stdout if stdout is not None else sys.stdout)

    def submit(i, part):
        return client.submit(process_partition, part, spec, digest, pure=False)

    def retry(e, i, part):
        return _one_by_one(client, part, spec, digest, e)

    for _part, outcomes in _windowed(client, parts, submit, retry, progress, workers):
        for o in outcomes:
            summary.add(o.result, o.nbytes)
            write_result(writers, o.result)
            progress.advance(o.result, o.nbytes, False)
            if on_result is not None:
                on_result(o.result)


def _run_partitioned(client, parts, spec, digest, opts, tables, columns, summary, progress, workers,
                     on_result) -> None:
    from .model import DocResult

    def submit(i, part):
        return client.submit(write_partition, part, spec, digest, i, opts.out_dir, tables, columns, pure=False)

    def retry(e, i, part):
        # the part is written from the driver, with the documents' one-by-one outcomes
        return write_part(_one_by_one(client, part, spec, digest, e), i, opts.out_dir, tables, columns)

    for _part, rows in _windowed(client, parts, submit, retry, progress, workers):
        for document, n, nbytes in rows:
            result = DocResult(document)
            summary.add(result, nbytes, indicators=n)
            progress.advance(result, nbytes, False)
            if on_result is not None:
                on_result(result)
    _remove_stale_parts(opts.out_dir, tables, len(parts))
