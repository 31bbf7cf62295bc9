"""The state of an incremental run: what each input was and what it gave.

`--state FILE` keeps a SQLite database (no server) with one entry per input:
its path, doc_id, size, mtime, sha256 of its content, and the rows it
produced (document, indicators, terms). A later run reads again only inputs
that are new or whose size, mtime or content changed, and takes the stored
rows for the others; entries of inputs that are gone are dropped.

Stored rows are valid only for the same reportmine version, lexicons
(`Lexicon.digest`) and --max-bytes: when any of these differ, the state is
emptied at the start of the run. Terms are stored when a run computes them;
a run that needs terms recomputes entries stored without them.

One run at a time: the state is locked (a POSIX lock on FILE.lock, released
by the system when the process ends, however it ends). Results are committed
in small transactions while the run goes on, so a run killed midway leaves a
valid database holding all work done so far, and the next run finishes the
rest. Output files are only replaced when a run completes.

>>> import tempfile, os; d = tempfile.mkdtemp()
>>> with open_state(os.path.join(d, "s.db"), "v1") as st:
...     st.save(Entry("p.txt", "p", 3, 1.0, "abc", None), DocResult({"doc_id": "p"}))
...     st.lookup("p.txt", "p").sha256
'abc'
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .model import DocResult

SCHEMA_VERSION = "1"
# A file modified this close to (or after) the moment it was read may have
# changed again within the same mtime tick: compare its content, not its mtime.
RACY_SECONDS = 2.0
# Commit fresh results at least this often, so a killed run loses little.
COMMIT_EVERY_SECONDS = 2.0
COMMIT_EVERY_DOCS = 500

BUSY_MESSAGE = ("the state file {path} is in use by another reportmine run{who}; "
                "wait for it to finish (or run with another --state)")


class StateBusy(RuntimeError):
    """Another run holds the lock on this state file."""


class StateError(RuntimeError):
    """A state file that cannot be used (not a reportmine state, unreadable)."""


@dataclass(frozen=True)
class Entry:
    """What is stored about one input (without its rows)."""

    path: str
    doc_id: str
    size: int
    mtime: float
    sha256: str
    terms_top: int | None        # the --top of stored terms; None: terms not stored
    checked: float = 0.0         # when the content was read (seconds since the epoch)


def fingerprint(version: str, lexicon_digest: str, max_bytes: int) -> str:
    """Everything that, changed, makes stored rows invalid.

    >>> fingerprint("0.1.0", "ab12", 100)
    'reportmine 0.1.0; lexicons ab12; max-bytes 100'
    """
    return f"reportmine {version}; lexicons {lexicon_digest}; max-bytes {max_bytes}"


def encode_result(result: DocResult) -> bytes:
    """Rows as compressed JSON: exact for str, int, float and None cells.

    >>> decode_result(encode_result(DocResult({"a": 1.5}, ({"v": None},)))).indicators
    ({'v': None},)
    """
    payload = {"d": result.document, "i": list(result.indicators), "t": list(result.terms)}
    # ensure_ascii keeps lone surrogates (odd file names) representable
    return zlib.compress(json.dumps(payload, separators=(",", ":")).encode("ascii"), 6)


def decode_result(blob: bytes) -> DocResult:
    payload = json.loads(zlib.decompress(blob).decode("ascii"))
    return DocResult(payload["d"], tuple(payload["i"]), tuple(payload["t"]))


class _Lock:
    """An exclusive, non-blocking lock on `path`, released when the process ends.

    POSIX record locks (lockf) are not inherited by forked workers and vanish
    with the process, even on SIGKILL, so a killed run never leaves a stale lock.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.key = os.path.realpath(path)
        if self.key in _HELD:
            # POSIX locks are per process: a second open in this process would succeed
            raise StateBusy(BUSY_MESSAGE.format(path=path.removesuffix(".lock"), who=" (in this process)"))
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StateError(f"{path.removesuffix('.lock')}: cannot use this state file: {e.strerror or e}") from None
        try:
            self._acquire()
        except OSError:
            who = self._holder()
            os.close(self.fd)
            raise StateBusy(BUSY_MESSAGE.format(path=path.removesuffix(".lock"), who=who)) from None
        _HELD.add(self.key)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())

    def _acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt
            msvcrt.locking(self.fd, msvcrt.LK_NBLCK, 1)
            return
        fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _holder(self) -> str:
        try:
            pid = os.pread(self.fd, 32, 0).decode().strip()
        except (OSError, AttributeError, UnicodeDecodeError):
            return ""
        return f" (pid {pid})" if pid.isdigit() else ""

    def release(self) -> None:
        # closing the descriptor releases the lock; the file stays (removing
        # a lock file while another process opens it is a race)
        _HELD.discard(self.key)
        os.close(self.fd)


# Lock files this process holds (realpaths).
_HELD: set[str] = set()


