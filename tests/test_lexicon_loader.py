"""The lexicon loader: every malformed file is refused with file, line and field."""
import os
import shutil
from pathlib import Path

import pytest

from reportmine.lexicon import LEXICON_FILES, LexiconError, load_lexicon, locate, shipped_dir

UNITS_OK = '[[unit]]\nsurface = ["眼"]\ncategory = "count"\nunit = "="\nfactor = 1\n'


def folder(tmp_path, **files) -> Path:
    d = tmp_path / "mine"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / name.replace("_toml", ".toml").replace("_txt", ".txt")).write_text(text, encoding="utf-8")
    return d


def error_of(d) -> str:
    with pytest.raises(LexiconError) as e:
        load_lexicon((d,))
    return str(e.value)


@pytest.mark.parametrize("files, at, says", [
    # a field with a wrong value: the line of that field in that entry
    ({"units_toml": UNITS_OK + '\n[[unit]]\nsurface = ["垄"]\ncategory = "areas"\nunit = "ha"\nfactor = 1\n'},
     "units.toml:9", "[[unit]] 垄 field 'category': 'areas' is not one of"),
    ({"units_toml": '[[unit]]\nsurface = ["眼"]\ncategory = "count"\nunit = "="\n\nfactor = -2\n'},
     "units.toml:6", "field 'factor': must be a positive number"),
    ({"units_toml": '[[unit]]\nsurface = "眼"\n'}, "units.toml:2", "[[unit]] #1 field 'surface': must be a list"),
    ({"units_toml": UNITS_OK + 'examples = [["打井12眼", "twelve", "眼"]]\n'},
     "units.toml:6", "field 'examples' #1: must be [text, value, unit]"),
    # a field that the loader does not know (a typo)
    ({"units_toml": '[[unit]]\nsurface = ["眼"]\ncatgory = "count"\n'}, "units.toml:3",
     "[[unit]] #1 field 'catgory': unknown name"),
    ({"grammar_toml": '# x\n[qualifier.befor]\n"约莫" = "approx"\n'}, "grammar.toml:2", "[qualifier.befor]: unknown name"),
    ({"exclusions_toml": '[[rules]]\nid = "a"\n'}, "exclusions.toml:1", "[[rules]] #1: unknown name"),
    ({"grammar_toml": '[qualifier.before]\n"约莫" = "about"\n'}, "grammar.toml:2",
     "[qualifier.before] '约莫': 'about' is not one of exact"),
    ({"grammar_toml": '[change]\nup = ["增"]\n\ndown = "减"\n'}, "grammar.toml:4", "[change] field 'down': must be a list"),
    ({"exclusions_toml": '[[rule]]\nid = "ok"\npattern = "a"\n\n[[rule]]\nid = "bad"\npattern = "(unclosed"\n'},
     "exclusions.toml:7", "[[rule]] bad field 'pattern': missing )"),
    ({"exclusions_toml": '[[rule]]\npattern = "a"\n'}, "exclusions.toml:1", "field 'id' must be a non-empty string"),
    # TOML syntax: tomllib's own line
    ({"units_toml": '[[unit]]\nsurface = ["眼"\ncategory = "count"\n'}, "units.toml:3", "TOML syntax"),
    ({"grammar_toml": 'a = 1\nb = \n'}, "grammar.toml:2", "TOML syntax"),
    # word lists: the line
    ({"domain_words_txt": "# words\n征迁 2000 v\n拆迁 many v\n"}, "domain_words.txt:3", "frequency 'many'"),
    ({"domain_words_txt": "征迁 2000 v extra\n"}, "domain_words.txt:1", "expected: WORD [FREQ] [POS]"),
])
def test_malformed_file_is_refused_with_file_line_and_field(tmp_path, files, at, says):
    msg = error_of(folder(tmp_path, **files))
    assert f"{tmp_path / 'mine'}/{at}:" in msg
    assert says in msg


