"""--state: incremental runs equal full runs; invalidation; the lock; a run
killed midway (a real subprocess) and resumed."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_corpus import article, make_corpus
from reportmine import runner
from reportmine.runner import RunOptions, run
from reportmine.state import Entry, StateBusy, decode_result, encode_result, is_unchanged, open_state
from reportmine.model import DocResult


def _run(inputs, out, state=None, **kw):
    return run(RunOptions(inputs=(str(inputs),), output=str(out) if out else None, state=state, **kw))


def _full(inputs, tmp_path, name, **kw):
    _run(inputs, tmp_path / name, **kw)
    return (tmp_path / name).read_bytes()


@pytest.mark.parametrize("table", ["indicators", "documents"])
def test_incremental_run_equals_a_full_run(tmp_path, table):
    corpus = make_corpus(tmp_path / "c", 24)
    state = str(tmp_path / "s.db")
    first = _run(corpus, tmp_path / "inc.csv", state, table=table)
    assert first.reused == 0
    assert (tmp_path / "inc.csv").read_bytes() == _full(corpus, tmp_path, "full0.csv", table=table)

    # unchanged: everything from the state, same bytes
    again = _run(corpus, tmp_path / "inc.csv", state, table=table)
    assert again.reused == again.inputs - 3 or again.reused == again.inputs
    assert (tmp_path / "inc.csv").read_bytes() == _full(corpus, tmp_path, "full1.csv", table=table)

    # changed, new, deleted and touched-but-same files
    files = sorted(corpus.rglob("a*.txt"))
    files[0].write_text(article(1000), encoding="utf-8")              # changed content, other size
    same_size = files[1].read_text(encoding="utf-8")
    files[1].write_text(same_size[::-1], encoding="utf-8")            # changed content, same size
    os.utime(files[1], (time.time() + 10, time.time() + 10))
    (corpus / "d0" / "new.txt").write_text(article(2000), encoding="utf-8")
    files[2].unlink()
    os.utime(files[3], (time.time() + 20, time.time() + 20))          # touched, content unchanged
    third = _run(corpus, tmp_path / "inc.csv", state, table=table)
    assert (tmp_path / "inc.csv").read_bytes() == _full(corpus, tmp_path, "full2.csv", table=table)
    assert third.dropped == 1
    assert third.inputs - third.reused <= 3 + 3   # changed, same-size changed, new (+ failure inputs)


def test_stored_entries_follow_the_inputs(tmp_path):
    corpus = make_corpus(tmp_path / "c", 6, with_failures=False)
    state = tmp_path / "s.db"
    _run(corpus, tmp_path / "o.csv", str(state))
    rows = sqlite3.connect(state).execute("SELECT path, size, sha256 FROM inputs ORDER BY path").fetchall()
    assert len(rows) == 6
    for path, size, sha in rows:
        assert Path(path).stat().st_size == size and len(sha) == 64
    next(corpus.rglob("a*.txt")).unlink()
    _run(corpus, tmp_path / "o.csv", str(state))
    assert sqlite3.connect(state).execute("SELECT count(*) FROM inputs").fetchone()[0] == 5


def test_a_changed_lexicon_or_version_invalidates(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "c", 8, with_failures=False)
    state = str(tmp_path / "s.db")
    _run(corpus, tmp_path / "o.csv", state)
    assert _run(corpus, tmp_path / "o.csv", state).invalidated is False
    extra = tmp_path / "lex"
    extra.mkdir()
    (extra / "domain_words.txt").write_text("# a word for this test\n清表工作 100 n\n", encoding="utf-8")
    changed = _run(corpus, tmp_path / "o.csv", state, lexicons=(str(extra),))
    assert changed.invalidated and changed.reused == 0
    monkeypatch.setattr(runner, "__version__", "99.0")
    bumped = _run(corpus, tmp_path / "o.csv", state, lexicons=(str(extra),))
    assert bumped.invalidated and bumped.reused == 0


def test_terms_are_recomputed_when_first_stored_without(tmp_path):
    corpus = make_corpus(tmp_path / "c", 6)
    state = str(tmp_path / "s.db")
    _run(corpus, tmp_path / "o.csv", state)
    s = run(RunOptions(inputs=(str(corpus),), out_dir=str(tmp_path / "inc"), state=state))
    assert s.reused < s.inputs
    run(RunOptions(inputs=(str(corpus),), out_dir=str(tmp_path / "full")))
    for name in ("indicators.csv", "documents.csv", "terms.csv"):
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()
    s = run(RunOptions(inputs=(str(corpus),), out_dir=str(tmp_path / "inc"), state=state))
    assert s.reused == s.inputs == 9   # empty and binary files are stored too: same bytes, same row


def test_corpus_records_are_incremental_too(tmp_path):
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text('{"id": "a", "text": "完成签约212户"}\n{"id": "b", "text": "签约率达76%"}\n', encoding="utf-8")
    state = str(tmp_path / "s.db")
    _run(jsonl, tmp_path / "o.csv", state)
    jsonl.write_text('{"id": "a", "text": "完成签约212户"}\n{"id": "b", "text": "签约率达80%"}\n', encoding="utf-8")
    s = _run(jsonl, tmp_path / "o.csv", state)
    assert s.reused == 1
    assert (tmp_path / "o.csv").read_bytes() == _full(jsonl, tmp_path, "f.csv")


def test_stored_rows_round_trip_exactly():
    r = DocResult({"doc_id": "x\udcff", "chars": 3, "v": 0.1 + 0.2},
                  ({"value": 1e-7, "value_max": None, "n": 10**15},), ({"term": "签约", "count": 2},))
    assert decode_result(encode_result(r)) == r


def test_racy_mtime_means_compare_content():
    e = Entry("p", "p", 10, 1000.0, "h", None, checked=1000.5)
    assert not is_unchanged(e, 10, 1000.0)
    assert is_unchanged(Entry("p", "p", 10, 1000.0, "h", None, checked=1100.0), 10, 1000.0)
    assert not is_unchanged(Entry("p", "p", 10, 1000.0, "h", None, checked=1100.0), 11, 1000.0)


HOLD = """
import sys, time
from reportmine.state import open_state
with open_state(sys.argv[1], "x"):
    print("held", flush=True)
    time.sleep(30)
