"""Nothing lost, nothing crashes: hostile inputs and broken outputs.

Every input yields exactly one documents row with a status, each bad one a
line on stderr naming it; the run goes on and its exit code says how it went.
"""
import csv
import io
import math
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportmine import extract_text
from reportmine.cli import cli
from reportmine.model import DOCUMENT_COLUMNS, DocStatus
from reportmine.pipeline import build_document, process_source
from reportmine.read import DEFAULT_MAX_BYTES, iter_sources, load_source

FILES = Path(__file__).parent / "files"
SAMPLES = Path(__file__).parent.parent / "samples"
REPORTMINE = [sys.executable, "-m", "reportmine"]

# committed file -> status
COMMITTED = {
    "empty.txt": "empty", "blank.txt": "empty", "blank_utf16.txt": "empty",
    "png.txt": "not_text", "zip.txt": "not_text", "pdf.txt": "not_text",
    "undecodable.txt": "undecodable",
    "utf16le.txt": "ok", "utf16be.txt": "ok", "mixed_utf8_gbk_big5.txt": "ok", "nul_bytes.txt": "ok",
    "gbk.txt": "ok", "big5.txt": "ok", "broken_utf8.txt": "ok", "page_saved_as.txt": "ok", "page.html": "ok",
}
MAX_BYTES = 1_500_000