@pytest.mark.parametrize("files", [
    {"grammar_toml": "qualifier = 5\n"},
    {"units_toml": "context = 3\n"},
    {"units_toml": "[bare]\ncontexts = [1, 2]\n"},
    {"exclusions_toml": "rule = [1]\n"},
])
def test_wrong_shapes_are_refused_not_a_traceback(tmp_path, files):
    msg = error_of(folder(tmp_path, **files))
    assert str(tmp_path / "mine") in msg


def test_unknown_file_names_are_refused(tmp_path):
    msg = error_of(folder(tmp_path, unit_toml=UNITS_OK))
    assert "unit.toml: not a lexicon file name" in msg and "units.toml" in msg


def test_a_folder_with_no_lexicon_files_is_refused(tmp_path):
    d = folder(tmp_path, **{"README.md": "notes"})
    assert "holds none of" in error_of(d)


def test_not_a_folder(tmp_path):
    assert "not a folder" in error_of(tmp_path / "missing")


def test_a_copy_of_the_shipped_lexicons_is_a_valid_user_folder(tmp_path):
    d = tmp_path / "copy"
    d.mkdir()
    for name in LEXICON_FILES:
        if (shipped_dir() / name).is_file():
            shutil.copy(shipped_dir() / name, d / name)
    lex = load_lexicon((d,))
    assert lex.units.keys() == load_lexicon().units.keys()


def test_user_units_add_to_the_shipped_ones(tmp_path):
    lex = load_lexicon((folder(tmp_path, units_toml=UNITS_OK),))
    assert lex.units["眼"].category == "count" and lex.units["眼"].unit == "眼"
    assert lex.units["亩"].category == "area"
    assert lex.digest != load_lexicon().digest
    assert str(tmp_path / "mine" / "units.toml") in lex.sources


@pytest.mark.parametrize("text, where, line", [
    ('[[unit]]\nsurface = ["户"]\n[[unit]]\nsurface = ["亩"]\nfactor = -1\n', "[[unit]] 亩 field 'factor'", 5),
    ('[[unit]]\nsurface = ["户"]\n[[unit]]\nsurface = ["亩"]\n', "[[unit]] #2", 3),
    ('[[rule]]\nid = "a"\n[[rule]]\nid = "b"\n  pattern = "("\n', "[[rule]] b field 'pattern'", 5),
    ('[change]\nup = []\ndown = 1\n', "[change] field 'down'", 3),
    ('[qualifier.before]\n"约" = "approx"\n\'多\' = "x"\n', "[qualifier.before] '多'", 3),
    ('[qualifier.before]\n"约" = "approx"\n', "[qualifier.after] '多'", None),
    ('a = 1\nb = 2\n', "field 'b'", 2),
    ("", "line 7", 7),
])
def test_locate(text, where, line):
    assert locate(text, where) == line


def test_an_edited_user_file_is_read_again_in_the_same_session(tmp_path):
    d = folder(tmp_path, units_toml=UNITS_OK)
    assert load_lexicon((d,)) is load_lexicon((d,))           # cached while nothing changes
    (d / "units.toml").write_text(UNITS_OK.replace("眼", "垄"), encoding="utf-8")
    os.utime(d / "units.toml", ns=(1, 1))
    lex = load_lexicon((d,))
    assert "垄" in lex.units and "眼" not in lex.units


def test_a_users_places_lists_extend_the_shipped_ones(tmp_path):
    from reportmine.lexicon import load_lexicon
    shipped = load_lexicon()
    stop = shipped.places["stop"]
    key = next(k for k, v in stop.items() if isinstance(v, (list, tuple)))
    (tmp_path / "places.toml").write_text(f'[stop]\n{key} = ["试验假地名村"]\n', encoding="utf-8")
    merged = load_lexicon((tmp_path,)).places["stop"][key]
    assert "试验假地名村" in merged
    assert set(stop[key]) <= set(merged)


def test_a_bad_places_entry_stops_the_load(tmp_path):
    import pytest
    from reportmine.lexicon import LexiconError, load_lexicon
    (tmp_path / "places.toml").write_text('[suffix]\n"街道" = "planet"\n', encoding="utf-8")
    with pytest.raises(LexiconError):
        load_lexicon((tmp_path,))
