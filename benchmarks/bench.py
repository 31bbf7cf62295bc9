"""Throughput and memory of `reportmine extract` on a corpus built from samples/.

    python benchmarks/bench.py                  # 10,000 files, ~120 MB
    python benchmarks/bench.py --files 300      # a quick look
    python benchmarks/bench.py --dask           # also a Dask LocalCluster run

Prints, for 1 job and for all jobs, with the term table off and on: MB/s,
documents/s, and peak memory of the parent and of each worker; and, in the
same run, plain `jieba.lcut` over every character of (a part of) the corpus
as a yardstick. MB are 10^6 bytes of input files (UTF-8).

The corpus: each file is the paragraphs of one sample in a shuffled order.
The same sentences recur across files, so the clause cache of the segmenter
hits more often than on unseen reports; `--cold` clears that cache before
every document to show the cost on text never seen before.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
MB = 1_000_000

# Runs in a fresh interpreter, so each configuration's memory is its own.
DRIVER = r"""
import json, resource, sys, time
from reportmine.runner import RunOptions, run
args = json.loads(sys.argv[1])
if args.pop("cold"):
    from reportmine import parallel, segment
    _process = parallel.process_source
    def cold(source, lex, options):
        segment._tagged.cache_clear()
        return _process(source, lex, options)
    parallel.process_source = cold