def one_mb_sentence() -> bytes:
    """A megabyte of text and no punctuation, a few numbers in it."""
    chunk = "街道党员干部深入一线走访群众了解诉求推动项目落地见效" * 20
    parts = [chunk + f"完成签约{n}户" for n in range(1, 40)]
    text = "".join(parts)
    return (text * (1_000_000 // len(text) + 1))[:1_000_000 // 3].encode()


def make_hostile_folder(root: Path) -> dict[str, str]:
    """Every kind of hostile input in one folder; doc_id -> expected status."""
    expected = {}
    for name, status in COMMITTED.items():
        shutil.copy(FILES / name, root / name)
        expected[Path(name).stem] = status
    made = {
        "only_whitespace.txt": (b" \n\t \r\n" * 100, "empty"),
        "sentence_1mb.txt": (one_mb_sentence(), "ok"),
        "digits_200.txt": (("共有" + "9" * 200 + "户居民。").encode(), "ok"),
        "numbers_10k.txt": ("、".join(f"{n}户" for n in range(10_000)).encode(), "ok"),
        "deep.html": (("<div>" * 50_000 + "完成签约212户" + "</div>" * 50_000).encode(), "ok"),
        "too_large.txt": (("签" * (MAX_BYTES // 3 + 1)).encode(), "too_large"),
    }
    for name, (data, status) in made.items():
        (root / name).write_bytes(data)
        expected[Path(name).stem] = status
    os.mkfifo(root / "fifo.txt")
    expected["fifo"] = "unreadable"
    os.symlink("loop.txt", root / "loop.txt")
    expected["loop"] = "unreadable"
    os.symlink(root / "deleted_before_reading.txt", root / "dangling.txt")
    expected["dangling"] = "unreadable"
    folder = os.fsencode(root)
    for raw, doc_id in ((b"new\nline.txt", "new\\nline"), (b"bad\xffname.txt", "bad\\xffname")):
        with open(os.path.join(folder, raw), "wb") as f:
            f.write("完成签约212户。".encode())
        expected[doc_id] = "ok"
    (root / "locked").mkdir()
    (root / "locked" / "inside.txt").write_bytes(b"x")
    expected["locked"] = "unreadable"
    return expected


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return root, make_hostile_folder(root)


def lock_folder(monkeypatch, folder: Path) -> None:
    """A folder without permission, also for root (who reads everything)."""
    real = os.scandir

    def scandir(path):
        if Path(os.fsdecode(path)) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def documents(stdout: str) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert not rows or tuple(rows[0])[:len(DOCUMENT_COLUMNS)] == DOCUMENT_COLUMNS
    return rows


def test_every_hostile_input_gets_one_row(hostile, monkeypatch):
    root, expected = hostile
    lock_folder(monkeypatch, root / "locked")
    r = CliRunner().invoke(cli, ["extract", str(root), "--table", "documents", "--max-bytes", str(MAX_BYTES),
                                 "--jobs", "1", "--quiet"])
    rows = documents(r.stdout)
    assert len(rows) == len(expected)
    assert {row["doc_id"]: row["status"] for row in rows} == expected
    assert r.exit_code == 1
    # one line on stderr for each input that is not ok, naming it and saying why
    bad = [row for row in rows if row["status"] != "ok"]
    lines = r.stderr.splitlines()
    assert len(lines) == len(bad)
    for row in bad:
        assert sum(row["path"] in line and row["status"] in line for line in lines) == 1, row
    for row in rows:
        assert row["error"] or row["status"] == "ok"


def test_hostile_folder_through_worker_processes(hostile):
    root, expected = hostile
    # locked: root reads every folder, so the real folder is readable here
    expected = dict(expected, locked="ok" if os.access(root / "locked", os.R_OK) else "unreadable")
    expected["locked/inside"] = "ok"
    if expected["locked"] == "ok":
        del expected["locked"]
    else:
        del expected["locked/inside"]
    p = subprocess.run(REPORTMINE + ["extract", str(root), "--table", "documents", "--max-bytes", str(MAX_BYTES),
                                     "--jobs", "2"], capture_output=True, timeout=600)
    rows = documents(p.stdout.decode("utf-8"))
    assert {row["doc_id"]: row["status"] for row in rows} == expected
    assert p.returncode == 1
    assert "Traceback" not in p.stderr.decode("utf-8", "replace")


def test_hostile_rows_have_sane_indicators(hostile, lex):
    root, expected = hostile
    counts = {}
    for src in iter_sources([str(root)]):
        if expected.get(src.doc_id) != "ok" or src.doc_id == "locked":
            continue
        loaded = load_source(src, MAX_BYTES)
        result = process_source(loaded, lex)
        assert result.document["status"] == "ok", src.doc_id
        text = build_document(loaded).text
        for row in result.indicators:
            assert text[row["start"]:row["end"]] == row["raw"]
            assert math.isfinite(row["value"])
            assert row["value_max"] is None or row["value_max"] >= row["value"]
        counts[src.doc_id] = len(result.indicators)
    assert counts["numbers_10k"] >= 9_000
    assert counts["sentence_1mb"] >= 30
    assert counts["deep"] == 1 and counts["digits_200"] == 1


def test_exit_codes():
    runner = CliRunner()
    ok = runner.invoke(cli, ["extract", str(SAMPLES), "-q", "-j", "1"])
    some = runner.invoke(cli, ["extract", str(SAMPLES), str(FILES / "png.txt"), "-q", "-j", "1"])
    none = runner.invoke(cli, ["extract", str(FILES / "png.txt"), str(FILES / "empty.txt"), "-q", "-j", "1"])
    usage = runner.invoke(cli, ["extract", str(SAMPLES), "--max-bytes", "0"])
    assert (ok.exit_code, some.exit_code, none.exit_code, usage.exit_code) == (0, 1, 3, 2)


def test_file_deleted_between_listing_and_reading(tmp_path, lex):
    path = tmp_path / "a.txt"
    path.write_text("完成签约212户。", encoding="utf-8")
    src, = iter_sources([str(tmp_path)])
    path.unlink()
    row = process_source(load_source(src), lex).document
    assert (row["doc_id"], row["status"]) == ("a", "unreadable")


# -- size ---------------------------------------------------------------------------

def test_200mb_single_line_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.txt"
    line = ("完成签约212户" * 1000).encode()
    with open(big, "wb") as f:
        for _ in range(200 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert big.stat().st_size > 200 * 1024 * 1024 > DEFAULT_MAX_BYTES
    code = ("import resource, subprocess, sys; "
            f"p = subprocess.run({REPORTMINE!r} + ['extract', {str(big)!r}, '--table', 'documents', '-j', '1'], "
            "capture_output=True); "
            "sys.stdout.write(p.stdout.decode() + '\\n' + str(p.returncode) + '\\n' "
            "+ str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=600)
    out, returncode, maxrss_kb = p.stdout.decode().rsplit("\n", 2)
    row, = documents(out)
    assert (row["status"], returncode) == ("too_large", "3")
    assert "more than --max-bytes" in row["error"]
    assert int(maxrss_kb) < 180 * 1024, "the 200 MB file was loaded into memory"


# -- pipes and outputs ----------------------------------------------------------------

def test_pipe_to_head_ends_quietly():
    p = subprocess.run(
        f"{sys.executable} -m reportmine extract {SAMPLES} {SAMPLES} {SAMPLES} -j 1 | head -n 2",
        shell=True, capture_output=True, timeout=300,
    )
    assert p.returncode == 0
    assert len(p.stdout.decode().splitlines()) == 2
    assert b"Traceback" not in p.stderr and b"BrokenPipe" not in p.stderr


def test_disk_full_on_stdout_exits_non_zero_with_a_message():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        p = subprocess.run(REPORTMINE + ["extract", str(SAMPLES), "-j", "1", "-q"], stdout=full,
                           stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 4
    assert p.stderr.decode().strip().splitlines()[-1] == \
        "reportmine: cannot write to stdout: No space left on device"


class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, f):
        self.f = f

    def write(self, _s):
        import errno
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()


def test_disk_full_on_output_file_keeps_the_previous_file(tmp_path, monkeypatch):
    import builtins

    import reportmine.write as write

    out = tmp_path / "indicators.csv"
    out.write_text("previous run\n", encoding="utf-8")
    real_open = builtins.open

    def full_open(path, mode="r", *args, **kw):
        f = real_open(path, mode, *args, **kw)
        return _FullDisk(f) if "w" in mode and str(path).endswith(".part") else f

    monkeypatch.setattr(write, "open", full_open, raising=False)
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES), "-o", str(out), "-j", "1", "-q"])
    assert r.exit_code == 4
    assert r.stderr.strip() == f"reportmine: cannot write {out}: No space left on device; {out} is left as it was"
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["indicators.csv"]   # no temporary file left


def test_output_folder_without_permission(tmp_path, monkeypatch):
    import tempfile

    out = tmp_path / "indicators.csv"
    out.write_text("previous run\n", encoding="utf-8")

    def no_permission(*args, **kw):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", no_permission)
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES), "-o", str(out), "-j", "1", "-q"])
    assert r.exit_code == 4
    assert "Permission denied" in r.stderr and str(out) in r.stderr
    assert out.read_text(encoding="utf-8") == "previous run\n"


# -- pathological texts through the library -----------------------------------------------

@pytest.mark.parametrize("text", [
    "9" * 200 + "户",
    "共有" + "9" * 400 + ".5" + "9" * 400 + "亿元",
    "1" * 3000,
    "。" * 100_000,
    "(" * 50_000 + "区" + "(qū" * 10_000,
    "&amp;" * 50_000 + "&",
    "区 " * 100_000,
    "\x00" * 10_000 + "完成签约212户",
])
def test_pathological_texts(text):
    for row in extract_text(text):
        assert math.isfinite(row["value"])


def test_lone_surrogates_in_a_jsonl_record_do_not_stop_the_run():
    # JSON may escape half a surrogate pair; UTF-8 output cannot hold it
    record = '{"id": "a\\ud800b", "text": "完成签约212户\\ud800", "url": "x\\udc00", "k\\ud801": [1, "\\ud802"]}\n'
    r = CliRunner().invoke(cli, ["extract", "-", "--table", "documents", "-j", "1", "-q"],
                           input=record + '{"id": "b", "text": "签约率达76%"}\n')
    assert r.exit_code == 0, r.stderr
    rows = documents(r.stdout)
    assert [(row["doc_id"], row["status"], row["url"]) for row in rows] == [("a\ufffdb", "ok", "x\ufffd"), ("b", "ok", "")]
