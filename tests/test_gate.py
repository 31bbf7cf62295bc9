"""A gate on the shared seeds gold: floors that drop only on purpose.

The scoring follows the project's scorer (tools/score.py in the shared
folder): one-to-one greedy matching by category, unit and value within a
relative 1e-3; optional gold mentions neither count as misses nor as false
positives; subject matches when one contains the other.
"""
import json
import math
from pathlib import Path

import reportmine

ROOT = Path(__file__).parent.parent
FLOORS = {"f1": 0.95, "subject": 0.85, "qualifier": 0.95}


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-3, abs_tol=1e-9)


def score(gold_docs, predict):
    tp = fp = fn = subj = qual = 0
    for doc in gold_docs:
        preds = predict(doc["doc_id"])
        used = [False] * len(preds)
        for g in doc["mentions"]:
            hit = next((i for i, p in enumerate(preds) if not used[i] and p["category"] == g["category"]
                        and p["unit"] == g["unit"] and _close(p["value"], g["value"])
                        and (g.get("value_max") is None or _close(p["value_max"], g["value_max"]))), None)
            if hit is None:
                fn += not g.get("optional")
                continue
            used[hit] = True
            if g.get("optional"):
                continue
            tp += 1
            gs, ps = "".join((g.get("subject") or "").split()), "".join((preds[hit]["subject"] or "").split())
            subj += bool(gs and ps and (gs in ps or ps in gs)) or (not gs and not ps)
            qual += (g.get("qualifier") or "exact") == (preds[hit]["qualifier"] or "exact")
        optional = [g for g in doc["mentions"] if g.get("optional")]
        for i, p in enumerate(preds):
            if used[i]:
                continue
            if any(g["category"] == p["category"] and g["unit"] == p["unit"] and _close(p["value"], g["value"])
                   for g in optional):
                continue
            fp += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "subject": subj / tp if tp else 0.0, "qualifier": qual / tp if tp else 0.0}


def test_seeds_gate():
    gold = [json.loads(line) for line in (ROOT / "tests" / "gold" / "seeds.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    lex = reportmine.load_lexicon()

    def predict(doc_id):
        text = (ROOT / "samples" / f"{doc_id}.txt").read_text(encoding="utf-8")
        return reportmine.extract_text(text, doc_id=doc_id, lexicon=lex)

    got = score(gold, predict)
    for key, floor in FLOORS.items():
        assert got[key] >= floor, (key, got)