class State:
    """An open, locked state database."""

    def __init__(self, path: str, fp: str) -> None:
        self.path = path
        self.invalidated = False
        self.lock = _Lock(path + ".lock")
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._setup(fp)
        except sqlite3.DatabaseError as e:
            self.lock.release()
            raise StateError(f"{path}: not a usable reportmine state ({e})") from None
        except BaseException:
            self.lock.release()
            raise
        self._dirty = 0
        self._last_commit = time.monotonic()
        self._in_tx = False

    def _setup(self, fp: str) -> None:
        db = self.db
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS inputs ("
            " path TEXT NOT NULL, doc_id TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL,"
            " sha256 TEXT NOT NULL, terms_top INTEGER, checked REAL NOT NULL,"
            " indicators INTEGER NOT NULL, rows BLOB NOT NULL,"
            " PRIMARY KEY (path, doc_id))")
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION or meta.get("fingerprint") != fp:
            self.invalidated = bool(meta)
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM inputs")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fp,))
            db.execute("COMMIT")

    # -- reading -------------------------------------------------------------
    def lookup(self, path: str, doc_id: str) -> Entry | None:
        row = self.db.execute(
            "SELECT path, doc_id, size, mtime, sha256, terms_top, checked FROM inputs"
            " WHERE path = ? AND doc_id = ?", (path, doc_id)).fetchone()
        return Entry(*row) if row else None

    def rows(self, path: str, doc_id: str) -> DocResult:
        (blob,) = self.db.execute("SELECT rows FROM inputs WHERE path = ? AND doc_id = ?",
                                  (path, doc_id)).fetchone()
        return decode_result(blob)

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM inputs").fetchone()[0]

    # -- writing -------------------------------------------------------------
    def _begin(self) -> None:
        if not self._in_tx:
            self.db.execute("BEGIN IMMEDIATE")
            self._in_tx = True

    def save(self, entry: Entry, result: DocResult) -> None:
        """Store (or replace) an input's entry and rows; committed in small batches."""
        self._begin()
        self.db.execute(
            "INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.path, entry.doc_id, entry.size, entry.mtime, entry.sha256, entry.terms_top,
             entry.checked or time.time(), len(result.indicators), encode_result(result)))
        self._dirty += 1
        self._maybe_commit()

    def touch(self, entry: Entry, size: int, mtime: float) -> None:
        """Same content, new size/mtime (a file touched or copied over)."""
        self._begin()
        self.db.execute("UPDATE inputs SET size = ?, mtime = ?, checked = ? WHERE path = ? AND doc_id = ?",
                        (size, mtime, time.time(), entry.path, entry.doc_id))
        self._dirty += 1
        self._maybe_commit()

    def _maybe_commit(self) -> None:
        if self._dirty >= COMMIT_EVERY_DOCS or time.monotonic() - self._last_commit >= COMMIT_EVERY_SECONDS:
            self.commit()

    def commit(self) -> None:
        if self._in_tx:
            self.db.execute("COMMIT")
            self._in_tx = False
        self._dirty = 0
        self._last_commit = time.monotonic()

    def keep_only(self, keys: Iterator[tuple[str, str]]) -> int:
        """Drop the entries of inputs that are no longer there; how many were dropped."""
        self.commit()
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (path TEXT, doc_id TEXT, PRIMARY KEY (path, doc_id))")
        db.execute("DELETE FROM seen")
        db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", keys)
        cur = db.execute("DELETE FROM inputs WHERE NOT EXISTS"
                         " (SELECT 1 FROM seen WHERE seen.path = inputs.path AND seen.doc_id = inputs.doc_id)")
        dropped = cur.rowcount
        db.execute("DELETE FROM seen")
        db.execute("COMMIT")
        return dropped

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self.db.close()
            self.lock.release()


@contextmanager
def open_state(path: str, fp: str) -> Iterator[State]:
    """Open and lock the state at `path` for one run; commit and release on exit.

    Raises StateBusy at once when another run holds it.
    """
    path = os.fspath(path)
    folder = os.path.dirname(path)
    if folder:
        # --out-dir out/ --state out/state.sqlite: the folder may not exist yet
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as e:
            raise StateError(f"{path}: cannot use this state file: {e.strerror or e}") from None
    st = State(path, fp)
    try:
        yield st
    finally:
        st.close()


def is_unchanged(entry: Entry, size: int, mtime: float) -> bool:
    """True when size and mtime say the file is what was read then.

    >>> is_unchanged(Entry("p", "p", 3, 100.0, "h", None, checked=200.0), 3, 100.0)
    True
    >>> is_unchanged(Entry("p", "p", 3, 100.0, "h", None, checked=101.0), 3, 100.0)
    False
    """
    return entry.size == size and entry.mtime == mtime and entry.checked - mtime > RACY_SECONDS
