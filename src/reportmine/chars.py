"""Character classes for the stdlib `re` engine, where scanning is cheap.

`regex` understands \\p{Han} and Unicode properties, but on a plain scan it
is ten to twenty times slower than `re` (about 35 ns a character against 3),
and on a class of thousands of characters (the traditional characters of
OpenCC) slower still.  Hot scans over whole texts therefore use `re` with
the classes below; tests/test_chars.py pins them to `regex`'s own
definitions, so the two engines agree.

>>> import re
>>> re.findall(f"[{HAN}]+", "GDP增长6.1%,區(qū)委")
['增长', '區', '委']
>>> CharSet("區東").search("丰泽区城東")
4
>>> CharSet("區東").count("區東區東"), CharSet("區東").count("區東區東", limit=3)
(4, 3)
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

# \p{Han} of `regex` as a class body for `re` (CJK radicals, 々 〇 〡-〩,
# extension A, the unified block, compatibility ideographs, extensions B-H)
HAN = (
    "\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9"
    "\U00016fe2-\U00016fe3\U00016ff0-\U00016ff6"
    "\U00020000-\U0002a6df\U0002a700-\U0002b81e\U0002b820-\U0002cead\U0002ceb0-\U0002ebe0"
    "\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a\U00031350-\U00033479"
)
# \p{Zs}: the space separators
ZS = " \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
# \s of `regex` (the White_Space property); `re`'s \s also takes \x1c-\x1f
WS = "\t\n\x0b\x0c\r\x85\u2028\u2029" + ZS


def class_body(chars: Iterable[str]) -> str:
    """`chars` as the body of a character class, each escaped."""
    # (re.escape works a character at a time: escaping the joined string
    # gives the same, in one call for thousands of characters)
    return re.escape("".join(sorted(set(chars))))


def trie_pattern(words: Iterable[str]) -> str:
    """A pattern for the longest of `words` that starts at a position, written
    as a trie: an alternation of literals sorted longest first matches the
    same, but the engine tries every word at every position where one may
    start, and the trie only the words that share what it has read so far.

    >>> trie_pattern(["反覆", "反覆無常", "明瞭"])
    '(?:反覆(?:無常)?|明瞭)'
    >>> re.findall(trie_pattern(["反覆", "反覆無常", "明瞭"]), "反覆無常,反覆,明瞭")
    ['反覆無常', '反覆', '明瞭']
    """
    tree: dict = {}
    for word in set(words):
        if not word:
            raise ValueError("an empty word matches everywhere")
        node = tree
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}

    def branch(node: dict) -> str:
        # a word may end here ("" in node) or go on; going on is tried first
        # (greedy), so the longest word wins
        alternatives = []
        for c in sorted(k for k in node if k):
            child = node[c]
            # a chain of single children is written as one literal
            run = re.escape(c)
            while len(child) == 1 and "" not in child:
                (c2, child), = child.items()
                run += re.escape(c2)
            alternatives.append(run + branch(child))
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if "" in node:
            return body + "?" if len(alternatives) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return branch(tree) if tree else "(?!)"


class CharSet:
    """A set of characters with a fast scan for them.

    `re` keeps a class of BMP characters as a bitmap, tested in a few
    nanoseconds a character; a class that also holds characters beyond the
    BMP falls back to a list it walks for every character, a hundred times
    slower.  So the BMP part is the class, and characters beyond it are
    found by their range and checked against the set.
    """

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = frozenset(chars)
        bmp = [c for c in self.chars if ord(c) < 0x10000]
        self._astral = len(bmp) < len(self.chars)
        self._bmp_pattern = f"[{class_body(bmp)}]" if bmp else None
        parts = [self._bmp_pattern] if bmp else []
        if self._astral:
            parts.append(ASTRAL)
        self._re = re.compile("|".join(parts)) if parts else None

    @cached_property
    def _bmp(self) -> re.Pattern | None:
        """The BMP part alone, compiled when first needed (only counts use it;
        a class of thousands of characters takes milliseconds to compile)."""
        return re.compile(self._bmp_pattern) if self._bmp_pattern else None

    def search(self, text: str, pos: int = 0) -> int:
        """Index of the first character of the set in text[pos:], or -1."""
        if self._re is None:
            return -1
        while True:
            m = self._re.search(text, pos)
            if m is None:
                return -1
            if not self._astral or m.group() in self.chars:
                return m.start()
            pos = m.end()

    def __contains__(self, c: str) -> bool:
        return c in self.chars

    def occurs_in(self, text: str) -> bool:
        """Does any character of the set occur in `text`?"""
        return self.search(text) >= 0

    def count(self, text: str, limit: int | None = None) -> int:
        """How many characters of `text` are in the set; at most `limit`, when
        given (the scan then stops there, and finds no more matches than it needs)."""
        if limit is not None:
            return self._count_to(text, limit)
        n = len(self._bmp.findall(text)) if self._bmp is not None else 0
        if self._astral:
            n += sum(1 for c in ASTRAL_RE.findall(text) if c in self.chars)
        return n

    def _count_to(self, text: str, limit: int) -> int:
        n = 0
        if self._re is None or limit <= 0:
            return n
        for m in self._re.finditer(text):
            if self._astral and m.group() not in self.chars:
                continue
            n += 1
            if n >= limit:
                break
        return n


# any character beyond the BMP
ASTRAL = "[\U00010000-\U0010ffff]"
ASTRAL_RE = re.compile(ASTRAL)
