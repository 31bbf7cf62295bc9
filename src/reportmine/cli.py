"""The `reportmine` command: a thin layer of options over the library.

Only this module touches argv, the terminal, stdout/stderr and exit codes.
"""
from __future__ import annotations

import io
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .lexicon import LexiconError, load_lexicon
from .read import DEFAULT_GLOBS, DEFAULT_MAX_BYTES
from .parallel import default_jobs
from .progress import make_progress
from .runner import DEFAULT_DOC_TIMEOUT, ENGINES, TABLES, RunOptions, run
from .state import StateBusy, StateError
from .write import BINARY_FORMATS, FORMATS, MSG_BINARY_TO_TERMINAL, TEXT_FORMATS

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_NONE_READ, EXIT_OUTPUT = 0, 1, 2, 3, 4
MSG_OUTPUT_ERROR = "reportmine: cannot write {target}: {reason}{kept}"


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
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="Output format (parquet and xlsx need the extras of the same name).")
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
    3 nothing could be read, 4 the output could not be written (an existing
    output file is left as it was).
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
    if output and out_dir:
        raise click.UsageError("-o writes one table, --out-dir all of them: give one or the other")
    if fmt in BINARY_FORMATS and not (output or out_dir) and sys.stdout.isatty():
        raise click.UsageError(MSG_BINARY_TO_TERMINAL.format(fmt=fmt))
    _need_extra(fmt)
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
        # outputs are written to a temporary name and renamed: a failed run leaves the old file
        target = output or out_dir
        kept = f"; {target} is left as it was" if target else ""
        click.echo(MSG_OUTPUT_ERROR.format(target=target or "to stdout", reason=e.strerror or e, kept=kept),
                   err=True)
        sys.exit(EXIT_OUTPUT)
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


def _need_extra(fmt: str) -> None:
    """parquet and xlsx writers are optional extras: say how to get them."""
    module = {"parquet": "pyarrow", "xlsx": "openpyxl"}.get(fmt)
    if module is None:
        return
    import importlib.util
    if importlib.util.find_spec(module) is None:
        raise click.UsageError(f"--format {fmt} needs {module}: pip install 'reportmine[{fmt}]'")


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


def _print_wide(console, renderable) -> None:
    """On a terminal a table folds to fit; written to a file or a pipe it
    keeps its natural width, so every cell stays on one line."""
    from rich.table import Table

    if isinstance(renderable, Table) and not console.is_terminal:
        from rich.measure import Measurement
        from rich.console import Console
        width = Measurement.get(console, console.options.update(width=10_000), renderable).maximum
        Console(width=max(console.width, width), file=console.file).print(renderable)
    else:
        console.print(renderable)


def _lexicon_or_usage_error(lexicons):
    try:
        return load_lexicon(tuple(lexicons))
    except LexiconError as e:
        raise click.UsageError(f"lexicon: {e}") from None


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--lexicons", "lexicons", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A folder of extra lexicons added on top of the shipped ones (repeatable).")
@click.option("--id", "record_id", metavar="ID", help="In a .jsonl/.csv corpus: the record to show (default: the first).")
@click.option("--text-field", default="text", show_default=True, help="Text field of JSONL/CSV corpus records.")
@click.option("--id-field", default="id", show_default=True, help="Id field of JSONL/CSV corpus records.")
@click.option("--no-text", is_flag=True, help="Only the table, not the text.")
def show(file, lexicons, record_id, text_field, id_field, no_text):
    """Show FILE's text with every indicator highlighted in place and numbered,
    and the indicators table beneath, for checking by eye.

    FILE is an article, a .jsonl/.csv corpus (choose the record with --id) or
    - for stdin. Colours show on a terminal; elsewhere the [n] marks remain.
    """
    from rich.console import Console

    from .pipeline import build_document, process_source
    from .read import iter_sources, load_source
    from .show import render

    lex = _lexicon_or_usage_error(lexicons)
    sources = iter_sources([file], text_field=text_field, id_field=id_field, stdin=sys.stdin.buffer)
    if record_id is None:
        src = next(sources, None)
    else:
        src = next((s for s in sources if s.doc_id == record_id), None)
        if src is None:
            raise click.UsageError(f"{file}: no record with {id_field} {record_id!r}")
    if src is None:
        raise click.UsageError(f"{file}: no record to show")
    src = load_source(src)
    result = process_source(src, lex)
    doc = result.document
    if doc["status"] != "ok":
        click.echo(f"reportmine: {doc['path']}: {doc['status']}: {doc['error']}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    document = build_document(src)
    console = Console()
    for part in render(doc, document.text, result.indicators, show_text=not no_text):
        _print_wide(console, part)


@cli.command()
@click.argument("table", type=click.Path(exists=True, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(("table",) + TEXT_FORMATS), default="table", show_default=True,
              help="table: a terminal table with totals; csv, tsv, jsonl: the pivot as data.")
def summary(table, fmt):
    """Pivot an indicators TABLE: one row per document with its count of
    indicators, the count of each category, and the sums of value for
    households (户), area (ha) and money (CNY).

    TABLE is a file in any format extract writes (csv, tsv, jsonl, parquet,
    xlsx), an --out-dir folder, or - for CSV on stdin.
    """
    from .summary import SUMMARY_COLUMNS, TableError, read_indicators, rich_table, summarize
    from .write import RowWriter

    _need_extra(Path(table).suffix.lower().lstrip(".").replace("xlsm", "xlsx"))
    try:
        result = summarize(read_indicators(table, stdin=sys.stdin.buffer))
    except TableError as e:
        raise click.UsageError(str(e)) from None
    if fmt == "table":
        from rich.console import Console
        n = sum(r["indicators"] for r in result)
        console = Console()
        console.print(f"{len(result)} documents, {n} indicators", highlight=False)
        _print_wide(console, rich_table(result))
        return
    out = _stdout_text()
    try:
        writer = RowWriter(out, SUMMARY_COLUMNS, fmt)
        for row in result:
            writer.write(row)
        out.flush()
        out.detach()        # leave sys.stdout open for whoever writes next
    except BrokenPipeError:
        _quiet_broken_pipe()


def main() -> None:
    if hasattr(signal, "SIGPIPE"):
        # `| head`: end quietly like other Unix tools
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        cli.main(prog_name="reportmine", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
