"""--lexicons DIR through the CLI: an analyst's units, words and exclusions on
top of the shipped ones; a malformed folder stops the run with exit 2 before
any document is read; lexicon files are data and never run code."""
import inspect
import os

from click.testing import CliRunner

import reportmine.lexicon
from reportmine.cli import cli

HEADER = "doc_id,mention,category,subject,value,value_max,unit,qualifier,change,place,place_path,period,raw,start,end,sentence"
SIGNED = "t,{n},households,签约,212,,户,exact,,,,,212户,{s},{e},完成签约212户。"


def run(tmp_path, text, *lexicons):
    f = tmp_path / "t.txt"
    f.write_text(text, encoding="utf-8")
    args = ["extract", str(f), "-j", "1", "-q"]
    for d in lexicons:
        args += ["--lexicons", str(d)]
    return CliRunner().invoke(cli, args)


def lexdir(tmp_path, name, **files):
    d = tmp_path / name
    d.mkdir()
    for fname, text in files.items():
        (d / fname).write_text(text, encoding="utf-8")
    return d


def test_user_unit_is_read(tmp_path):
    d = lexdir(tmp_path, "wells", **{"units.toml": (
        '# wells are counted in 眼\n[[unit]]\nsurface = ["眼"]\ncategory = "count"\nunit = "="\nfactor = 1\n'
        'examples = [["新打机井12眼", 12, "眼"]]\n')})
    text = "新打机井12眼。完成签约212户。"
    r = run(tmp_path, text, d)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == HEADER and len(lines) == 3
    assert lines[1].split(",")[2:9] == ["count", "打机井", "12", "", "眼", "exact", ""]
    s = text.index("212户")
    assert lines[2] == SIGNED.format(n=2, s=s, e=s + 4)


def test_user_exclusion_removes_a_number(tmp_path):
    d = lexdir(tmp_path, "slogans", **{"exclusions.toml": (
        "[[rule]]\nid = \"slogan_n_ge_1\"\npattern = '[“\"]\\d+个\\d+[”\"]'\n"
        "examples = ['深入实施“5个1”工程']\ncounter = ['建成5个村']\n")})
    text = "深入实施“5个1”工程。完成签约212户。"
    # the shipped lexicons read 5个 here; the analyst's rule removes it
    assert ",5个," in run(tmp_path, text).stdout
    r = run(tmp_path, text, d)
    assert r.exit_code == 0, r.stderr
    s = text.index("212户")
    assert r.stdout == HEADER + "\n" + SIGNED.format(n=1, s=s, e=s + 4) + "\n"


def test_two_folders_stack(tmp_path):
    a = lexdir(tmp_path, "a", **{"units.toml": '[[unit]]\nsurface = ["眼"]\ncategory = "count"\nunit = "="\nfactor = 1\n'})
    b = lexdir(tmp_path, "b", **{"stopwords.txt": "机井\n"})
    r = run(tmp_path, "新打机井12眼。", a, b)
    assert r.exit_code == 0, r.stderr
    assert len(r.stdout.splitlines()) == 2


def test_malformed_folder_exits_2_naming_file_line_and_field(tmp_path):
    d = lexdir(tmp_path, "bad", **{"units.toml": (
        '[[unit]]\nsurface = ["眼"]\ncategory = "count"\nunit = "="\nfactor = 1\n\n'
        '[[unit]]\nsurface = ["垄"]\ncategory = "areas"\nunit = "ha"\nfactor = 0.1\n')})
    r = run(tmp_path, "完成签约212户。", d)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert f"{d}/units.toml:9: [[unit]] 垄 field 'category': 'areas' is not one of households" in r.stderr


def test_toml_syntax_error_exits_2_with_the_line(tmp_path):
    d = lexdir(tmp_path, "syntax", **{"grammar.toml": '[qualifier.before]\n"约莫" = approx\n'})
    r = run(tmp_path, "完成签约212户。", d)
    assert r.exit_code == 2
    assert f"{d}/grammar.toml:2: TOML syntax" in r.stderr


def test_show_refuses_a_malformed_folder_too(tmp_path):
    d = lexdir(tmp_path, "bad", **{"domain_words.txt": "征迁 lots\n"})
    f = tmp_path / "t.txt"
    f.write_text("完成签约212户。", encoding="utf-8")
    r = CliRunner().invoke(cli, ["show", str(f), "--lexicons", str(d)])
    assert r.exit_code == 2
    assert f"{d}/domain_words.txt:1: frequency 'lots'" in r.stderr


def test_lexicon_files_never_run_code(tmp_path):
    marker = tmp_path / "PWNED"
    payload = f"__import__('os').system('touch {marker}')"
    d = lexdir(tmp_path, "evil", **{
        "units.toml": f'[[unit]]\nsurface = ["眼"]\ncategory = "count"\nunit = "="\nfactor = "{payload}"\n',
        "units.py": f"{payload}\n",
        "lexicon.pkl": "cos\nsystem\n(S'touch {marker}'\ntR.\n",
    })
    r = run(tmp_path, "完成签约212户。", d)
    assert r.exit_code == 2 and "field 'factor': must be a positive number" in r.stderr
    # a pattern is only ever a regular expression
    d2 = lexdir(tmp_path, "evil2", **{"exclusions.toml": f"[[rule]]\nid = 'x'\npattern = '''{payload}'''\n"})
    r = run(tmp_path, "完成签约212户。", d2)
    assert r.exit_code == 0, r.stderr
    assert not marker.exists()
    assert sorted(os.listdir(d)) == ["lexicon.pkl", "units.py", "units.toml"]


def test_the_loader_has_no_way_to_run_code():
    source = inspect.getsource(reportmine.lexicon)
    for word in ("pickle", "eval(", "exec(", "import_module", "__import__", "yaml.load(", "marshal"):
        assert word not in source
