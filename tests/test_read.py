"""Inputs to Sources: folders, files and everything that can go wrong on the way."""
import os
import sys
import threading
from pathlib import Path

import pytest

from reportmine.model import DocStatus
from reportmine.read import clean_name, iter_sources, load_source, read_file, walk

UTF8 = "完成签约212户。".encode()


def write(path: Path, data: bytes = UTF8) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def loaded(inputs, **kw):
    return [load_source(s, **kw) for s in iter_sources([str(i) for i in inputs])]


def test_folders_are_walked_sorted_with_relative_doc_ids(tmp_path):
    for name in ("b.txt", "a.md", "sub/c.html", "sub/deeper/d.htm", "skip.pdf", "notes.TXT"):
        write(tmp_path / name)
    ids = [s.doc_id for s in iter_sources([str(tmp_path)])]
    assert ids == ["a", "b", "notes", "sub/c", "sub/deeper/d"]


def test_glob_chooses_files(tmp_path):
    write(tmp_path / "a.txt")
    write(tmp_path / "b.md")
    assert [s.doc_id for s in iter_sources([str(tmp_path)], globs=("*.md",))] == ["b"]


def test_a_single_file_is_its_stem(tmp_path):
    src, = loaded([write(tmp_path / "x" / "report.txt")])
    assert (src.doc_id, src.data, src.status) == ("report", UTF8, None)


def test_html_suffix_sets_the_kind(tmp_path):
    src, = loaded([write(tmp_path / "p.HTM")])
    assert src.kind == "html"


def test_missing_input_is_one_unreadable_source(tmp_path):
    src, = loaded([tmp_path / "nothing.txt"])
    assert src.status is DocStatus.UNREADABLE and "No such file" in src.error


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_unreadable_and_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    result = []
    # opened without blocking: a reader that waited for a writer would hang here
    t = threading.Thread(target=lambda: result.extend(loaded([tmp_path])), daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "reading a FIFO blocked"
    src, = result
    assert (src.doc_id, src.status, src.error) == ("pipe", DocStatus.UNREADABLE, "not a regular file (a FIFO)")


def test_symlink_loop_file_is_unreadable(tmp_path):
    os.symlink("loop.txt", tmp_path / "loop.txt")
    src, = loaded([tmp_path])
    assert src.status is DocStatus.UNREADABLE and "symbolic links" in src.error


def test_symlinked_folder_loop_is_walked_once(tmp_path):
    write(tmp_path / "a.txt")
    os.symlink(".", tmp_path / "again")
    os.symlink(str(tmp_path), tmp_path / "sub_loop", target_is_directory=True)
    assert [s.doc_id for s in iter_sources([str(tmp_path)])] == ["a"]


def test_broken_symlink_is_unreadable(tmp_path):
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    src, = loaded([tmp_path])
    assert src.status is DocStatus.UNREADABLE


def test_file_deleted_between_listing_and_reading(tmp_path):
    path = write(tmp_path / "a.txt")
    refs = list(iter_sources([str(tmp_path)]))
    path.unlink()
    src = load_source(refs[0])
    assert (src.doc_id, src.status) == ("a", DocStatus.UNREADABLE)
    assert "No such file" in src.error


def test_folder_without_permission_is_one_unreadable_source(tmp_path, monkeypatch):
    write(tmp_path / "ok.txt")
    locked = tmp_path / "locked"
    write(locked / "secret.txt")
    real = os.scandir

    def scandir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    sources = list(iter_sources([str(tmp_path)]))
    assert [(s.doc_id, s.status) for s in sources] == [("locked", DocStatus.UNREADABLE), ("ok", None)]
    assert sources[0].error == "Permission denied"


def _unreadable_for_us(path: Path) -> bool:
    return not os.access(path, os.R_OK)


def test_real_folder_and_file_without_permission(tmp_path):
    locked = tmp_path / "locked"
    write(locked / "secret.txt")
    closed = write(tmp_path / "closed.txt")
    locked.chmod(0)
    closed.chmod(0)
    try:
        if not _unreadable_for_us(locked):
            pytest.skip("running as a user that reads everything (root)")
        statuses = {s.doc_id: (s.status, s.error) for s in loaded([tmp_path])}
        assert statuses == {"locked": (DocStatus.UNREADABLE, "Permission denied"),
                            "closed": (DocStatus.UNREADABLE, "Permission denied")}
    finally:
        locked.chmod(0o755)
        closed.chmod(0o644)


def test_file_without_permission(tmp_path, monkeypatch):
    path = write(tmp_path / "closed.txt")
    real = os.open

    def fake_open(p, flags, *args, **kw):
        if Path(os.fsdecode(p)) == path:
            raise PermissionError(13, "Permission denied", str(p))
        return real(p, flags, *args, **kw)

    monkeypatch.setattr(os, "open", fake_open)
    src = read_file(path, "closed")
    assert (src.status, src.error) == (DocStatus.UNREADABLE, "Permission denied")


def test_too_large_is_refused_without_reading(tmp_path):
    path = write(tmp_path / "big.txt", b"x" * 1001)
    src = read_file(path, "big", max_bytes=1000)
    assert (src.status, src.data, src.size) == (DocStatus.TOO_LARGE, None, 1001)
    assert "1001 bytes, more than --max-bytes 1000" == src.error
    assert read_file(path, "big", max_bytes=1001).data == b"x" * 1001


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_names_with_line_breaks_and_invalid_utf8(tmp_path):
    folder = os.fsencode(tmp_path)
    for raw in (b"line\nbreak.txt", b"bad\xff\xfename.txt", "中文名.txt".encode()):
        with open(os.path.join(folder, raw), "wb") as f:
            f.write(UTF8)
    sources = loaded([tmp_path])
    assert [s.doc_id for s in sources] == ["bad\\xff\\xfename", "line\\nbreak", "中文名"]
    for s in sources:
        assert s.data == UTF8                      # the file is still read by its real name
        assert "\n" not in s.path and s.path.isprintable()


@pytest.mark.parametrize("name,shown", [
    ("a.txt", "a.txt"),
    ("a\nb.txt", "a\\nb.txt"),
    ("a\tb\r.txt", "a\\tb\\r.txt"),
    ("a\x1b.txt", "a\\x1b.txt"),
    ("a\udcff.txt", "a\\xff.txt"),
    ("报告.txt", "报告.txt"),
])
def test_clean_name(name, shown):
    assert clean_name(name) == shown


def test_walk_reports_an_unreadable_root(tmp_path):
    assert list(walk(tmp_path / "absent", ("*.txt",))) == [(tmp_path / "absent", "No such file or directory")]
