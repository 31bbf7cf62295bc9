"""Documents through worker processes, results back in input order.

    sources (in order) -> batches -> N workers (read + process_source) -> results (same order)

Each worker loads the lexicons and jieba once and then reads and processes
the documents it is sent. The parent keeps a bounded window of documents in
flight and hands results on in input order as soon as they are ready, so
memory stays flat however many documents there are, and the output is the
same with 1 or N workers.

A document that takes longer than the time limit becomes a `timeout` row:
its worker is killed and replaced, and the batch goes on. A worker that dies
(killed from outside, out of memory) is replaced and its document retried
once, then reported as `failed`.

>>> from reportmine.model import Source
>>> spec = WorkSpec()
>>> [o.result.document["status"] for o in map_sources([Source("a", "a", text="完成签约212户")], spec, jobs=1)]
['ok']
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait

from .lexicon import Lexicon, load_lexicon
from .model import DocResult, DocStatus, Source
from .pipeline import Options, failed, process_source
from .read import DEFAULT_MAX_BYTES, load_source
from .write import render_rows

# Documents handed to a worker at once: enough to keep it busy between two
# round trips, few enough that a timeout or a crash redoes little.
BATCH = 4
# Documents in flight per worker (sent and not yet written out). This bounds
# the memory of the parent: at most jobs * WINDOW_PER_JOB results wait for an
# earlier, slower document.
WINDOW_PER_JOB = 32
# How often a worker with nothing to do checks that its parent is alive.
PARENT_CHECK_SECONDS = 1.0

# A worker that dies before it is ready (cannot load the lexicons) is not
# restarted forever.
MAX_FAILED_STARTS = 3

TIMEOUT_ERROR = "took longer than --doc-timeout {seconds:g} s"
START_ERROR = "worker processes die before they start ({n} times, last: {how})"
DIED_ERROR = "the worker process reading it died ({how}); retried once"


@dataclass(frozen=True)
class WorkSpec:
    """What every worker needs to process a document (picklable, small)."""

    lexicons: tuple = ()          # extra lexicon folders, as given to load_lexicon
    options: Options = field(default_factory=Options)
    max_bytes: int = DEFAULT_MAX_BYTES
    digest: bool = False          # compute the content hash (for --state)
    # tables whose rows the worker writes out itself: (table, columns, format, excel)
    render: tuple = ()
    # send those tables' rows back too (for --state and callers that read rows)
    keep_rendered_rows: bool = True


@dataclass(frozen=True)
class Outcome:
    """One processed input: its result and what was read to make it."""

    result: DocResult
    nbytes: int = 0               # bytes read (or text size of a corpus record)
    size: int = 0                 # file size and mtime as seen when reading
    mtime: float = 0.0
    sha256: str = ""              # content hash when WorkSpec.digest, else ''
    read_at: float = 0.0          # when it was read (seconds since the epoch)
    rendered: tuple = ()          # (table, text) for each table of WorkSpec.render


def content_hash(src: Source) -> str:
    """sha256 of what a source holds: the bytes of a file, the UTF-8 of a record.

    >>> content_hash(Source("a", "a", data=b"abc"))[:12]
    'ba7816bf8f01'
    """
    if src.data is not None:
        return hashlib.sha256(src.data).hexdigest()
    if src.text is not None:
        return hashlib.sha256(src.text.encode("utf-8", "surrogatepass")).hexdigest()
    return ""


def process_ref(src: Source, lex: Lexicon, spec: WorkSpec) -> Outcome:
    """Read a source (a file reference is read here, in the worker) and process it.

    >>> process_ref(Source("a", "a", text="完成签约212户"), load_lexicon(), WorkSpec()).result.indicators[0]["value"]
    212
    """
    read_at = time.time()
    loaded = load_source(src, spec.max_bytes)
    result = process_source(loaded, lex, spec.options)
    if loaded.data is not None:
        nbytes = len(loaded.data)
    elif loaded.text is not None:
        nbytes = loaded.size or len(loaded.text.encode("utf-8", "surrogatepass"))
    else:
        nbytes = 0
    sha = content_hash(loaded) if spec.digest else ""
    rendered = tuple((table, render_rows(getattr(result, table), columns, fmt, excel))
                     for table, columns, fmt, excel in spec.render)
    if rendered and not spec.keep_rendered_rows:
        # the text is all the parent needs: no rows to pickle and unpickle
        result = replace(result, **{table: () for table, _ in rendered})
    return Outcome(result, nbytes, loaded.size, loaded.mtime, sha, read_at, rendered)


def timeout_outcome(src: Source, seconds: float) -> Outcome:
    return Outcome(failed(src, DocStatus.TIMEOUT, TIMEOUT_ERROR.format(seconds=seconds)))


def died_outcome(src: Source, how: str) -> Outcome:
    return Outcome(failed(src, DocStatus.FAILED, DIED_ERROR.format(how=how)))


def default_jobs() -> int:
    """The cores this process may use (cgroup/affinity aware where the OS says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def warm_worker(spec: WorkSpec) -> Lexicon:
    """Load the lexicons and jieba now, once per process."""
    from .segment import warm

    lex = load_lexicon(spec.lexicons)
    warm(lex)
    return lex


# -- the worker process ------------------------------------------------------

def _worker_main(conn, spec: WorkSpec, parent_pid: int) -> None:
    """Loop: receive a batch, send one message per processed document."""
    import resource
    import signal

    # Ctrl-C reaches the whole process group: the parent decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        lex = warm_worker(spec)
        conn.send(("ready", os.getpid()))
        while True:
            if not conn.poll(PARENT_CHECK_SECONDS):
                if os.getppid() != parent_pid:
                    return          # the parent is gone (killed): stop quietly
                continue
            batch = conn.recv()
            if batch is None:
                break
            for seq, src in batch:
                conn.send(("done", seq, process_ref(src, lex, spec)))
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        conn.send(("bye", peak_kb))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass


class _Worker:
    """One worker process and the batch it is working on."""

    def __init__(self, ctx, spec: WorkSpec) -> None:
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child_conn, spec, os.getpid()), daemon=True)
        self.proc.start()
        child_conn.close()
        self.conn = parent_conn
        self.ready = False
        self.batch: deque = deque()        # (seq, src) sent and not yet answered
        self.since = 0.0                   # when its current document started

    def send(self, batch: list) -> None:
        if not self.batch:
            self.since = time.monotonic()
        self.batch.extend(batch)
        self.conn.send(batch)

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


