import csv
import io
from pathlib import Path

from click.testing import CliRunner

from reportmine.cli import cli
from reportmine.model import INDICATOR_COLUMNS

SAMPLES = Path(__file__).parent.parent / "samples"


def test_extract_writes_only_the_csv_to_stdout():
    result = CliRunner().invoke(cli, ["extract", str(SAMPLES)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == INDICATOR_COLUMNS
    assert {r["doc_id"] for r in rows} == {p.stem for p in SAMPLES.glob("*.txt")}
    keys = [(r["doc_id"], int(r["mention"])) for r in rows]
    assert keys == sorted(keys)
    assert "reportmine:" in result.stderr


def test_version_and_help():
    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and "reportmine" in r.stdout
    for cmd in ("extract", "normalize", "show"):
        r = CliRunner().invoke(cli, [cmd, "--help"])
        assert r.exit_code == 0 and "Usage" in r.stdout


def test_usage_error_exits_2():
    r = CliRunner().invoke(cli, ["extract"])
    assert r.exit_code == 2
