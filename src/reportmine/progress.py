"""What a run tells the person (or the cron mail) watching it.

On a terminal: a live progress bar on stderr (documents, MB/s, time left),
and each input that failed printed above it. Anywhere else (cron, a pipe):
only the failed inputs and one summary line. `--quiet` drops the summary
line; `--log-file FILE` appends timestamped lines (start, each failure, the
summary) whatever is shown on stderr.

>>> summary_line(RunSummary(inputs=3, ok=2, failed=[("a.txt", "empty", "no text")], indicators=7,
...                         bytes=2_000_000, seconds=4.0, jobs=2))
'reportmine: 3 inputs, 2 read, 1 failed, 7 indicators; 3 processed (2.0 MB) in 4.0 s (0.50 MB/s, 1 docs/s, 2 jobs)'
"""
from __future__ import annotations

import time
from datetime import datetime

from .model import DocResult
from .runner import Progress, RunSummary

MB = 1_000_000
REFRESH_SECONDS = 0.1


def failure_line(doc: dict) -> str:
    """One failed input, as printed on stderr and in the log.

    >>> failure_line({"path": "a.txt", "status": "empty", "error": "no text"})
    'reportmine: a.txt: empty: no text'
    """
    return f"reportmine: {doc['path']}: {doc['status']}: {doc['error']}"


def summary_line(s: RunSummary) -> str:
    """The one line a run ends with."""
    fresh = s.inputs - s.reused
    rate = s.bytes / MB / s.seconds if s.seconds else 0.0
    docs = fresh / s.seconds if s.seconds else 0.0
    line = (f"reportmine: {s.inputs} inputs, {s.ok} read, {len(s.failed)} failed, {s.indicators} indicators; "
            f"{fresh} processed ({s.bytes / MB:.1f} MB) in {s.seconds:.1f} s "
            f"({rate:.2f} MB/s, {docs:.0f} docs/s, {s.jobs} jobs)")
    extra = []
    if s.reused:
        extra.append(f"{s.reused} unchanged from state")
    if s.dropped:
        extra.append(f"{s.dropped} gone")
    if s.invalidated:
        extra.append("state reset (lexicons or version changed)")
    if s.workers_replaced:
        extra.append(f"{s.workers_replaced} workers replaced")
    return line + ("; " + ", ".join(extra) if extra else "")


class Reporters(Progress):
    """Several reporters as one."""

    def __init__(self, *parts: Progress) -> None:
        self.parts = parts

    def start(self, inputs, reused, jobs):
        for p in self.parts:
            p.start(inputs, reused, jobs)

    def advance(self, result, nbytes, reused):
        for p in self.parts:
            p.advance(result, nbytes, reused)

    def tick(self):
        for p in self.parts:
            p.tick()

    def finish(self, summary):
        for p in self.parts:
            p.finish(summary)

    def close(self) -> None:
        for p in self.parts:
            close = getattr(p, "close", None)
            if close is not None:
                close()


class PlainReport(Progress):
    """Failed inputs as they come, then one summary line (unless quiet)."""

    def __init__(self, stream, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet

    def advance(self, result: DocResult, nbytes: int, reused: bool) -> None:
        if result.document["status"] != "ok":
            self.stream.write(failure_line(result.document) + "\n")
            self.stream.flush()

    def finish(self, summary: RunSummary) -> None:
        if not self.quiet:
            self.stream.write(summary_line(summary) + "\n")
            self.stream.flush()


class LiveReport(PlainReport):
    """A rich progress bar on a terminal: documents, MB/s, elapsed and time left."""

    def __init__(self, stream, quiet: bool = False) -> None:
        super().__init__(stream, quiet)
        self.bar = None
        self.task = None
        self.bytes = 0
        self.started = time.monotonic()
        self.last = 0.0

    def start(self, inputs: int, reused: int, jobs: int) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        console = Console(file=self.stream, stderr=True)
        # refreshed from the run's own loop: no display thread (workers are forked)
        self.bar = Bar(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("docs"), TextColumn("{task.fields[rate]}"),
                       TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"),
                       console=console, auto_refresh=False, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("extract", total=inputs, rate=f"{jobs} jobs")
        self.started = time.monotonic()

    def advance(self, result: DocResult, nbytes: int, reused: bool) -> None:
        if result.document["status"] != "ok" and self.bar is not None:
            self.bar.console.print(failure_line(result.document), markup=False, highlight=False)
        if not reused:
            self.bytes += nbytes
        if self.bar is not None:
            self.bar.advance(self.task)
            self.tick()

    def tick(self) -> None:
        now = time.monotonic()
        if self.bar is None or now - self.last < REFRESH_SECONDS:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        self.bar.update(self.task, rate=f"{self.bytes / MB / elapsed:.2f} MB/s")
        self.bar.refresh()

    def finish(self, summary: RunSummary) -> None:
        self.close()
        super().finish(summary)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


class LogReport(Progress):
    """Timestamped lines appended to a log file."""

    def __init__(self, path: str, argv: str = "") -> None:
        self.file = open(path, "a", encoding="utf-8")
        self.argv = argv

    def _line(self, text: str) -> None:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        self.file.write(f"{stamp} {text}\n")
        self.file.flush()

    def start(self, inputs: int, reused: int, jobs: int) -> None:
        self._line(f"reportmine: start{' ' + self.argv if self.argv else ''}: {inputs} inputs, "
                   f"{reused} unchanged from state, {jobs} jobs")

    def advance(self, result: DocResult, nbytes: int, reused: bool) -> None:
        if result.document["status"] != "ok":
            self._line(failure_line(result.document))

    def finish(self, summary: RunSummary) -> None:
        self._line(summary_line(summary))
        if summary.worker_peak_kb:
            self._line(f"reportmine: peak memory per worker {max(summary.worker_peak_kb) / 1024:.0f} MB")

    def note(self, text: str) -> None:
        self._line(text)

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()


def make_progress(stream, quiet: bool = False, log_file: str | None = None, argv: str = "",
                  live: bool | None = None) -> Reporters:
    """The reporters a CLI run uses: live bar on a terminal, else plain; plus a log."""
    if live is None:
        live = not quiet and bool(getattr(stream, "isatty", lambda: False)())
    parts: list[Progress] = [LiveReport(stream, quiet) if live else PlainReport(stream, quiet)]
    if log_file:
        parts.append(LogReport(log_file, argv))
    return Reporters(*parts)
