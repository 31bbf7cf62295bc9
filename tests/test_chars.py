"""The `re` character classes agree with `regex`'s Unicode properties."""
import re

import regex
from hypothesis import given
from hypothesis import strategies as st

from reportmine.chars import HAN, WS, ZS, CharSet, trie_pattern

ALL = "".join(map(chr, range(0x110000)))


def _runs(pattern: str, flags=0, engine=re) -> list[tuple[int, int]]:
    return [m.span() for m in engine.compile(pattern, flags).finditer(ALL)]


def test_han_is_regex_han():
    assert _runs(f"[{HAN}]+") == _runs(r"\p{Han}+", engine=regex)


def test_zs_is_regex_zs():
    assert _runs(f"[{ZS}]+") == _runs(r"\p{Zs}+", engine=regex)


def test_ws_is_regex_s():
    assert _runs(f"[{WS}]+") == _runs(r"\s+", engine=regex)


SET = "區東实\U00020000\U0002a6df"
text_chars = st.sampled_from(list(SET + "区东實 a1\U00020001\U0001f600"))


@given(st.text(text_chars, max_size=30), st.integers(0, 30))
def test_charset_search_and_count(text, pos):
    cs = CharSet(SET)
    found = [i for i, c in enumerate(text) if c in SET and i >= pos]
    assert cs.search(text, pos) == (found[0] if found else -1)
    assert cs.count(text) == sum(c in SET for c in text)
    assert cs.count(text, limit=pos) == min(pos, cs.count(text))
    assert cs.occurs_in(text) == any(c in SET for c in text)


def test_empty_set_finds_nothing():
    assert CharSet("").search("abc") == -1 and CharSet("").count("abc") == 0


words = st.sets(st.text("ab.c", min_size=1, max_size=4), min_size=1, max_size=8)


@given(words, st.text("ab.cx", max_size=20))
def test_trie_pattern_matches_the_longest_word_first_alternation(words, text):
    alternation = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    trie = re.compile(trie_pattern(words))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in alternation.finditer(text)]
