"""Normalize text so that offsets, sentences and numbers are stable.

The steps, in order (INDICATORS.md, "Normalized text"):

1. HTML entities decoded (&nbsp; &amp; &#20013;)
2. pinyin glosses after a character removed: 區(qū) -> 區
3. traditional characters converted to simplified (OpenCC t2s), only when
   the text holds a character that t2s changes
4. full-width ASCII folded to half-width (１２３ -> 123, ％ -> %), the ideographic
   space to a plain one; line ends to \\n
5. spaces a newspaper layout left between two Chinese characters, between a
   Chinese character and a digit, or inside a number (10.2 万平方米) removed

Each step is a str -> str function; `normalize_text` composes them and is
idempotent: normalize_text(normalize_text(s)) == normalize_text(s).

>>> normalize_text("區(qū)委 完成 10.2 万平方米")
'区委完成10.2万平方米'
"""
from __future__ import annotations

import html
import unicodedata
from functools import lru_cache

import regex

HAN = r"\p{Han}"
_ENTITY_RE = regex.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
# A gloss: one or more pinyin syllables (letters with tone marks) in brackets
# right after a Han character.
_PINYIN_RE = regex.compile(
    r"(?<=\p{Han})[(（]\s*(?=[^)）]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê\s]{1,12}\s*[)）]",
    regex.IGNORECASE,
)
_SPACE = r"[ \t\u00a0\u2002\u2003\u2009\u200b\u3000]"
# Han/digit on both sides of a layout space (but two numbers stay apart)
_HAN_GAP_RE = regex.compile(rf"(?<=[\p{{Han}}])(?:{_SPACE})+(?=[\p{{Han}}\d])|(?<=\d)(?:{_SPACE})+(?=\p{{Han}})")
_DECIMAL_GAP_RE = regex.compile(rf"(?<=\d)(?:{_SPACE})*([.．])(?:{_SPACE})*(?=\d)")
_CONTROL_RE = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200c\u200d\u2060]")


def decode_entities(text: str) -> str:
    """&amp;nbsp; stays one level deep; &nbsp; becomes a space.

    >>> decode_entities("A&amp;B&nbsp;C")
    'A&B C'
    """
    if "&" not in text:
        return text
    return _ENTITY_RE.sub(lambda m: html.unescape(m.group()).replace("\xa0", " "), text)


def strip_pinyin(text: str) -> str:
    """區(qū) -> 區: drop a pinyin gloss written after a character.

    >>> strip_pinyin("豐澤區(qū)委")
    '豐澤區委'
    """
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN_RE.sub("", text)


@lru_cache(maxsize=1)
def _converter():
    import opencc  # opencc-python-reimplemented
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def traditional_chars() -> frozenset:
    """The characters that OpenCC's t2s tables change (a quick pre-check)."""
    import opencc
    from pathlib import Path
    base = Path(opencc.__file__).parent / "dictionary"
    chars: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        path = base / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, vals = line.partition("\t")
            if name == "TSCharacters.txt":
                if len(key) == 1 and vals.split(" ")[0] != key:
                    chars.add(key)
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """Traditional to simplified with OpenCC t2s, skipped when nothing would change.

    >>> to_simplified("豐澤區委")
    '丰泽区委'
    """
    trad = traditional_chars()
    if not any(c in trad for c in text):
        return text
    return _converter().convert(text)


_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH.update({ord("\r"): None})


def fold_width(text: str) -> str:
    """Full-width ASCII to half-width: １２３％ -> 123%; \\r\\n -> \\n.

    >>> fold_width("１２３％ ＡＢ")
    '123% AB'
    """
    return text.translate(_FULLWIDTH)


def join_layout_spaces(text: str) -> str:
    """Remove spaces a layout left between Chinese characters or inside numbers.

    >>> join_layout_spaces("征收土 地8.5 万平方米, 153 个")
    '征收土地8.5万平方米, 153个'
    """
    text = _DECIMAL_GAP_RE.sub(r".", text) if "．" in text or " ." in text or ". " in text else text
    return _HAN_GAP_RE.sub("", text)


def clean_controls(text: str) -> str:
    """Drop control characters, the BOM and zero-width marks; keep \\n and \\t."""
    return _CONTROL_RE.sub("", text)


STEPS = (clean_controls, decode_entities, strip_pinyin, to_simplified, fold_width, join_layout_spaces)


def normalize_text(text: str) -> str:
    """All steps in order; idempotent.

    >>> normalize_text("１０.２ 萬平方米")
    '10.2万平方米'
    """
    text = unicodedata.normalize("NFC", text)
    for step in STEPS:
        text = step(text)
    return text
