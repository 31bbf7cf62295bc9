"""The `reportmine` command: a thin layer of options over the library.

Only this module touches argv, the terminal, stdout/stderr and exit codes.
"""
from __future__ import annotations

import io
import signal
import sys

import click

from . import __version__
from .lexicon import LexiconError, load_lexicon
from .read import DEFAULT_GLOBS, DEFAULT_MAX_BYTES
from .parallel import default_jobs
from .progress import make_progress
from .runner import DEFAULT_DOC_TIMEOUT, ENGINES, TABLES, RunOptions, run
from .state import StateBusy, StateError
from .write import TEXT_FORMATS

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_NONE_READ = 0, 1, 2, 3


def _stdout_text():
    """stdout as UTF-8 text with no newline translation (the CSV writer sets CRLF)."""
    return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportmine")
def cli() -> None:
    """Turn Chinese government work reports and local news into tables of numbers."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--table", type=click.Choice(TABLES), default="indicators", show_default=True,
              help="Which table to write to stdout or -o.")
@click.option("--format", "fmt", type=click.Choice(TEXT_FORMATS), default="csv", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the table to FILE (atomically) instead of stdout.")
@click.option("--out-dir", type=click.Path(file_okay=False),
              help="Write indicators, documents and terms side by side into DIR.")
@click.option("--excel", is_flag=True, help="CSV for Excel/WPS: UTF-8 BOM, CRLF, formula-safe cells.")
@click.option("--glob", "globs", multiple=True, metavar="PATTERN",
              help=f"File names to read in folders (repeatable). Default: {' '.join(DEFAULT_GLOBS)}.")
@click.option("--lexicons", "lexicons", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A folder of extra lexicons added on top of the shipped ones (repeatable).")
@click.option("--text-field", default="text", show_default=True, help="Text field of JSONL/CSV corpus records.")
@click.option("--id-field", default="id", show_default=True, help="Id field of JSONL/CSV corpus records.")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Larger inputs are not read (status too_large).")
@click.option("--top", type=click.IntRange(0), default=0, help="Terms table: the N most frequent terms per document.")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress bar and no summary line on stderr (failed inputs still show).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Worker processes (or Dask workers of a LocalCluster). Default: the number of cores.")
@click.option("--doc-timeout", type=click.FloatRange(0), default=DEFAULT_DOC_TIMEOUT, show_default=True,
              help="Seconds one document may take; a slower one gets status timeout and the run goes on "
                   "(0: no limit).")
@click.option("--state", type=click.Path(dir_okay=False),
              help="SQLite file that makes runs incremental: only new or changed inputs are read again.")
@click.option("--log-file", type=click.Path(dir_okay=False),
              help="Append timestamped lines (start, failed inputs, summary) to FILE.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="local: worker processes on this machine; dask: a Dask cluster "
                   "(pip install 'reportmine[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the scheduler's address (tcp://host:8786). "
                   "Default: a LocalCluster on this machine.")
def extract(inputs, table, fmt, output, out_dir, excel, globs, lexicons, text_field, id_field,
            max_bytes, top, quiet, jobs, doc_timeout, state, log_file, engine, scheduler):
    """Extract indicators from INPUTS (folders, files, .jsonl/.csv corpora, or - for stdin).

    Writes CSV to stdout by default. Exit codes: 0 every input read, 1 some
    failed (each named on stderr and in the documents table), 2 usage error,
    3 nothing could be read.
    """
    opts = RunOptions(
        inputs=tuple(inputs), globs=tuple(globs) or DEFAULT_GLOBS, table=table, fmt=fmt,
        output=output, out_dir=out_dir, excel=excel, lexicons=tuple(lexicons),
        text_field=text_field, id_field=id_field, max_bytes=max_bytes, top=top,
        jobs=jobs or default_jobs(), doc_timeout=doc_timeout, state=state, engine=engine, scheduler=scheduler,
    )
    _check_engine(opts)
    try:
        load_lexicon(opts.lexicons)
    except LexiconError as e:
        raise click.UsageError(f"lexicon: {e}") from None
    stdout = None if (output or out_dir) else _stdout_text()

    try:
        progress = make_progress(sys.stderr, quiet, log_file, argv=" ".join(sys.argv[1:]))
    except OSError as e:
        raise click.UsageError(f"--log-file: {e.strerror or e}") from None
    previous_term = _exit_on_sigterm()
    try:
        summary = run(opts, stdout=stdout, stdin=sys.stdin.buffer, progress=progress)
        if stdout is not None:
            stdout.flush()
    except (StateBusy, StateError) as e:
        click.echo(f"reportmine: {e}", err=True)
        sys.exit(EXIT_USAGE)
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(EXIT_OK)
    except OSError as e:
        click.echo(f"reportmine: cannot write output: {e.strerror or e}", err=True)
        sys.exit(EXIT_SOME_FAILED if not e.filename else EXIT_NONE_READ)
    finally:
        progress.close()
        _restore_sigterm(previous_term)
    sys.exit(summary.exit_code)


def _check_engine(opts) -> None:
    """Options that only make sense with one engine, and the dask extra."""
    if opts.scheduler and opts.engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if opts.engine != "dask":
        return
    if opts.state:
        raise click.UsageError("--state works with the local engine; with --engine dask write to --out-dir")
    import importlib.util
    if importlib.util.find_spec("distributed") is None:
        raise click.UsageError("--engine dask needs dask.distributed: pip install 'reportmine[dask]'")


def _exit_on_sigterm():
    """SIGTERM (a cron timeout, `kill`) ends the run like Ctrl-C: workers are
    stopped, finished work is kept in --state, half-written outputs removed."""
    def stop(signum, frame):
        raise SystemExit(128 + signum)
    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding application)
        return None


def _restore_sigterm(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def _quiet_broken_pipe() -> None:
    """`reportmine ... | head`: stop quietly, without a traceback or a flush error."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def normalize(file):
    """Print the normalized text of FILE (what offsets in the tables refer to)."""
    from .pipeline import build_document
    from .read import load_source, iter_sources
    src = load_source(next(iter_sources([file])))
    doc = build_document(src)
    if not hasattr(doc, "text"):
        click.echo(f"reportmine: {file}: {doc.document['status']}: {doc.document['error']}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    out = _stdout_text()
    try:
        out.write(doc.text)
        if not doc.text.endswith("\n"):
            out.write("\n")
        out.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--lexicons", "lexicons", multiple=True, type=click.Path(exists=True, file_okay=False))
def show(file, lexicons):
    """Show FILE's indicators in a table, the number highlighted in its sentence."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .pipeline import process_source
    from .read import iter_sources, load_source

    lex = load_lexicon(tuple(lexicons))
    src = load_source(next(iter_sources([file])))
    result = process_source(src, lex)
    console = Console()
    doc = result.document
    if doc["status"] != "ok":
        click.echo(f"reportmine: {doc['path']}: {doc['status']}: {doc['error']}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    table = Table(title=f"{doc['doc_id']}  {doc['title']}  {doc['date']}  {doc['publisher']}", show_lines=False)
    for col in ("#", "category", "subject", "value", "unit", "qualifier", "change", "sentence"):
        table.add_column(col, overflow="fold")
    for r in result.indicators:
        sent = r["sentence"]
        t = Text(sent)
        i = sent.find(r["raw"])
        if i >= 0:
            t.stylize("bold reverse", i, i + len(r["raw"]))
        table.add_row(str(r["mention"]), r["category"], r["subject"], str(r["value"]) +
                      (f"..{r['value_max']}" if r["value_max"] is not None else ""),
                      r["unit"], r["qualifier"], r["change"], t)
    console.print(table)


def main() -> None:
    if hasattr(signal, "SIGPIPE"):
        # `| head`: end quietly like other Unix tools
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        cli.main(prog_name="reportmine", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