def _context():
    """fork where it is safe and cheap (Linux): workers share the parent's loaded
    lexicons and jieba dictionary copy-on-write; spawn elsewhere."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@dataclass
class PoolStats:
    """What the workers reported: peak memory of each (KiB), replacements."""

    worker_peak_kb: list = field(default_factory=list)
    replaced: int = 0


def map_sources(sources: Iterable[Source], spec: WorkSpec, jobs: int = 1, doc_timeout: float = 0.0,
                stats: PoolStats | None = None, tick=None) -> Iterator[Outcome]:
    """Outcomes of `sources`, in their order.

    jobs == 1 without a time limit runs in this process; otherwise `jobs`
    worker processes do the work. `tick`, if given, is called about every
    0.2 s while waiting (progress display refresh).
    """
    if jobs <= 1 and not doc_timeout:
        lex = warm_worker(spec)
        for src in sources:
            yield process_ref(src, lex, spec)
        return
    with WorkerPool(spec, jobs, doc_timeout, stats) as pool:
        yield from pool.map(sources, tick)


class WorkerPool:
    """`jobs` worker processes, started when the pool is entered.

    Start it before building large structures (the list of inputs): forked
    workers then share only the lexicons and the dictionary with the parent.
    """

    def __init__(self, spec: WorkSpec, jobs: int, doc_timeout: float = 0.0, stats: PoolStats | None = None):
        self.spec = spec
        self.jobs = max(1, jobs)
        self.doc_timeout = doc_timeout
        self.stats = stats if stats is not None else PoolStats()
        self.ctx = _context()
        self.workers: list[_Worker] = []
        self.failed_starts = 0

    def __enter__(self) -> "WorkerPool":
        if self.ctx.get_start_method() == "fork":
            warm_worker(self.spec)   # loaded once here, shared by every forked worker
        self._start(self.jobs)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self, wanted: int) -> None:
        if len(self.workers) >= wanted:
            return
        # a forked worker never collects what the parent made before the fork,
        # so its garbage collector does not copy the parent's memory pages
        gc.freeze()
        try:
            while len(self.workers) < wanted:
                self.workers.append(_Worker(self.ctx, self.spec))
        finally:
            gc.unfreeze()

    def map(self, sources: Iterable[Source], tick=None) -> Iterator[Outcome]:
        """Outcomes of `sources` in their order; at most jobs * WINDOW_PER_JOB in flight."""
        sources = iter(sources)
        workers = self.workers
        doc_timeout = self.doc_timeout
        stats = self.stats
        window = self.jobs * WINDOW_PER_JOB
        pending: deque = deque()               # (seq, src) to send, lowest seq first
        done: dict[int, Outcome] = {}
        attempts: dict[int, int] = {}
        next_seq = 0                           # next seq to take from `sources`
        next_out = 0                           # next seq to hand on
        exhausted = False

        def refill() -> None:
            nonlocal next_seq, exhausted
            while not exhausted and next_seq - next_out < window:
                src = next(sources, None)
                if src is None:
                    exhausted = True
                    return
                pending.append((next_seq, src))
                next_seq += 1

        def replace(w: _Worker, first: Outcome | None, how: str) -> None:
            """Kill `w`; its current document gets `first` (or a retry); the rest go back."""
            w.kill()
            workers.remove(w)
            stats.replaced += 1
            if not w.ready:
                self.failed_starts += 1
                if self.failed_starts >= MAX_FAILED_STARTS:
                    raise RuntimeError(START_ERROR.format(n=self.failed_starts, how=how))
            back = list(w.batch)
            if back:
                seq, src = back[0]
                if first is None:
                    attempts[seq] = attempts.get(seq, 0) + 1
                    if attempts[seq] > 1:
                        first = died_outcome(src, how)
                if first is not None:
                    done[seq] = first
                    back = back[1:]
            pending.extendleft(reversed(back))

        refill()
        while pending or any(w.batch for w in workers) or next_out < next_seq:
            # hand on everything that is ready, in order
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
                refill()
            if not pending and not any(w.batch for w in workers):
                continue
            self._start(self.jobs)
            # the next batch goes out before the current one is done, so that
            # a worker never waits for the parent between two batches
            for w in workers:
                if w.ready and len(w.batch) <= BATCH // 2 and pending:
                    w.send([pending.popleft() for _ in range(min(BATCH, len(pending)))])
            now = time.monotonic()
            wait_for = 0.2
            if doc_timeout:
                for w in workers:
                    if w.batch:
                        wait_for = min(wait_for, max(0.0, w.since + doc_timeout - now))
            ready = wait([w.conn for w in workers] + [w.proc.sentinel for w in workers], timeout=wait_for)
            for w in list(workers):
                if w.conn in ready:
                    try:
                        while w.conn.poll():
                            msg = w.conn.recv()
                            if msg[0] == "ready":
                                w.ready = True
                            elif msg[0] == "done":
                                seq = w.batch.popleft()[0]
                                done[seq] = msg[2]
                                w.since = time.monotonic()
                    except (EOFError, OSError):
                        replace(w, None, _how(w))
                        continue
                if w.proc.sentinel in ready and w in workers and not w.conn.poll():
                    replace(w, None, _how(w))
            if doc_timeout:
                now = time.monotonic()
                for w in list(workers):
                    if w.batch and now - w.since > doc_timeout:
                        replace(w, timeout_outcome(w.batch[0][1], doc_timeout), "timeout")
            if tick is not None:
                tick()

    def close(self) -> None:
        """Ask every worker to stop (it finishes its batch), collect its peak memory; kill stragglers."""
        workers, self.workers = self.workers, []
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        for w in workers:
            try:
                while w.conn.poll(max(0.0, deadline - time.monotonic())):
                    msg = w.conn.recv()
                    if msg[0] == "bye":
                        self.stats.worker_peak_kb.append(msg[1])
                        break
            except (EOFError, OSError):
                pass
            w.proc.join(max(0.0, deadline - time.monotonic()))
            w.kill()


def _how(w: _Worker) -> str:
    code = w.proc.exitcode
    if code is None:
        return "lost contact"
    if code < 0:
        return f"signal {-code}"
    return f"exit code {code}"
