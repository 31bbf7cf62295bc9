"""Exclusion rules run only near candidates, yet every candidate sees what the
plain scan of every window around the numbers (the reading of
lexicons/exclusions.toml) would show it.

The reference below is that plain scan; the tests compare, for each span a
candidate may have, whether it overlaps an excluded span.
"""
import random
import re
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportmine.extract import (_literal_trie, _merge, _windows, excluded_spans,
                                exclusion_plan, find_mentions)
from reportmine.lexicon import load_lexicon
from reportmine.normalize import normalize_text
from reportmine.numbers import find_quantities

LEX = load_lexicon()
ROOT = Path(__file__).parent.parent


def window_scan(text, lex, near):
    """Every rule over every window, as excluded_spans read them before."""
    spans = []
    for lo, hi in _windows(near, len(text)):
        for rule in lex.rules:
            spans += [m.span() for m in rule.pattern.finditer(text, lo, hi) if m.end() > m.start()]
        if lex.idiom_regex is not None:
            spans += [m.span() for m in lex.idiom_regex.finditer(text, lo, hi)]
    return _merge(spans)


def sees(spans, s, e):
    return any(a < e and s < b for a, b in spans)


def assert_same_view(text, near, seen=None, lex=LEX):
    got = excluded_spans(text, lex, near, seen)
    want = window_scan(text, lex, near)
    for s, e in (near if seen is None else seen):
        for a in range(s, e):
            for b in range(a + 1, e + 1):
                assert sees(got, a, b) == sees(want, a, b), (text, (a, b), got, want)
    # and nothing that the plain scan does not find
    assert all(any(x <= s and e <= y for x, y in want) for s, e in got), (text, got, want)


# Pieces of text that the rules are about, and the text around them.
WORDS = st.sampled_from([
    "2023年", "1-8月份", "6月30日", "10日", "二季度", "15:58", "9点半", "2020-10-23", "第3", "二期", "1.", "(一)",
    "一是", "三、", "〔2023〕12号", "84.5号", "索引号:", "1133082206201405/2023-80898", "0594-3399996",
    "13800138000", "ICP备", "hjxcb2008@163.com", "www.hjx.com", "版权所有", "访问次数:", "共5页", "1.2MB",
    "G60", "1+3+5", "双11", "4号地块", "320国道", "二十大", "八八战略", "一幢幢", "前3名", "百强", "三次", "一个",
    "两块", "廿二日", "两头", "千方百计", "一盘棋", "十四五", "一线", "十分",
    "完成", "签约", "212户", "76%", "8.5万平方米", "约", "达", "共", "3个", "5家", "一", "二", "十", "百", "万",
    "0", "1", "4", "9", ".", "-", "/", ":", "、", "，", "。", "；", "\n", " ", "的", "年", "月", "日", "号", "个",
    "是", "要", "大", "中", "前", "后", "强", "头", "块", "钱", "点", "分", "期", "届", "次", "“", "”", "(", ")",
])
TEXT = st.lists(WORDS, min_size=1, max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.randoms(use_true_random=False))
def test_every_candidate_sees_what_the_window_scan_shows(text, rnd):
    near = []
    for _ in range(rnd.randint(1, 8)):
        s = rnd.randrange(len(text))
        near.append((s, min(len(text), s + rnd.randint(1, 6))))
    seen = [(s + rnd.randint(0, e - s - 1), e) for s, e in near if rnd.random() < 0.7]
    assert_same_view(text, near)
    assert_same_view(text, near, seen)


@pytest.mark.parametrize("path", sorted((ROOT / "samples").glob("*.txt")) + sorted((ROOT / "tests" / "golden").glob("*/input.txt")),
                         ids=lambda p: p.parent.name if p.name == "input.txt" else p.name)
def test_real_documents(path):
    text = normalize_text(path.read_text(encoding="utf-8"))
    near = [(q.start, q.end) for q in find_quantities(text, LEX)]
    if near:
        assert_same_view(text, near)


def test_without_near_every_match_in_the_text():
    text = "2023年以来,完成签约212户,举报电话:0594-3399996,千方百计"
    assert excluded_spans(text, LEX) == window_scan(text, LEX, [(0, len(text))])


def test_rules_that_cannot_be_confined_keep_the_window_scan():
    plan = exclusion_plan(LEX)
    wide = {rule[0].pattern for rule in plan.wide}
    by_id = {r.id: r.pattern.pattern for r in LEX.rules}
    assert wide == {by_id["email_url"], by_id["copyright"]}      # [^\s\p{Han}]+ and [^\n]*
    assert len(plan.near) == len(LEX.rules) - 2 + 1                # and the idioms


