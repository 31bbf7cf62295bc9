"""The README documents every command, and every option it names exists."""
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reportmine.cli import cli
from reportmine.write import FORMATS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def options_of(command: click.Command) -> set[str]:
    return {o for p in command.params if isinstance(p, click.Option) for o in p.opts + p.secondary_opts}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name):
    r = CliRunner().invoke(cli, [name, "--help"])
    assert r.exit_code == 0
    assert r.stdout.startswith(f"Usage: cli {name}") or r.stdout.startswith(f"Usage: reportmine {name}")
    assert cli.commands[name].help, f"{name} has no docstring"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_readme_section(name):
    assert re.search(rf"^### `reportmine {name}\b", README, re.M), f"README has no section for {name}"


@pytest.mark.parametrize("name", ["show", "summary"])
def test_every_option_of_show_and_summary_is_in_the_readme(name):
    missing = {o for o in options_of(cli.commands[name]) if o.startswith("--") and o != "--help"
               and o not in README}
    assert not missing


def test_extract_output_and_corpus_options_are_in_the_readme():
    for opt in ("--format", "--out-dir", "--excel", "--text-field", "--id-field", "--top", "--lexicons", "--table"):
        assert opt in options_of(cli.commands["extract"])
        assert f"`{opt}" in README or f" {opt} " in README, opt
    for fmt in FORMATS:
        assert f"| {fmt} |" in README, fmt


def test_every_option_the_readme_names_exists():
    known = set().union(*(options_of(c) for c in cli.commands.values())) | {"--help", "--version"}
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", README))
    assert not named - known, f"README names options no command has: {sorted(named - known)}"
