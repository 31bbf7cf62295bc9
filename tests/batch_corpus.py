"""Generated corpora for the batch tests: varied articles made from samples/.

Each article is a shuffle of the paragraphs of one sample, so files differ in
content and in the rows they give, and a corpus of any size is made in
milliseconds. `with_failures` adds inputs that are not ok (empty, binary,
undecodable) so that failure rows are part of every comparison.
"""
from __future__ import annotations

import random
from pathlib import Path

SAMPLES = Path(__file__).parent.parent / "samples"


def sample_paragraphs() -> list[list[str]]:
    out = []
    for p in sorted(SAMPLES.glob("*.txt")):
        paras = [x for x in p.read_text(encoding="utf-8").split("\n") if x.strip()]
        out.append(paras)
    return out


def article(n: int, seed: int = 0) -> str:
    """Article number n: the paragraphs of sample n % 5, shuffled by n (and seed)."""
    samples = sample_paragraphs()
    paras = list(samples[n % len(samples)])
    random.Random(n * 7919 + seed).shuffle(paras)
    return "\n".join(paras[: max(3, len(paras) * 2 // 3)]) + "\n"


def make_corpus(root: Path, count: int, with_failures: bool = True, subdirs: int = 3) -> Path:
    """`count` articles under root (spread over a few subfolders), plus failures."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        folder = root / f"d{n % subdirs}" if subdirs else root
        folder.mkdir(exist_ok=True)
        (folder / f"a{n:05d}.txt").write_text(article(n), encoding="utf-8")
    if with_failures:
        (root / "empty.txt").write_bytes(b"")
        (root / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
        (root / "big5.txt").write_bytes("投資總額約40億元，簽約率達76%".encode("big5"))
    return root