@pytest.mark.parametrize("pattern", [
    r"\d+.年",                 # any character
    r"[^年]+年",               # a negated class
    r"(?i)abc\d",              # case folded
    r"(?:abc){e<=1}\d",        # fuzzy: the stdlib would read {e<=1} as text
    r"[[:digit:]]+号",         # a POSIX class
    r"\d+\p{Han}",             # consumes a class the stdlib does not know
    r"(?<=\p{Han}+)\d",         # looks behind at any number of unknown characters
    r"\d*",                    # may match nothing
])
def test_user_rules_the_analysis_cannot_read_are_scanned_whole(tmp_path, pattern):
    (tmp_path / "exclusions.toml").write_text(
        f"[[rule]]\nid = \"mine\"\npattern = '{pattern}'\nexamples = []\n", encoding="utf-8")
    lex = load_lexicon((tmp_path,))
    mine = next(r for r in lex.rules if r.id == "mine")
    assert mine.pattern in {rule[0] for rule in exclusion_plan(lex).wide}
    text = "合计12号楼3年1abc2共5人"
    assert_same_view(text, [(q.start, q.end) for q in find_quantities(text, lex)] or [(2, 4)], lex=lex)


@pytest.mark.parametrize("pattern, margin", [
    (r"(?<=\d+)号", 2),             # a lookbehind of any width over plain characters
    (r"\d+(?=\s*[楼栋])", 2),        # a lookahead of any width over plain characters
    (r"(?<![\p{Han}])\d+号", 2),    # one unknown character looked at: context enough
    (r"\d+(?=\p{Han}{2}$)", 4),     # two unknown characters, then is it the end
    (r"\d+号(?!\p{Han}\b)", 3),     # one unknown character and the one after it
])
def test_user_rules_the_analysis_can_read_run_near_candidates(tmp_path, pattern, margin):
    (tmp_path / "exclusions.toml").write_text(
        f"[[rule]]\nid = \"mine\"\npattern = '{pattern}'\nexamples = []\n", encoding="utf-8")
    lex = load_lexicon((tmp_path,))
    mine = next(r for r in lex.rules if r.id == "mine")
    plan = exclusion_plan(lex)
    assert mine.pattern in {rule[0] for rule in plan.near}
    assert plan.margin == margin
    for text in ["合计12号楼3年共5人", "A12号 3 栋,另有35户", "第12号", "12号", "共12号楼", "共12号楼\n"]:
        assert_same_view(text, [(q.start, q.end) for q in find_quantities(text, lex)] or [(0, 2)], lex=lex)
    rnd = random.Random(pattern)
    for _ in range(300):
        text = "".join(rnd.choice(["12", "3", "号", "楼", "栋", "年", " ", "\n", "的", "户", "共", "A"])
                       for _ in range(rnd.randint(1, 30)))
        near = [(s, min(len(text), s + rnd.randint(1, 3))) for s in rnd.sample(range(len(text)), min(3, len(text)))]
        assert_same_view(text, near, lex=lex)


def test_a_user_rule_with_a_lookahead_past_the_number(tmp_path):
    (tmp_path / "exclusions.toml").write_text(
        "[[rule]]\nid = \"mine\"\npattern = '\\d+(?=户以上的)'\nexamples = []\n", encoding="utf-8")
    lex = load_lexicon((tmp_path,))
    text = "完成签约212户以上的任务,另有35户"
    assert [m.raw for m in find_mentions(text, lex)] == ["35户"]
    assert_same_view(text, [(q.start, q.end) for q in find_quantities(text, lex)], lex=lex)


@pytest.mark.parametrize("words", ['["", "一线"]', '[" "]'])
def test_an_empty_idiom_word_is_a_lexicon_error(tmp_path, words):
    # it would match everywhere and exclude every number
    from reportmine.lexicon import LexiconError
    (tmp_path / "exclusions.toml").write_text(f"[idioms]\nwords = {words}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"exclusions\.toml.*empty or blank word"):
        load_lexicon((tmp_path,))


def test_literal_trie_matches_like_the_alternation_longest_first():
    rnd = random.Random(7)
    words = {"".join(rnd.choice("一二三十百千万方户") for _ in range(rnd.randint(1, 4))) for _ in range(60)}
    alternation = regex.compile("|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)))
    trie = re.compile(_literal_trie(words))
    for _ in range(300):
        text = "".join(rnd.choice("一二三十百千万方户的") for _ in range(rnd.randint(0, 40)))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in alternation.finditer(text)]


def test_a_long_stretch_of_numbers_is_walked_once(monkeypatch):
    # 0户、1户、2户 ... : one stretch without a barrier holds every number; the
    # regions of its numbers join, and its end is looked for once, not once
    # per number (which made a 10,000-number list take quadratic time)
    from reportmine import extract

    calls = []
    real = extract._stretch_end

    def counting(text, e, hi, plan):
        calls.append(e)
        return real(text, e, hi, plan)

    monkeypatch.setattr(extract, "_stretch_end", counting)
    text = "、".join(f"{n}户" for n in range(2000))
    near = [(q.start, q.end) for q in find_quantities(text, LEX)]
    assert len(near) == 2000
    spans = excluded_spans(text, LEX, near, near)
    assert len(calls) <= 3
    assert spans == window_scan(text, LEX, near)
