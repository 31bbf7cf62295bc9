"""The batch driver and the extract command's batch options: exit codes,
--jobs, --doc-timeout, --state and --engine as a user sees them."""
import csv
import io
import time

import pytest
from click.testing import CliRunner

from batch_corpus import make_corpus
from reportmine import parallel
from reportmine.cli import cli
from reportmine.runner import Progress, RunOptions, list_sources, run


def _extract(*args):
    return CliRunner().invoke(cli, ["extract", *map(str, args)])


def test_exit_0_when_every_input_is_read(tmp_path):
    corpus = make_corpus(tmp_path / "c", 4, with_failures=False)
    assert _extract(corpus, "--jobs", "2").exit_code == 0


def test_exit_1_names_each_failed_input_on_stderr_and_in_the_documents_table(tmp_path):
    corpus = make_corpus(tmp_path / "c", 4)
    r = _extract(corpus, "--table", "documents", "--jobs", "2")
    assert r.exit_code == 1
    docs = {d["doc_id"]: d for d in csv.DictReader(io.StringIO(r.stdout))}
    for name, status in (("empty", "empty"), ("picture", "not_text")):
        assert docs[name]["status"] == status
        assert f"{name}.txt: {status}:" in r.stderr


def test_exit_3_when_nothing_could_be_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert _extract(tmp_path, "--jobs", "2").exit_code == 3


@pytest.mark.parametrize("args", [
    ["--jobs", "0"], ["--doc-timeout", "-1"], ["--scheduler", "tcp://127.0.0.1:1"],
])
def test_exit_2_on_usage_errors(tmp_path, args):
    r = _extract(tmp_path, *args)
    assert r.exit_code == 2, r.output


def test_dask_engine_does_not_take_a_state(tmp_path):
    r = _extract(tmp_path, "--engine", "dask", "--state", tmp_path / "s.db")
    assert r.exit_code == 2 and "--state works with the local engine" in r.stderr


def _slow(source, lex, options):
    if source.doc_id.endswith("a00001"):
        time.sleep(60)
    return _process(source, lex, options)


_process = parallel.process_source


@pytest.mark.skipif(parallel._context().get_start_method() != "fork", reason="patching reaches workers by fork")
def test_doc_timeout_makes_a_timeout_row_and_the_run_goes_on(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "c", 6, with_failures=False)
    monkeypatch.setattr(parallel, "process_source", _slow)
    r = _extract(corpus, "--table", "documents", "--doc-timeout", "1", "--jobs", "2")
    assert r.exit_code == 1
    docs = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [d["status"] for d in docs].count("ok") == 5
    slow = next(d for d in docs if d["doc_id"].endswith("a00001"))
    assert slow["status"] == "timeout" and "--doc-timeout 1 s" in slow["error"]
    assert "a00001.txt: timeout:" in r.stderr


def test_rows_are_in_doc_id_then_mention_order(tmp_path):
    corpus = make_corpus(tmp_path / "c", 9)
    r = _extract(corpus, "--jobs", "2")
    keys = [(row["doc_id"], int(row["mention"])) for row in csv.DictReader(io.StringIO(r.stdout))]
    assert keys == sorted(keys) and len({k[0] for k in keys}) == 10   # 9 articles + the Big5 one


def test_listing_is_sorted_by_doc_id_across_folders(tmp_path):
    for rel in ("b/x.txt", "a-b/x.txt", "a/x.txt", "a.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("完成签约2户")
    ids = [s.doc_id for s in list_sources(RunOptions(inputs=(str(tmp_path),)))]
    assert ids == sorted(ids) == ["a", "a-b/x", "a/x", "b/x"]


def test_the_library_reports_progress_in_output_order(tmp_path):
    corpus = make_corpus(tmp_path / "c", 5, with_failures=False)
    seen = []

    class Recorder(Progress):
        def start(self, inputs, reused, jobs):
            seen.append(("start", inputs, jobs))

        def advance(self, result, nbytes, reused):
            seen.append(result.document["doc_id"])

        def finish(self, summary):
            seen.append(("finish", summary.ok))

    run(RunOptions(inputs=(str(corpus),), output=str(tmp_path / "o.csv"), jobs=2, doc_timeout=30),
        progress=Recorder())
    assert seen[0] == ("start", 5, 2) and seen[-1] == ("finish", 5)
    assert seen[1:-1] == sorted(seen[1:-1])


def test_cli_state_run_reports_reuse(tmp_path):
    corpus = make_corpus(tmp_path / "c", 4, with_failures=False)
    args = [corpus, "--state", tmp_path / "s.db", "-o", tmp_path / "o.csv"]
    assert _extract(*args).exit_code == 0
    r = _extract(*args)
    assert r.exit_code == 0 and "4 unchanged from state" in r.stderr


def test_a_state_file_that_cannot_be_used_is_a_usage_error(tmp_path):
    corpus = make_corpus(tmp_path / "c", 2, with_failures=False)
    # a missing folder is made (test_state), but not one inside a file
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    r = _extract(corpus, "--state", tmp_path / "a_file" / "dir" / "s.db", "-o", tmp_path / "o.csv")
    assert r.exit_code == 2 and "cannot use this state file" in r.stderr
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    r = _extract(corpus, "--state", tmp_path / "junk.db", "-o", tmp_path / "o.csv")
    assert r.exit_code == 2 and "not a usable reportmine state" in r.stderr
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_workers_write_rows_out_and_the_summary_still_counts_them(tmp_path, jobs):
    corpus = make_corpus(tmp_path / "c", 6)
    out = tmp_path / "out.csv"
    summary = run(RunOptions(inputs=(str(corpus),), output=str(out), jobs=jobs))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and summary.indicators == len(rows)
    # the rows themselves still reach a caller that asks for them
    seen = []
    run(RunOptions(inputs=(str(corpus),), output=str(tmp_path / "again.csv"), jobs=jobs),
        on_result=lambda r: seen.extend(r.indicators))
    assert len(seen) == len(rows)
