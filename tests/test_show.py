"""`reportmine show FILE`: the text with indicators marked in place, a table beneath."""
import json

from click.testing import CliRunner
from rich.console import Console

from reportmine.cli import cli
from reportmine.show import marked_text, render

TEXT = "签约率达76%。\n完成签约212户。"


def show(*args, input=None):
    return CliRunner().invoke(cli, ["show", *map(str, args)], input=input)


def table_rows(out: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip().strip("│").split("│")]
            for line in out.splitlines() if line.startswith("│")]


def test_text_marked_in_place_and_the_table_beneath(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(TEXT, encoding="utf-8")
    r = show(f)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "t  (2 indicators)"
    assert "签约率达76%[1]。" in lines
    assert "完成签约212户[2]。" in lines
    assert lines.index("完成签约212户[2]。") < next(i for i, line in enumerate(lines) if "category" in line)
    rows = table_rows(r.stdout)
    assert [row[:5] for row in rows] == [["1", "rate", "签约率", "76", "%"], ["2", "households", "签约", "212", "户"]]
    assert [row[-1] for row in rows] == ["76%", "212户"]


def test_no_text(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(TEXT, encoding="utf-8")
    r = show(f, "--no-text")
    assert r.exit_code == 0, r.output
    assert "[1]" not in r.stdout and len(table_rows(r.stdout)) == 2


def test_a_record_of_a_corpus(tmp_path):
    f = tmp_path / "news.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "签约率达76%"}) + "\n"
                 + json.dumps({"id": "b", "text": TEXT, "title": "进度"}, ensure_ascii=False) + "\n", encoding="utf-8")
    r = show(f, "--id", "b")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "b  进度  (2 indicators)"
    r = show(f)
    first = r.stdout.splitlines()[0]
    assert first.startswith("a  ") and first.endswith("(1 indicator)")
    r = show(f, "--id", "zz")
    assert r.exit_code == 2 and "no record with id 'zz'" in r.stderr


def test_stdin():
    r = show("-", input="签约率达76%")
    assert r.exit_code == 0, r.output
    assert "签约率达76%[1]" in r.stdout.splitlines()


def test_a_file_without_text_exits_1(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    r = show(f)
    assert r.exit_code == 1 and "empty" in r.stderr and r.stdout == ""


def test_marked_text_keeps_the_text_and_numbers_each_span():
    text = "一二三四五六七八九十"
    rows = [{"mention": 2, "category": "area", "start": 6, "end": 8},
            {"mention": 1, "category": "rate", "start": 1, "end": 3},
            {"mention": 3, "category": "rate", "start": 7, "end": 9}]   # overlaps mention 2
    t = marked_text(text, rows)
    assert t.plain == "一二三[1]四五六七八[2]九十"
    styled = {t.plain[s.start:s.end] for s in t.spans}
    assert {"二三", "七八", "[1]", "[2]"} <= styled


def test_render_is_pure_and_prints_without_a_terminal():
    doc = {"doc_id": "d", "title": "标题", "date": "2023-07-10", "publisher": ""}
    rows = [{"mention": 1, "category": "rate", "subject": "签约率", "value": 76, "value_max": None, "unit": "%",
             "qualifier": "exact", "change": "", "place": "", "period": "", "raw": "76%", "start": 4, "end": 7}]
    c = Console(width=100, record=True, no_color=True, file=open("/dev/null", "w"))
    for part in render(doc, "签约率达76%", rows):
        c.print(part)
    out = c.export_text()
    assert out.splitlines()[0] == "d  标题  2023-07-10  (1 indicator)"
    assert "签约率达76%[1]" in out
