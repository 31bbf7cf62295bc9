"""Corpora as input, through the CLI: JSONL, JSON arrays, CSV exports and stdin."""
import csv
import io
import json

import pytest
from click.testing import CliRunner

from reportmine.cli import cli
from reportmine.model import DOCUMENT_COLUMNS, INDICATOR_COLUMNS

RATE_ROW = "{doc},1,rate,签约率,76,,%,exact,,,,,76%,4,7,签约率达76%"
HEADER = ",".join(INDICATOR_COLUMNS)


def invoke(args, input=None):
    return CliRunner().invoke(cli, ["extract", *args, "-j", "1", "-q"], input=input)


def jsonl(*records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def documents(stdout):
    return list(csv.DictReader(io.StringIO(stdout)))


def test_jsonl_on_stdin_gives_exactly_the_indicators_table():
    r = invoke(["-"], input=jsonl({"id": "a", "text": "签约率达76%"}, {"id": "b", "text": "签约率达76%"}))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "\n".join([HEADER, RATE_ROW.format(doc="a"), RATE_ROW.format(doc="b")]) + "\n"


def test_plain_text_on_stdin_is_one_document():
    r = invoke(["-"], input="签约率达76%\n")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == HEADER + "\n" + RATE_ROW.format(doc="stdin") + "\n"


def test_json_array_on_stdin():
    r = invoke(["-"], input=json.dumps([{"id": "x", "text": "签约率达76%"}], ensure_ascii=False))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == HEADER + "\n" + RATE_ROW.format(doc="x") + "\n"


def test_csv_on_stdin():
    r = invoke(["-", "--text-field", "正文", "--id-field", "编号"], input="编号,正文\nq1,签约率达76%\n")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == HEADER + "\n" + RATE_ROW.format(doc="q1") + "\n"


def test_other_fields_go_into_the_documents_table(tmp_path):
    f = tmp_path / "export.jsonl"
    f.write_text(jsonl(
        {"url": "http://a", "body": "签约率达76%", "site": "衢州日报", "tags": ["征迁", "签约"], "title": "签约进度"},
        {"url": "http://b", "body": "完成签约212户", "site": "湄洲日报", "views": 12},
    ), encoding="utf-8")
    r = invoke([str(f), "--text-field", "body", "--id-field", "url", "--table", "documents"])
    assert r.exit_code == 0, r.stderr
    rows = documents(r.stdout)
    assert tuple(rows[0]) == DOCUMENT_COLUMNS + ("site", "tags", "views")
    assert [d["doc_id"] for d in rows] == ["http://a", "http://b"]
    assert [d["path"] for d in rows] == [f"{f}:1", f"{f}:2"]
    assert [d["site"] for d in rows] == ["衢州日报", "湄洲日报"]
    assert rows[0]["tags"] == '["征迁", "签约"]' and rows[1]["views"] == "12" and rows[0]["views"] == ""
    assert rows[0]["title"] == "签约进度"          # the record's own title wins over a guess
    assert [d["status"] for d in rows] == ["ok", "ok"]
    assert [d["indicators"] for d in rows] == ["1", "1"]


def test_record_fields_cannot_overwrite_computed_columns(tmp_path):
    f = tmp_path / "e.jsonl"
    f.write_text(jsonl({"id": "a", "text": "签约率达76%", "status": "draft", "path": "/x", "indicators": 9}),
                 encoding="utf-8")
    r = invoke([str(f), "--table", "documents"])
    assert r.exit_code == 0, r.stderr
    (row,) = documents(r.stdout)
    assert (row["status"], row["indicators"], row["path"]) == ("ok", "1", f"{f}:1")
    assert (row["record_status"], row["record_indicators"], row["record_path"]) == ("draft", "9", "/x")


def test_every_record_gets_one_documents_row_even_broken_ones(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_text(jsonl({"id": "ok1", "text": "签约率达76%"}) + "{not json\n" + "[1, 2]\n"
                 + jsonl({"id": "no_text", "body": "x"}, {"text": "完成签约212户"}, {"id": 0, "text": ""}),
                 encoding="utf-8")
    r = invoke([str(f), "--table", "documents"])
    assert r.exit_code == 1
    rows = documents(r.stdout)
    got = [(d["doc_id"], d["status"]) for d in rows]
    assert sorted(got) == sorted([("ok1", "ok"), ("mixed/2", "unreadable"), ("mixed/3", "unreadable"),
                                  ("no_text", "unreadable"), ("mixed/5", "ok"), ("0", "empty")])
    errors = {d["doc_id"]: d["error"] for d in rows}
    assert errors["mixed/2"].startswith("line 2: not a JSON record")
    assert "no field 'text'" in errors["no_text"] and "body" in errors["no_text"]
    assert f"{f}:2" in r.stderr


def test_jsonl_records_may_hold_unicode_line_separators(tmp_path):
    f = tmp_path / "u.jsonl"
    f.write_bytes(('{"id": "a", "text": "签约率达76%\u2028下一段"}\n{"id": "b", "text": "签约率达76%"}\n')
                  .encode("utf-8"))
    r = invoke([str(f), "--table", "documents"])
    assert r.exit_code == 0, r.stderr
    assert [d["doc_id"] for d in documents(r.stdout)] == ["a", "b"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_export_in_the_encodings_excel_saves(tmp_path, encoding):
    f = tmp_path / "export.csv"
    f.write_bytes("id,text,来源\n1,签约率达76%,衢州日报\n2,\"完成签约212户,签约率达76%\",湄洲日报\n"
                  .encode(encoding))
    r = invoke([str(f), "--table", "documents"])
    assert r.exit_code == 0, r.stderr
    rows = documents(r.stdout)
    assert [(d["doc_id"], d["来源"], d["indicators"]) for d in rows] == [("1", "衢州日报", "1"), ("2", "湄洲日报", "2")]
    assert [d["path"] for d in rows] == [f"{f}:2", f"{f}:3"]


def test_csv_record_longer_than_the_csv_module_limit(tmp_path):
    f = tmp_path / "long.csv"
    long_text = "这是一段很长的报道。" * 20000 + "签约率达76%"
    with open(f, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerow(["long", long_text])
        w.writerow(["short", "签约率达76%"])
    r = invoke([str(f), "--table", "documents"])
    assert r.exit_code == 0, r.stderr
    rows = documents(r.stdout)
    assert [(d["doc_id"], d["status"], d["indicators"]) for d in rows] == [("long", "ok", "1"), ("short", "ok", "1")]


def test_corpus_inside_a_folder_when_the_glob_takes_it(tmp_path):
    (tmp_path / "a.txt").write_text("签约率达76%", encoding="utf-8")
    (tmp_path / "news.jsonl").write_text(jsonl({"id": "n1", "text": "签约率达76%"}), encoding="utf-8")
    r = invoke([str(tmp_path), "--glob", "*.txt", "--glob", "*.jsonl"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "\n".join([HEADER, RATE_ROW.format(doc="a"), RATE_ROW.format(doc="n1")]) + "\n"


def test_stdin_and_a_file_together(tmp_path):
    (tmp_path / "a.txt").write_text("签约率达76%", encoding="utf-8")
    r = invoke([str(tmp_path / "a.txt"), "-"], input=jsonl({"id": "z", "text": "签约率达76%"}))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "\n".join([HEADER, RATE_ROW.format(doc="a"), RATE_ROW.format(doc="z")]) + "\n"


def test_a_json_array_file_is_a_corpus(tmp_path):
    import json as _json

    from click.testing import CliRunner

    from reportmine.cli import cli
    path = tmp_path / "export.json"
    path.write_text(_json.dumps([{"id": "a", "text": "完成签约212户"}, {"id": "b", "text": "签约率达76%"}],
                                ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["a", "b"]
