"""Whole documents in, the full indicators CSV out (golden files).

Each tests/golden/<case>/ holds input.txt and expected.csv. After a deliberate
change of behaviour, rewrite them with

    REPORTMINE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and read the diff before committing.
"""
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportmine.cli import cli

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.parent for p in GOLDEN.glob("*/input.txt"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case, tmp_path):
    # the doc_id is the case name, as an analyst's folder would give it
    src = tmp_path / f"{case.name}.txt"
    src.write_bytes((case / "input.txt").read_bytes())
    result = CliRunner().invoke(cli, ["extract", str(src)])
    assert result.exit_code == 0, result.stderr
    expected = case / "expected.csv"
    if os.environ.get("REPORTMINE_UPDATE_GOLDEN"):
        with open(expected, "w", encoding="utf-8", newline="") as f:
            f.write(result.stdout)
    with open(expected, encoding="utf-8", newline="") as f:
        assert result.stdout == f.read()
