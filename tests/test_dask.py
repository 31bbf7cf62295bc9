"""--engine dask: a LocalCluster with 2 workers gives the local run's tables,
also when a worker is killed midway. Select with -m dask."""
import os
import signal

import pandas as pd
import pytest
from click.testing import CliRunner

from batch_corpus import SAMPLES, make_corpus
from reportmine import dask_engine
from reportmine.cli import cli
from reportmine.runner import RunOptions, run

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = make_corpus(tmp_path_factory.mktemp("dask") / "corpus", 200)
    for p in SAMPLES.glob("*.txt"):
        (root / "samples").mkdir(exist_ok=True)
        (root / "samples" / p.name).write_bytes(p.read_bytes())
    return root


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0",
                                  silence_logs=40) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def local(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    run(RunOptions(inputs=(str(corpus),), out_dir=str(out), jobs=2, doc_timeout=60))
    return out


@pytest.fixture()
def small_partitions(monkeypatch):
    # many partitions, so that work is spread and in flight when a worker dies
    monkeypatch.setattr(dask_engine, "PARTITION", 8)


def test_gathered_csv_equals_the_local_run(corpus, client, local, tmp_path, small_partitions):
    s = dask_engine.run_dask(RunOptions(inputs=(str(corpus),), out_dir=str(tmp_path)), client=client)
    for name in ("indicators.csv", "documents.csv", "terms.csv"):
        assert (tmp_path / name).read_bytes() == (local / name).read_bytes(), name
    assert s.inputs == 208 and s.ok == 206 and s.jobs == 2
    statuses = {p.rsplit("/", 1)[-1]: st for p, st, _ in s.failed}
    assert statuses == {"empty.txt": "empty", "picture.txt": "not_text"}   # failed documents are rows


def test_partitioned_parquet_equals_the_local_run(corpus, client, local, tmp_path, small_partitions):
    dask_engine.run_dask(RunOptions(inputs=(str(corpus),), out_dir=str(tmp_path), fmt="parquet"), client=client)
    parts = sorted(p.name for p in (tmp_path / "indicators").iterdir())
    assert parts[0] == "part-000000.parquet" and len(parts) == 26
    local_pq = tmp_path / "local"
    run(RunOptions(inputs=(str(corpus),), out_dir=str(local_pq), fmt="parquet", jobs=2, doc_timeout=60))
    for table in ("indicators", "documents", "terms"):
        got = _plain(pd.read_parquet(tmp_path / table))
        want = _plain(pd.read_parquet(local_pq / f"{table}.parquet"))
        assert len(got) == len(want) > 0
        pd.testing.assert_frame_equal(got, want)
    # a later run with fewer inputs leaves no stale parts behind
    few = tmp_path / "few"
    few.mkdir()
    (few / "a.txt").write_text("完成签约212户", encoding="utf-8")
    dask_engine.run_dask(RunOptions(inputs=(str(few),), out_dir=str(tmp_path), fmt="parquet"), client=client)
    assert sorted(p.name for p in (tmp_path / "indicators").iterdir()) == ["part-000000.parquet"]


def _plain(frame):
    """Categories as plain values: each part has its own dictionary."""
    frame = frame.reset_index(drop=True)
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(object)
    return frame


def test_a_worker_killed_midway_still_gives_the_full_result(corpus, local, tmp_path, small_partitions):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0",
                                  silence_logs=50) as cluster, distributed.Client(cluster) as c:
        pids = c.run(os.getpid)
        killed = []

        def kill_once(result):
            if not killed:
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        s = dask_engine.run_dask(RunOptions(inputs=(str(corpus),), out_dir=str(tmp_path)), client=c,
                                 on_result=kill_once)
        assert killed and killed[0] not in c.run(os.getpid).values()
    assert s.inputs == 208 and s.ok == 206
    for name in ("indicators.csv", "documents.csv"):
        assert (tmp_path / name).read_bytes() == (local / name).read_bytes(), name


def test_cli_with_a_local_cluster_and_an_fsspec_path(tmp_path):
    local = CliRunner().invoke(cli, ["extract", str(SAMPLES), "--table", "documents"])
    r = CliRunner().invoke(cli, ["extract", f"file://{SAMPLES}", "--engine", "dask", "--jobs", "2",
                                 "--table", "documents", "-o", str(tmp_path / "d.csv")])
    assert r.exit_code == 0, r.output
    got = (tmp_path / "d.csv").read_text(encoding="utf-8")
    # the same rows; only the path column says file://
    assert got.replace(f"file://{SAMPLES}", str(SAMPLES)) == local.stdout
    assert r.stderr.startswith("reportmine: 5 inputs, 5 read, 0 failed")
