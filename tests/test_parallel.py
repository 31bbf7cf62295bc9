"""Worker processes: same bytes with 1 or N jobs, input order, bounded window,
per-document timeout, a dying worker replaced."""
import os
import time

import pytest

from batch_corpus import make_corpus
from reportmine import parallel
from reportmine.model import Source
from reportmine.parallel import PoolStats, WorkSpec, map_sources
from reportmine.runner import RunOptions, run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"), 40)


def _run(corpus, out, **kw):
    return run(RunOptions(inputs=(str(corpus),), output=str(out), **kw))


@pytest.mark.parametrize("table", ["indicators", "documents"])
def test_same_bytes_with_1_or_n_jobs(corpus, tmp_path, table):
    ref = _run(corpus, tmp_path / "ref.csv", table=table, jobs=1)
    pooled = _run(corpus, tmp_path / "one.csv", table=table, jobs=1, doc_timeout=30)
    three = _run(corpus, tmp_path / "three.csv", table=table, jobs=3, doc_timeout=30)
    data = (tmp_path / "ref.csv").read_bytes()
    assert data == (tmp_path / "one.csv").read_bytes() == (tmp_path / "three.csv").read_bytes()
    assert ref.inputs == pooled.inputs == three.inputs == 43
    assert ref.ok == pooled.ok == three.ok == 41  # 40 articles + the Big5 one
    assert ref.indicators > 0 and ref.indicators == three.indicators
    assert three.worker_peak_kb and len(three.worker_peak_kb) <= 3


def test_out_dir_tables_same_with_1_or_2_jobs(corpus, tmp_path):
    _run(corpus, None, out_dir=str(tmp_path / "a"), jobs=1)
    _run(corpus, None, out_dir=str(tmp_path / "b"), jobs=2, doc_timeout=30)
    for name in ("indicators.csv", "documents.csv", "terms.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _texts(n):
    return [Source(f"d{i:04d}", f"d{i:04d}", text=f"完成签约{i + 2}户") for i in range(n)]


def test_results_come_in_input_order_and_the_window_is_bounded():
    taken = []

    def sources():
        for s in _texts(300):
            taken.append(s.doc_id)
            yield s

    seen = []
    window = 2 * parallel.WINDOW_PER_JOB
    for o in map_sources(sources(), WorkSpec(), jobs=2, doc_timeout=30):
        seen.append(o.result.document["doc_id"])
        # streaming: never more than the window read ahead of what was handed on
        assert len(taken) - len(seen) <= window
    assert seen == [s.doc_id for s in _texts(300)]
    assert [o.result.indicators[0]["value"] for o in map_sources(_texts(3), WorkSpec(), jobs=2)] == [2, 3, 4]


def _slow_or_crash(source, lex, options):
    # replaces pipeline.process_source inside forked workers
    if source.doc_id == "slow":
        time.sleep(60)
    if source.doc_id == "crash":
        os._exit(9)
    return _original(source, lex, options)


_original = parallel.process_source


@pytest.mark.skipif(parallel._context().get_start_method() != "fork", reason="patching reaches workers by fork")
def test_a_stalled_document_times_out_and_the_batch_goes_on(monkeypatch):
    monkeypatch.setattr(parallel, "process_source", _slow_or_crash)
    sources = _texts(6)
    sources.insert(2, Source("slow", "slow.txt", text="完成签约9户"))
    stats = PoolStats()
    started = time.monotonic()
    out = list(map_sources(sources, WorkSpec(), jobs=2, doc_timeout=1.0, stats=stats))
    assert time.monotonic() - started < 30
    statuses = [(o.result.document["doc_id"], o.result.document["status"]) for o in out]
    assert statuses[2] == ("slow", "timeout")
    assert "--doc-timeout 1 s" in out[2].result.document["error"]
    assert [s for d, s in statuses if d != "slow"] == ["ok"] * 6
    assert stats.replaced == 1


@pytest.mark.skipif(parallel._context().get_start_method() != "fork", reason="patching reaches workers by fork")
def test_a_worker_that_dies_is_replaced_and_its_document_reported(monkeypatch):
    monkeypatch.setattr(parallel, "process_source", _slow_or_crash)
    sources = _texts(5) + [Source("crash", "crash.txt", text="x"), Source("z", "z", text="完成签约5户")]
    out = list(map_sources(sources, WorkSpec(), jobs=1, doc_timeout=30))
    docs = [o.result.document for o in out]
    assert [d["status"] for d in docs] == ["ok"] * 5 + ["failed", "ok"]
    assert "died" in docs[5]["error"] and "signal" not in docs[5]["error"]


def test_default_jobs_is_the_cores_we_may_use():
    assert 1 <= parallel.default_jobs() <= (os.cpu_count() or 1)


_PARENT = os.getpid()
_warm = parallel.warm_worker


def _broken_warm(spec):
    if os.getpid() != _PARENT:      # in a worker only
        raise SystemExit(5)
    return _warm(spec)


@pytest.mark.skipif(parallel._context().get_start_method() != "fork", reason="patching reaches workers by fork")
def test_workers_that_cannot_start_stop_the_run_instead_of_looping(monkeypatch):
    monkeypatch.setattr(parallel, "warm_worker", _broken_warm)
    with pytest.raises(RuntimeError, match="die before they start"):
        with parallel.WorkerPool(WorkSpec(), 2, doc_timeout=10) as pool:
            list(pool.map(_texts(4)))