table = args.pop("table")
s = run(RunOptions(inputs=(args.pop("corpus"),), output="/dev/null", table=table, **args))
print(json.dumps({
    "seconds": s.seconds, "bytes": s.bytes, "inputs": s.inputs, "ok": s.ok, "indicators": s.indicators,
    "parent_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "worker_peak_kb": s.worker_peak_kb, "jobs": s.jobs,
}))
"""


def build_corpus(root: Path, files: int, seed: int = 1) -> tuple[int, int]:
    """`files` articles under root/dNN/, each a shuffle of one sample's paragraphs."""
    samples = [[p for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
               for f in sorted(SAMPLES.glob("*.txt"))]
    rnd = random.Random(seed)
    total = 0
    for n in range(files):
        paras = list(samples[n % len(samples)])
        rnd.shuffle(paras)
        folder = root / f"d{n // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = ("\n".join(paras) + "\n").encode("utf-8")
        (folder / f"a{n:06d}.txt").write_bytes(data)
        total += len(data)
    return files, total


def yardstick(root: Path, limit_mb: float) -> dict:
    """jieba.lcut (HMM on, its default) over every character of the first `limit_mb` of the corpus."""
    import jieba
    import logging

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts, size = [], 0
    for p in sorted(root.rglob("*.txt")):
        data = p.read_bytes()
        texts.append(data.decode("utf-8"))
        size += len(data)
        if size >= limit_mb * MB:
            break
    started = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    seconds = time.perf_counter() - started
    return {"bytes": size, "seconds": seconds, "mb_s": size / MB / seconds}


def measure(corpus: Path, jobs: int, table: str, cold: bool, engine: str = "local") -> dict:
    args = {"corpus": str(corpus), "jobs": jobs, "table": table, "cold": cold, "engine": engine,
            "doc_timeout": 60.0 if engine == "local" else 0.0}
    out = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(args)], capture_output=True, text=True,
                         check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["children_peak_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r.update(mb_s=r["bytes"] / MB / r["seconds"], docs_s=r["inputs"] / r["seconds"], table=table)
    return r


def row(name: str, r: dict, base: float | None) -> str:
    workers = r["worker_peak_kb"]
    w = f"{max(workers) / 1024:.0f}" if workers else "-"
    scale = f"{r['mb_s'] / base:.2f}x" if base else ""
    return (f"| {name} | {r['jobs']} | {r['mb_s']:.2f} | {r['docs_s']:.0f} | {scale} | "
            f"{r['parent_peak_kb'] / 1024:.0f} | {w} |")


def targets(stick: dict, runs: list, jobs: int) -> list[str]:
    """The figures the project aims at (2 cores), each with met / missed."""
    by = {(r["table"], r["jobs"]): r for r in runs}
    checks = []
    one, all_ = by.get(("indicators", 1)), by.get(("indicators", jobs))
    if one:
        checks.append(("indicators, 1 job >= 4x the yardstick", one["mb_s"] / stick["mb_s"], 4.0, "x"))
    if all_ and jobs > 1:
        checks.append((f"indicators, {jobs} jobs >= 7 MB/s", all_["mb_s"], 7.0, " MB/s"))
        if one:
            checks.append((f"scaling 1 -> {jobs} jobs >= 1.8x", all_["mb_s"] / one["mb_s"], 1.8, "x"))
    terms = by.get(("terms", jobs))
    if terms and jobs > 1:
        checks.append((f"terms, {jobs} jobs >= 1.7 MB/s", terms["mb_s"], 1.7, " MB/s"))
    peak = max((k for r in runs for k in r["worker_peak_kb"]), default=0) / 1024
    checks.append(("peak memory per worker < 300 MB", 300.0 - peak, 0.0, ""))
    out = []
    for name, got, want, unit in checks:
        shown = f"{peak:.0f} MB" if name.startswith("peak") else f"{got:.2f}{unit}"
        out.append(f"- {name}: {shown} ({'met' if got >= want else 'missed'})")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10_000, help="articles in the corpus (default 10,000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="the 'all jobs' figure (default: cores)")
    ap.add_argument("--yardstick-mb", type=float, default=20.0,
                    help="MB of the corpus that jieba.lcut reads (default 20; 0: all)")
    ap.add_argument("--cold", action="store_true", help="clear the segmenter's clause cache before each document")
    ap.add_argument("--no-terms", action="store_true", help="skip the term table runs")
    ap.add_argument("--dask", action="store_true", help="also run with --engine dask (a LocalCluster)")
    ap.add_argument("--corpus", type=Path, help="use (or build, if missing) the corpus in this folder")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="reportmine-bench.") as tmp:
        corpus = a.corpus or Path(tmp) / "corpus"
        if not corpus.exists():
            started = time.perf_counter()
            files, size = build_corpus(corpus, a.files)
            print(f"corpus: {files} files, {size / MB:.1f} MB in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        else:
            size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
        stick = yardstick(corpus, a.yardstick_mb or size / MB + 1)
        print(f"yardstick: jieba.lcut {stick['bytes'] / MB:.1f} MB in {stick['seconds']:.1f} s", file=sys.stderr)

        results = {"yardstick": stick, "files": a.files, "mb": size / MB, "runs": []}
        lines = [f"Corpus: {a.files} files, {size / MB:.1f} MB; {os.cpu_count()} cores"
                 f"{'; clause cache cleared per document' if a.cold else ''}.", "",
                 "| run | jobs | MB/s | docs/s | vs 1 job | parent peak MB | worker peak MB |",
                 "|---|---|---|---|---|---|---|",
                 f"| jieba.lcut, every character (yardstick) | 1 | {stick['mb_s']:.2f} |  |  |  |  |"]
        tables = ["indicators"] + ([] if a.no_terms else ["terms"])
        for table in tables:
            base = None
            for jobs in dict.fromkeys([1, a.jobs]):
                r = measure(corpus, jobs, table, a.cold)
                results["runs"].append(r)
                base = base or r["mb_s"]
                name = f"{table} table" + (f" ({r['mb_s'] / stick['mb_s']:.1f}x yardstick)" if jobs == 1 else "")
                lines.append(row(name, r, base if jobs > 1 else None))
                print(lines[-1], file=sys.stderr)
        local_runs = list(results["runs"])
        if a.dask:
            r = measure(corpus, a.jobs, "indicators", a.cold, engine="dask")
            results["runs"].append(dict(r, engine="dask"))
            lines.append(row("indicators table, --engine dask (LocalCluster)", r, None))
        lines += ["", "Targets (2 cores):", *targets(stick, local_runs, a.jobs)]
        print("\n".join(lines))
        if a.json:
            a.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
