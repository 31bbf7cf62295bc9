"""No regular expression in lexicons/ backtracks catastrophically.

Every pattern of every lexicon file (any field named pattern or regex, at
any depth) runs over adversarial strings: long runs of each character the
rule and its examples use, with an ending that makes the match fail, and
its examples repeated.  A rule must finish each of them within a generous
time bound.  The `regex` module cannot be interrupted by a signal, so each
rule runs in a worker process that is killed when it overruns.
"""
import multiprocessing as mp
import sys
import time
import tomllib
from pathlib import Path

import pytest
import regex

from reportmine.lexicon import shipped_dir

SECONDS_PER_RULE = 2.0     # for the slowest adversarial string of a rule
WORKER_SECONDS = 10.0      # all strings of one rule; a rule still running then is killed
RUN = 2000          # an exponential pattern explodes at 30, a quadratic one well before 2000
GENERIC = "1一二十百千万中a .,-:/年月日号第期个户()（）、+@\n"
PATTERN_KEYS = ("pattern", "patterns", "regex")


def _rules() -> list[tuple[str, str, tuple[str, ...]]]:
    """(where, pattern, examples) of every pattern in the shipped lexicons."""
    found = []

    def visit(node, where: str, file: str) -> None:
        if isinstance(node, dict):
            examples = tuple(x for k in ("examples", "counter") for x in node.get(k, []) if isinstance(x, str))
            name = node.get("id", where)
            for key, value in node.items():
                if key in PATTERN_KEYS:
                    for pat in value if isinstance(value, list) else [value]:
                        found.append((f"{file}:{name}", pat, examples))
                else:
                    visit(value, f"{where}.{key}", file)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, f"{where}[{i}]", file)

    for path in sorted(shipped_dir().glob("*.toml")):
        with open(path, "rb") as f:
            visit(tomllib.load(f), "", path.name)
    return found


def adversarial(pattern: str, examples: tuple[str, ...]) -> list[str]:
    """Long runs of every character the rule mentions, each ending in a character it does not want."""
    chars = set(GENERIC) | {c for c in pattern if not c.isspace() and c not in "\\[](){}?*+|^$"}
    for e in examples:
        chars.update(e)
    out = []
    for c in sorted(chars):
        out += [c * RUN + "!", c * RUN + "\n" + c * 10]
    for a, b in ("1 ", "1.", "1,", "1-", "1:", "一十", "中 ", "1号", "第1", "a1", "(1", "1、"):
        out.append((a + b) * (RUN // 2) + "!")
    for e in examples:
        if e:
            out.append(e * max(1, RUN // len(e)))
            out.append((e + " ") * max(1, RUN // (len(e) + 1)) + "!")
    return out


def _slowest(pattern: str, texts: list[str]) -> float:
    """Seconds of the slowest text (every match found, as exclusions do)."""
    compiled = regex.compile(pattern, regex.V0)
    worst = 0.0
    for t in texts:
        start = time.perf_counter()
        for _ in compiled.finditer(t):
            pass
        worst = max(worst, time.perf_counter() - start)
    return worst


RULES = _rules()


def test_lexicons_hold_rules():
    assert len(RULES) >= 10


@pytest.mark.skipif(sys.platform == "win32", reason="worker process killed by fork context")
def test_no_rule_backtracks_catastrophically():
    ctx = mp.get_context("fork")
    slow = []
    pool = ctx.Pool(1)
    try:
        for where, pattern, examples in RULES:
            job = pool.apply_async(_slowest, (pattern, adversarial(pattern, examples)))
            try:
                seconds = job.get(timeout=WORKER_SECONDS)
            except mp.TimeoutError:
                seconds = float("inf")
                pool.terminate()
                pool = ctx.Pool(1)
            if seconds > SECONDS_PER_RULE:
                slow.append(where)
    finally:
        pool.terminate()
    assert slow == [], f"rules slower than {SECONDS_PER_RULE} s on adversarial text: {slow}"


def test_the_check_catches_a_catastrophic_rule():
    ctx = mp.get_context("fork")
    with ctx.Pool(1) as pool:
        # exponential in the length of a digit run (the regex module sees through (?:1+)+x)
        pattern = r"(?:\d|\d\d)+[a-z]"
        job = pool.apply_async(_slowest, (pattern, adversarial(pattern, ())))
        with pytest.raises(mp.TimeoutError):
            job.get(timeout=SECONDS_PER_RULE)
        pool.terminate()