"""


def test_a_second_run_on_the_same_state_exits_with_a_clear_message(tmp_path):
    corpus = make_corpus(tmp_path / "c", 3, with_failures=False)
    state = tmp_path / "s.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(state)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StateBusy, match=f"in use by another reportmine run \\(pid {holder.pid}\\)"):
            _run(corpus, tmp_path / "o.csv", str(state))
        p = subprocess.run([sys.executable, "-m", "reportmine", "extract", str(corpus), "--state", str(state),
                            "-o", str(tmp_path / "o.csv")], capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and "in use by another reportmine run" in p.stderr
        assert not (tmp_path / "o.csv").exists()
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed: its lock went with it, and the state is intact
    assert _run(corpus, tmp_path / "o.csv", str(state)).ok == 3
    with open_state(str(state), "x"):
        with pytest.raises(StateBusy, match="in this process"):
            with open_state(str(state), "x"):
                pass


SLOW_CLI = """
import sys, time
from reportmine import parallel
from reportmine.cli import main
_process = parallel.process_source
def slow(source, lex, options):
    time.sleep(0.03)
    return _process(source, lex, options)
parallel.process_source = slow
sys.argv[0] = "reportmine"
main()
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_leaves_things_consistent_and_the_next_run_finishes(tmp_path, sig):
    corpus = make_corpus(tmp_path / "c", 150)
    state = tmp_path / "s.db"
    out = tmp_path / "o.csv"
    out.write_text("previous output\n")
    # the real command, each document made a little slower so that there is a "midway" to kill at
    cmd = [sys.executable, "-c", SLOW_CLI, "extract", str(corpus), "--state", str(state), "-o", str(out),
           "--jobs", "1", "--table", "documents"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            done = sqlite3.connect(f"file:{state}?mode=ro", uri=True).execute("SELECT count(*) FROM inputs").fetchone()[0]
        except sqlite3.Error:
            continue
        if done >= 10:
            break
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(sig)
    proc.wait(timeout=30)
    if sig == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM
        assert not list(tmp_path.glob(".o.csv.*")), "a half-written output was left"
    assert out.read_text() == "previous output\n"        # outputs replaced only by a complete run
    db = sqlite3.connect(state)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = db.execute("SELECT count(*) FROM inputs").fetchone()[0]
    db.close()
    assert 10 <= kept < 153
    resumed = _run(corpus, out, str(state), table="documents", jobs=2, doc_timeout=60)
    assert resumed.reused >= kept - 3
    assert out.read_bytes() == _full(corpus, tmp_path, "full.csv", table="documents")


def test_the_state_folder_is_made_when_missing(tmp_path):
    from click.testing import CliRunner

    from reportmine.cli import cli
    samples = Path(__file__).parent.parent / "samples"
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["extract", str(samples), "--out-dir", str(out),
                                 "--state", str(out / "state.sqlite"), "-q", "-j", "1"])
    assert r.exit_code == 0, r.stderr
    assert (out / "state.sqlite").exists() and (out / "indicators.csv").exists()
