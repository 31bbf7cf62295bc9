"""What a run prints: a live bar on a terminal only, else failures and one
summary line; --quiet; --log-file."""
import io
import re

from click.testing import CliRunner

from batch_corpus import make_corpus
from reportmine.cli import cli
from reportmine.model import DocResult
from reportmine.progress import LiveReport, LogReport, PlainReport, make_progress, summary_line
from reportmine.runner import RunSummary

OK = DocResult({"doc_id": "a", "path": "a.txt", "status": "ok", "error": ""})
BAD = DocResult({"doc_id": "b", "path": "b.txt", "status": "empty", "error": "no text"})


class Tty(io.StringIO):
    def isatty(self):
        return True


def _summary(**kw):
    base = dict(inputs=2, ok=1, failed=[("b.txt", "empty", "no text")], indicators=5, bytes=3_000_000,
                seconds=2.0, jobs=2)
    return RunSummary(**{**base, **kw})


def test_summary_line_says_what_happened():
    line = summary_line(_summary(reused=1, dropped=2))
    assert line.startswith("reportmine: 2 inputs, 1 read, 1 failed, 5 indicators; 1 processed (3.0 MB) in 2.0 s "
                           "(1.50 MB/s")
    assert "1 unchanged from state" in line and "2 gone" in line and "\n" not in line


def test_plain_report_is_failures_then_one_line():
    out = io.StringIO()
    p = PlainReport(out)
    p.start(2, 0, 2)
    p.advance(OK, 10, False)
    p.advance(BAD, 0, False)
    p.tick()
    p.finish(_summary())
    lines = out.getvalue().splitlines()
    assert lines == ["reportmine: b.txt: empty: no text", summary_line(_summary())]


def test_quiet_keeps_only_failures():
    out = io.StringIO()
    p = make_progress(out, quiet=True, live=None)
    p.start(2, 0, 1)
    p.advance(OK, 1, False)
    p.advance(BAD, 1, False)
    p.finish(_summary())
    assert out.getvalue() == "reportmine: b.txt: empty: no text\n"


def test_live_bar_only_on_a_terminal():
    assert isinstance(make_progress(Tty()).parts[0], LiveReport)
    assert isinstance(make_progress(io.StringIO()).parts[0], PlainReport)
    assert not isinstance(make_progress(io.StringIO()).parts[0], LiveReport)
    assert not isinstance(make_progress(Tty(), quiet=True).parts[0], LiveReport)


def test_live_bar_shows_documents_rate_and_ends_with_the_summary():
    tty = Tty()
    p = LiveReport(tty)
    p.start(3, 0, 2)
    for r in (OK, BAD, OK):
        p.advance(r, 1_000_000, False)
    p.last = 0
    p.tick()
    shown = tty.getvalue()
    assert "3/3" in shown and "MB/s" in shown
    assert "reportmine: b.txt: empty: no text" in shown
    p.finish(_summary())
    assert tty.getvalue().rstrip().endswith(summary_line(_summary()))


def test_log_file_gets_start_failures_and_summary(tmp_path):
    log = tmp_path / "run.log"
    for _ in range(2):   # appended, not overwritten
        p = LogReport(str(log), "extract x")
        p.start(2, 0, 1)
        p.advance(BAD, 0, False)
        p.finish(_summary(worker_peak_kb=[200_000]))
        p.close()
    lines = log.read_text().splitlines()
    assert len(lines) == 8
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
    assert all(re.match(stamp, line) for line in lines)
    assert "start extract x: 2 inputs" in lines[0] and "b.txt: empty" in lines[1]
    assert "2 inputs, 1 read" in lines[2] and "peak memory per worker 195 MB" in lines[3]


def test_cli_off_a_terminal_prints_one_summary_line(tmp_path):
    corpus = make_corpus(tmp_path / "c", 3, with_failures=False)
    r = CliRunner().invoke(cli, ["extract", str(corpus), "--jobs", "2"])
    assert r.exit_code == 0
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("reportmine: 3 inputs, 3 read, 0 failed")
    r = CliRunner().invoke(cli, ["extract", str(corpus), "--quiet", "--log-file", str(tmp_path / "l.log")])
    assert r.exit_code == 0 and r.stderr == ""
    assert "3 inputs, 3 read" in (tmp_path / "l.log").read_text()
