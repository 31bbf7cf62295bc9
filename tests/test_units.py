"""Every `examples` entry of lexicons/units.toml (and of its [bare] readings),
run through the whole extractor: adding a unit is a data edit plus examples."""
import math

import pytest

import reportmine
from reportmine.lexicon import load_lexicon

LEX = load_lexicon()


def _category_of(unit: str) -> str:
    """The category a standard unit belongs to, from the unit table itself."""
    cats = {u.unit: u.category for u in LEX.units.values()}
    cats.update({a[2]: a[1] for u in LEX.units.values() for a in u.alt})
    cats.update({b[2]: b[1] for b in LEX.bare})
    return cats[unit]


EXAMPLES = [pytest.param(text, value, unit, id=f"{src}:{text}") for src, text, value, unit in LEX.unit_examples]
BARE = [pytest.param(text, value, unit, id=f"{src}:{text}") for src, text, value, unit in LEX.bare_examples]


def test_every_unit_entry_has_examples():
    sources = {src.split(":", 1)[1] for src, *_ in LEX.unit_examples}
    entries = {}
    for word, ud in LEX.units.items():
        # the measure words of counts share one entry: their unit is the word itself
        unit = "=" if ud.category == "count" else ud.unit
        entries.setdefault((ud.category, unit, ud.factor, ud.alt, ud.not_before), []).append(word)
    missing = [words for words in entries.values() if not sources & set(words)]
    assert not missing, f"unit entries without examples: {missing}"


@pytest.mark.parametrize("text, value, unit", EXAMPLES + BARE)
def test_unit_example(text, value, unit):
    rows = reportmine.extract_text(text, lexicon=LEX)
    category = _category_of(unit)
    found = [(r["raw"], r["value"], r["unit"], r["category"]) for r in rows]
    assert any(r["unit"] == unit and r["category"] == category
               and math.isclose(float(r["value"]), value, rel_tol=1e-6) for r in rows), \
        f"{text!r}: expected {value} {unit} ({category}), got {found}"


def test_a_unit_added_in_a_user_folder_is_read(tmp_path):
    # the README's steps: one [[unit]] entry with its examples, no code
    (tmp_path / "units.toml").write_text(
        '[[unit]]\nsurface = ["千瓦"]\ncategory = "other"\nunit = "kW"\nfactor = 1\n'
        'examples = [["装机容量12万千瓦", 120000, "kW"]]\n', encoding="utf-8")
    lex = load_lexicon((tmp_path,))
    (src, text, value, unit), = [e for e in lex.unit_examples if e[0].endswith(":千瓦")]
    rows = reportmine.extract_text(text, lexicon=lex)
    assert [(r["value"], r["unit"], r["category"]) for r in rows] == [(value, unit, "other")]
    assert reportmine.extract_text(text, lexicon=LEX) == []
