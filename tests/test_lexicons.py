"""Every exclusion rule's examples and counter-examples, run through the extractor."""
import pytest

import reportmine
from reportmine.lexicon import load_lexicon

LEX = load_lexicon()


def _raws(text):
    return [r["raw"] for r in reportmine.extract_text(text, lexicon=LEX)]


def _quantities(text):
    from reportmine.normalize import normalize_text
    from reportmine.numbers import find_quantities
    return find_quantities(normalize_text(text), LEX)


RULE_EXAMPLES = [(r.id, ex) for r in LEX.rules for ex in r.examples]
RULE_COUNTER = [(r.id, ex) for r in LEX.rules for ex in r.counter]


@pytest.mark.parametrize("rule_id, text", RULE_EXAMPLES)
def test_rule_example_yields_no_indicator_in_its_span(rule_id, text):
    rule = next(r for r in LEX.rules if r.id == rule_id)
    from reportmine.normalize import normalize_text
    norm = normalize_text(text)
    spans = [(m.start(), m.end()) for m in rule.pattern.finditer(norm)]
    assert spans, f"rule {rule_id} does not match its own example {text!r}"
    for row in reportmine.extract_text(text, lexicon=LEX):
        assert not any(row["start"] < e and s < row["end"] for s, e in spans), (rule_id, text, row["raw"])


@pytest.mark.parametrize("rule_id, text", RULE_COUNTER)
def test_rule_counter_example_keeps_its_indicator(rule_id, text):
    assert _raws(text), f"{rule_id}: counter-example {text!r} lost its indicator"


@pytest.mark.parametrize("text", LEX.cn_examples)
def test_chinese_numeral_examples_are_not_indicators(text):
    found = [q for q in _quantities(text) if q.chinese]
    assert found, f"the example {text!r} holds no Chinese-numeral quantity to exclude"
    assert not any(r["raw"] in {q.raw for q in found} for r in reportmine.extract_text(text, lexicon=LEX))


@pytest.mark.parametrize("text", LEX.cn_counter)
def test_chinese_numeral_counter_examples_stay(text):
    assert _raws(text)


@pytest.mark.parametrize("idiom", LEX.idioms)
def test_idioms_yield_nothing(idiom):
    assert _raws(f"我们{idiom}。") == []


def test_rule_ids_are_unique():
    ids = [r.id for r in LEX.rules]
    assert len(ids) == len(set(ids))


def test_lexicon_digest_changes_with_content(tmp_path):
    (tmp_path / "domain_words.txt").write_text("试验词语 100 n\n", encoding="utf-8")
    assert load_lexicon((tmp_path,)).digest != LEX.digest
