"""Normalize text so that offsets, sentences and numbers are stable.

The steps, in order (INDICATORS.md, "Normalized text"):

1. control characters, the BOM and zero-width marks dropped; lone
   surrogates (possible in JSON input) become U+FFFD; Unicode NFC
2. full-width ASCII folded to half-width (１２３ -> 123, ％ -> %), the
   ideographic space to a plain one; line ends to \\n
3. HTML entities decoded (&nbsp; &amp; &#20013;), chains such as &amp;lt;
   included, so that a second pass finds none
4. pinyin glosses after a character removed: 區(qū) -> 區
5. spaces a newspaper layout left between two Chinese characters, between a
   Chinese character and a digit, or inside a number (10.2 万平方米) removed
6. traditional characters converted to simplified (OpenCC t2s), only when
   the text holds a character that t2s changes

The order makes `normalize_text` idempotent: no step creates work for an
earlier one (layout spaces go before t2s because OpenCC converts some words
differently once their characters touch: 反 覆 -> 反覆 -> 反复).

>>> normalize_text("區(qū)委 完成 10.2 萬平方米")
'区委完成10.2万平方米'
"""
from __future__ import annotations

import bisect
import html
import itertools
import re
import unicodedata
from functools import lru_cache
from html.entities import html5
from pathlib import Path
from typing import NamedTuple

import regex

from .chars import ASTRAL_RE, HAN, ZS, CharSet, trie_pattern

# -- 1. controls --------------------------------------------------------------
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\u200c\u200d\u2060\ufffe\uffff"
_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
_LINE_BREAKS = str.maketrans({"\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# anything this step changes: one scan finds out whether there is work
_UNCLEAN = f"{_CONTROLS}\x85\u2028\u2029\ud800-\udfff"
_UNCLEAN_RE = re.compile(f"[{_UNCLEAN}]")


def clean_controls(text: str) -> str:
    """Drop control characters, the BOM and zero-width joiners; keep \\t, \\n and \\r.

    >>> clean_controls("签\\x00约\\ufeff率\\u2028")
    '签约率\\n'
    """
    if text.isascii() and text.isprintable() or not _UNCLEAN_RE.search(text):
        return text
    text = _CONTROL_RE.sub("", text)
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.translate(_LINE_BREAKS)
    # a lone surrogate (JSON allows "\ud800") cannot be written as UTF-8
    return _SURROGATE_RE.sub("\ufffd", text)


# -- 2. width -----------------------------------------------------------------
_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH[0xA0] = 0x20
# str.translate looks a list up by index, two to three times faster than a
# dict that misses on most characters (a miss raises inside).  Characters past
# the end of the list (beyond the BMP) stay as they are.
_BMP_IDENTITY = list(range(0x10000))


def bmp_table(mapping: dict) -> list:
    """A translate table for `mapping` (code point -> str or code point) within the BMP."""
    table = _BMP_IDENTITY[:]
    for k, v in mapping.items():
        if k < 0x10000:
            table[k] = v
    return table


_FULLWIDTH_TABLE = bmp_table(_FULLWIDTH)
_WIDE = "\uff01-\uff5e\u3000\xa0"
_WIDE_RE = re.compile(f"[{_WIDE}]")
# a line's stretch from its first full-width character to its last
_WIDE_STRETCH_RE = re.compile(f"[{_WIDE}](?:[^\n]*[{_WIDE}])?")


def _fold_stretch(m: re.Match) -> str:
    return m.group().translate(_FULLWIDTH_TABLE)


def fold_width(text: str) -> str:
    """Full-width ASCII to half-width, no-break spaces to spaces; \\r\\n and \\r -> \\n.

    >>> fold_width("１２３％ ＡＢ\\r\\n二\\r三")
    '123% AB\\n二\\n三'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _WIDE_RE.search(text):       # most text has none: skip the translate
        return text
    # str.translate costs about 20 ns a character even through a list; most
    # text holds full-width forms on a few lines only (an indent, a ％), so
    # only the stretches of a line between the first and last are translated
    return _WIDE_STRETCH_RE.sub(_fold_stretch, text)


# -- 3. entities --------------------------------------------------------------
# An entity, and before it any number of encoded ampersands: &amp;amp;lt; is
# "<" at once, not after one pass per level.  Named entities need their
# semicolon (a URL's &region= stays as it is).
_AMP = r"(?:amp;|AMP;|#0*38;?|#[xX]0*26;?|#0*65286;?|#[xX]0*[fF][fF]06;?)"
_ENTITY_RE = regex.compile(rf"&{_AMP}*(?P<e>#[0-9]{{1,7}};?|#[xX][0-9a-fA-F]{{1,6}};?|[A-Za-z][A-Za-z0-9]{{1,31}};)")


def _entity(m) -> str:
    body = m["e"]
    if body[0] == "#":
        out = html.unescape("&" + body.rstrip(";") + ";")
    else:
        out = html5.get(body)
        if out is None:
            return m.group()
    # what an entity stands for is normalized like the text around it
    return unicodedata.normalize("NFC", fold_width(clean_controls(out)))


def decode_entities(text: str) -> str:
    """&nbsp; becomes a space, &#20013; 中; &amp;lt; is "<" at once.

    >>> decode_entities("A&amp;B&nbsp;C &amp;lt; &region=1")
    'A&B C < &region=1'
    """
    # Again until nothing changes: what one entity stands for may complete
    # another (&&#97;mp; -> &amp;).  Each pass shortens the text, so this ends.
    while "&" in text:
        decoded = _ENTITY_RE.sub(_entity, text)
        if decoded == text:
            break
        text = decoded
    return text


# -- 4. pinyin ----------------------------------------------------------------
# A gloss: pinyin syllables (with at least one tone mark) in brackets right
# after a Han character, and any glosses right after that one.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# Letters in either case, spelt out: the pattern used to be case-insensitive,
# which makes the engine fold the case of every character it scans.  These
# are the characters that case-insensitive [a-zü...ê] took, the Unicode
# foldings İ ı ſ K (Kelvin) included; tests/test_normalize.py pins them.
_TONED_ANY_CASE = _TONED + _TONED.upper()
_PINYIN_LETTERS = f"a-zA-Z\u0130\u0131\u017f\u212aüÜêÊ{_TONED_ANY_CASE}"
_GLOSS_BODY = rf"[ \t]*+(?=[^)）\n]{{0,24}}[{_TONED_ANY_CASE}])[{_PINYIN_LETTERS} \t]{{1,24}}[)）]"
# (It starts at the bracket and looks back from there: see _HAN_GAP_RE; the group
# is for _before_layout, which splits the text at the glosses.)
_PINYIN_RE = re.compile(rf"([(（](?<=[{HAN}](?s:.)){_GLOSS_BODY}(?:[(（]{_GLOSS_BODY})*+)")
# The same for a text without "（" (any text after the width step, which
# folds it to "("): a pattern that starts with one literal character lets the
# engine skip from one "(" to the next, about eight times faster than
# testing a class at every character.
_PINYIN_ASCII_RE = re.compile(rf"(\((?<=[{HAN}]\(){_GLOSS_BODY}(?:[(（]{_GLOSS_BODY})*+)")


def _pinyin_pattern(text: str) -> re.Pattern | None:
    """The gloss pattern to scan `text` with, or None when it has no bracket."""
    if "（" in text:
        return _PINYIN_RE
    return _PINYIN_ASCII_RE if "(" in text else None


def strip_pinyin(text: str) -> str:
    """區(qū) -> 區: drop a pinyin gloss written after a character.

    >>> strip_pinyin("豐澤區(qū)委(wěi)、(一)")
    '豐澤區委、(一)'
    """
    pattern = _pinyin_pattern(text)
    return pattern.sub("", text) if pattern else text


# -- 5. layout spaces ---------------------------------------------------------
_SPACE = rf"[\t{ZS}\u200b]"
# A layout space: between two Han characters, a Han character and a digit,
# or a digit and a Han character (two numbers stay apart: 3 5).
# (The pattern starts with the space and looks back from there, so that the
# engine skips to the next space at once instead of trying every character.)
_HAN_GAP_RE = re.compile(
    rf"{_SPACE}(?:(?<=[{HAN}](?s:.)){_SPACE}*+(?=[{HAN}\d])|(?<=\d(?s:.)){_SPACE}*+(?=[{HAN}]))"
)
# The same for a text whose only layout spaces are plain ones (most text):
# starting at a literal " ", the engine skips to the next space instead of
# testing the class at every character, two to three times faster.
_HAN_GAP_PLAIN_RE = re.compile(
    rf" (?:(?<=[{HAN}] ){_SPACE}*+(?=[{HAN}\d])|(?<=\d ){_SPACE}*+(?=[{HAN}]))"
)
# The layout spaces other than " " (and \xa0, \u3000, which the width step folds)
_ODD_SPACES = "\t\u1680\u2000-\u200b\u202f\u205f"
# Spaces around the point of a decimal: 10 . 2 -> 10.2
_DECIMAL_GAP_RE = re.compile(rf"(?<=\d){_SPACE}*+\.{_SPACE}*+(?=\d)")
# The step runs only on a text with " ." ". " "\t." or ".\t" in it: one scan
# that stops at each point finds those faster than four substring searches.
_SPACED_POINT_RE = re.compile(r"\.(?:(?<=[ \t]\.)|(?=[ \t]))")


# A line break that a newspaper or OCR layout put inside a number: after the
# point of a decimal (98.|6%), before it (98|.6%), or between a numeral and
# 余/多/万/亿 (三百|余亩, 12.5|万平方米).  Only these: a break between two
# numbers or two words may be a real one.  Traditional forms are listed too,
# since this step runs before t2s (normalizing twice must change nothing).
_WRAPPED_NUMBER_RE = re.compile(
    # (written from the first blank, looking back from there: see _HAN_GAP_RE)
    r"[ \t\n](?:(?<=\d\.[ \t\n])(?:(?<=\n)|(?<=[ \t])[ \t]*\n)[ \t]*(?=\d)"
    r"|(?<=\d[ \t\n])(?:(?<=\n)|(?<=[ \t])[ \t]*\n)[ \t]*(?=\.\d)"
    r"|(?<=[\d〇零一二两兩三四五六七八九十百千韆万萬亿億][ \t\n])(?:(?<=\n)|(?<=[ \t])[ \t]*\n)[ \t]*(?=[余餘多万萬亿億]))"
)
# What every such break is followed by: a line that starts with a digit, the
# point or 余/多/万/亿.  A scan for these starts at the line ends, which the
# engine finds fast; there are a few in a text, and the pattern above is
# tried at each of them only, instead of at every space and line end.
_WRAP_HINT_RE = re.compile(r"\n[ \t]*[\d.余餘多万萬亿億]")


def _join_wrapped_numbers(text: str) -> str:
    """_WRAPPED_NUMBER_RE.sub("", text), trying the pattern only where a hint is."""
    out: list[str] = []
    done = 0
    for hint in _WRAP_HINT_RE.finditer(text):
        # a break starts at the first blank before the line end: after a
        # blank, the pattern's look back at the numeral fails
        start = hint.start()
        while start > done and text[start - 1] in " \t":
            start -= 1
        m = _WRAPPED_NUMBER_RE.match(text, start)
        if m:
            out.append(text[done:start])
            done = m.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def join_layout_spaces(text: str) -> str:
    """Remove spaces a layout left between Chinese characters or inside numbers.

    >>> join_layout_spaces("征收土 地8.5 万平方米, 153 个, 10 . 2 亩, GDP 增长")
    '征收土地8.5万平方米, 153个, 10.2亩, GDP 增长'
    >>> join_layout_spaces("签约率达到98.\\n6%,腾出土地三百\\n余亩")
    '签约率达到98.6%,腾出土地三百余亩'
    """
    return _join_layout(text, plain_spaces=False)


def _join_layout(text: str, plain_spaces: bool) -> str:
    """join_layout_spaces; `plain_spaces`: `text` holds no _ODD_SPACES, \\xa0 or \\u3000."""
    text = _join_wrapped_numbers(text)
    if _SPACED_POINT_RE.search(text):
        text = _DECIMAL_GAP_RE.sub(".", text)
    return (_HAN_GAP_PLAIN_RE if plain_spaces else _HAN_GAP_RE).sub("", text)


# -- 6. traditional to simplified ----------------------------------------------
@lru_cache(maxsize=None)
def _opencc_table(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The rows of an OpenCC dictionary, read once: the converter, the
    triggers and the script sets are all made from them."""
    import opencc  # opencc-python-reimplemented

    path = Path(opencc.__file__).parent / "dictionary" / name
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key:
            rows.append((key, tuple(values.split())))
    return tuple(rows)


@lru_cache(maxsize=1)
def _converter():
    """OpenCC's t2s, rebuilt for speed on the same dictionaries (see `convert_t2s`)."""
    return _FastT2S()


class _FastT2S:
    """OpenCC t2s (opencc-python-reimplemented) with the same output, about a
    hundred times faster.

    OpenCC splits the text at separators, then in each piece converts the
    longest phrase of TSPhrases first (the leftmost of equal length), the
    pieces left and right of it the same way, and last every character that
    no phrase covered by TSCharacters.  Phrases are few and rare, so a piece
    without one is a single str.translate; tests/test_normalize.py checks the
    output against OpenCC's own.
    """

    # OpenCC's separators (PhraseExtract): no dictionary entry holds them
    SPLIT = re.compile(
        r"(\s+|-|,|\.|\?|!|\*|　|，|。|、|；|：|？|！|…|“|”|‘|’|『|』|「|」|﹁|﹂|—|－|（|）|《|》|〈|〉|～|．|／|＼|"
        r"︒|︑|︔|︓|︿|﹀|︹|︺|︙|︐|［|﹇|］|﹈|︕|︖|︰|︳|︴|︽|︾|︵|︶|｛|︷|｝|︸|﹃|﹄|【|︻|】|︼)")

    # the end of the last separator in a stretch: `.*` runs to the end and
    # backs off to the rightmost separator, all inside the engine
    LAST_SPLIT = re.compile(f"(?s:.*)(?:{SPLIT.pattern})")

    def __init__(self) -> None:
        self.phrases = {k: v[0] for k, v in _opencc_table("TSPhrases.txt") if v}
        self.lengths = sorted({len(k) for k in self.phrases}, reverse=True)
        # the longest phrase at the leftmost position, as a trie (about twice
        # as fast as the alternation of all phrases); the stdlib engine scans
        # it several times faster than `regex`
        self.finder = re.compile(trie_pattern(self.phrases)) if self.phrases else None
        seps = set("".join(self.SPLIT.pattern.split("|"))) | {" ", "\t", "\n", "\r"}
        self.table = {ord(k): v[0] for k, v in _opencc_table("TSCharacters.txt")
                      if v and len(k) == 1 and k not in seps}
        # the list covers the BMP (see bmp_table); a piece with characters
        # beyond it uses the dict
        self.bmp_table = bmp_table(self.table)
        # every entry gives as many characters as it takes: a converted text
        # lines up with its source, character for character
        self.keeps_length = (all(len(v) == len(k) for k, v in self.phrases.items())
                             and all(len(v) == 1 for v in self.table.values()))

    def _chars(self, text: str) -> str:
        """Every character converted on its own (TSCharacters)."""
        if ASTRAL_RE.search(text):
            return text.translate(self.table)
        return text.translate(self.bmp_table)

    def convert(self, text: str) -> str:
        if self.finder is None:
            return self._chars(text)
        # only the pieces that hold a phrase need OpenCC's longest-first walk;
        # everything else is converted character by character
        out, done = [], 0
        for m in self.finder.finditer(text):
            if m.start() < done:
                continue
            last = self.LAST_SPLIT.match(text, done, m.start())
            lo = last.end() if last else done
            sep = self.SPLIT.search(text, m.start())
            hi = sep.start() if sep else len(text)
            out.append(self._chars(text[done:lo]))
            out.append(self._piece(text[lo:hi]))
            done = hi
        out.append(self._chars(text[done:]))
        return "".join(out)

    def _piece(self, piece: str) -> str:
        if not piece or not self.finder.search(piece):
            return self._chars(piece)
        for n in self.lengths:                 # the longest phrase, leftmost first
            if n > len(piece):
                continue
            for i in range(len(piece) - n + 1):
                value = self.phrases.get(piece[i:i + n])
                if value is not None:
                    return self._piece(piece[:i]) + value + self._piece(piece[i + n:])
        return self._chars(piece)


@lru_cache(maxsize=1)
def t2s_triggers() -> frozenset:
    """Every character without which OpenCC t2s changes nothing (a quick pre-check).

    Characters that t2s converts, and characters that only a phrase converts
    (瞭 in 明瞭 -> 明了, though 瞭 alone stays).

    >>> {"區", "瞭"} <= t2s_triggers(), "区" in t2s_triggers()
    (True, False)
    """
    chars: set[str] = set()
    for key, values in _opencc_table("TSCharacters.txt"):
        if values and values[0] != key:
            chars.add(key)
    for key, values in _opencc_table("TSPhrases.txt"):
        if not values or values[0] == key:
            continue
        value = values[0]
        if len(value) != len(key):
            chars.update(key)
        else:
            chars.update(a for a, b in zip(key, value) if a != b)
    return frozenset(chars)


@lru_cache(maxsize=1)
def _char_triggers() -> CharSet:
    """Characters that t2s converts on their own (TSCharacters); the other
    triggers change only inside a phrase (覆 in 反覆)."""
    return CharSet(k for k, v in _opencc_table("TSCharacters.txt") if v and v[0] != k)


@lru_cache(maxsize=1)
def _trigger_set() -> CharSet:
    return CharSet(t2s_triggers())


@lru_cache(maxsize=1)
def _script_sets() -> tuple[CharSet, CharSet]:
    """Traditional-only and simplified-only characters.

    A character counts for a script only when it is not also a form of the
    other: 區 (-> 区) is traditional, 区 simplified; 征 is both (徵 -> 征),
    so it counts for neither.
    """
    trad = CharSet(k for k, v in _opencc_table("TSCharacters.txt") if v and k not in v)
    simp = CharSet(k for k, v in _opencc_table("STCharacters.txt") if v and k not in v)
    return trad, simp


_HAN_RE = re.compile(f"[{HAN}]")
# (see detect_script)
_FEW = 16


def detect_script(text: str, prepared: Prepared | None = None) -> str:
    """'simplified', 'traditional', 'mixed', or '' for a text without Chinese.

    Text in which every character is common to both scripts is simplified.
    `prepared` is the second value of normalize_document(text), when known:
    when the normalized text holds no t2s trigger, neither did the text
    (the steps before only replaced or removed characters of no script, see
    test_steps_change_no_character_of_a_script), so it is simplified.

    >>> detect_script("豐澤區委"), detect_script("丰泽区委"), detect_script("中国人"), detect_script("abc")
    ('traditional', 'simplified', 'simplified', '')
    >>> detect_script("丰泽区委 豐澤區委")
    'mixed'
    """
    if not _HAN_RE.search(text):
        return ""
    if prepared is not None and prepared.aligned and not prepared.triggered:
        return "simplified"
    trad, simp = _script_sets()
    if not trad.occurs_in(text):
        return "simplified"
    # Characters of one script past nine times the other's change nothing
    # (the text is of that script), so one count stops there: a simplified
    # text with one traditional character is not counted through, nor a
    # traditional text with a few simplified ones.  Which of the two it is
    # shows when the simplified characters are counted to a few.
    s = simp.count(text, limit=_FEW)
    if s < _FEW:
        t = trad.count(text, limit=9 * s + 9)
    else:
        t = trad.count(text)
        s = simp.count(text, limit=9 * t + 9)
    # a few characters of the other script are quotes, names or slips
    if s <= 0.1 * (t + s):
        return "traditional"
    if t <= 0.1 * (t + s):
        return "simplified"
    return "mixed"


def to_simplified(text: str) -> str:
    """Traditional to simplified with OpenCC t2s, skipped when nothing would change.

    Converted until nothing changes (OpenCC's phrase table keeps 乾 in 乾圖 but
    not in the 乾图 it gives), so converting twice changes nothing.

    >>> to_simplified("豐澤區委"), to_simplified("乾圖"), to_simplified("覆盖")
    ('丰泽区委', '干图', '覆盖')
    """
    return _t2s_passes(text, 4)


# Where a stretch converted on its own may end.  OpenCC converts each piece
# between two separators on its own, and no entry of its dictionaries holds,
# makes or removes a separator, so any stretch between two separators
# converts as it would inside the whole text.  These two also end sentences
# and lines, so the stretch around a stray character stays short.
_STRETCH_END = "\n。"
_STRETCH_END_RE = re.compile(f"[{_STRETCH_END}]")
# A trigger this close after the stretch before it: the text is mostly
# traditional, and converting the rest at once is cheaper than sentence by sentence.
_DENSE = 64


def _t2s_passes(text: str, passes: int, first: int | None = None) -> str:
    """Up to `passes` passes of OpenCC t2s, until one changes nothing; `text`
    itself when the first changes nothing.  `first`: where the first
    trigger is, when known (-1: none).

    Simplified text often holds a few triggers (覆 of 覆盖, 么 of 什么, a
    quoted traditional name) and the stretches without one stay as they are,
    so only the sentences around triggers are looked at; a traditional text,
    with triggers everywhere, is converted whole from the first one on.  A
    stretch that a pass changed is passed again on its own: the stretches
    around it are done.
    """
    triggers = _trigger_set()
    i = triggers.search(text) if first is None else first
    if i < 0:
        return text
    out: list[str] = []
    done = 0
    while i >= 0:
        lo = max(done, text.rfind("\n", done, i) + 1, text.rfind("。", done, i) + 1)
        end = _STRETCH_END_RE.search(text, i)
        hi = end.start() if end else len(text)
        nxt = triggers.search(text, hi) if hi < len(text) else -1
        if 0 <= nxt < hi + _DENSE:
            hi, nxt = len(text), -1
        stretch = text[lo:hi]
        converted = _convert_stretch(stretch)
        if converted is not stretch:
            if passes > 1:
                converted = _t2s_passes(converted, passes - 1)
            out.append(text[done:lo])
            out.append(converted)
            done = hi
        i = nxt
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _convert_stretch(text: str) -> str:
    """OpenCC t2s of a stretch that holds a trigger; `text` itself when nothing changes."""
    conv = _converter()
    if not _char_triggers().occurs_in(text) and not (conv.finder and conv.finder.search(text)):
        return text     # only phrase triggers (覆 of 反覆), and no phrase
    converted = conv.convert(text)
    return text if converted == text else converted


# -- all ------------------------------------------------------------------------
STEPS = (clean_controls, fold_width, decode_entities, strip_pinyin, join_layout_spaces, to_simplified)


def normalize_text(text: str, layout: bool = True) -> str:
    """All steps in order; idempotent: normalize_text(normalize_text(s)) == normalize_text(s).

    `layout=False` keeps the layout spaces (metadata lines use them to
    separate fields: 发布单位: 金川街道 有效性:).

    >>> normalize_text("１０.２ 萬平方米&nbsp;"), normalize_text("來源: 湄洲日報 編輯:", layout=False)
    ('10.2万平方米 ', '来源: 湄洲日报 编辑:')
    """
    prepared, plain_spaces = _before_layout(text)
    text = prepared.text
    if layout:
        text = _join_layout(text, plain_spaces)
    return to_simplified(text)


class Prepared(NamedTuple):
    """What the steps before the layout spaces (1 to 4) gave for a text."""

    text: str
    # apart from the pinyin glosses and the \r of each \r\n, they only
    # replaced characters one for one: a slice of the original without
    # those is what they give for the same slice
    aligned: bool
    # when they removed some: where the original, cut at what they removed,
    # has each part end (text before the first removed, the removed, text
    # up to the next removed ...)
    ends: tuple[int, ...] = ()
    # `text` after the layout spaces, and that converted (normalize_text of
    # the whole text), when normalize_document made them; and whether the
    # former holds a t2s trigger (see t2s_triggers)
    joined: str = ""
    simplified: str = ""
    triggered: bool = True


def normalize_document(text: str) -> tuple[str, Prepared]:
    """normalize_text(text), and what the steps before the layout spaces gave,
    from which `normalize_slice` reads slices of the text.

    >>> normalize_document("１０.２ 萬平方米")[1].text
    '10.2 萬平方米'
    """
    prepared, plain_spaces = _before_layout(text)
    joined = _join_layout(prepared.text, plain_spaces)
    first = _trigger_set().search(joined)
    simplified = _t2s_passes(joined, 4, first)
    return simplified, prepared._replace(joined=joined, simplified=simplified, triggered=first >= 0)


def normalize_slice(text: str, start: int, end: int | None, prepared: Prepared | None) -> str:
    """normalize_text(text[start:end], layout=False), with `prepared` from normalize_document(text).

    A slice that is the whole text needs only OpenCC.  Else, when the steps
    before the layout spaces replaced characters one for one (full-width
    forms) and removed pinyin glosses and the \\r of \\r\\n, each does the
    same to a slice of the text (see _prepared_piece).  Only composition (NFC) can differ at
    the edge of a slice, so that is checked.

    >>> text = "發布單位: 金川街道"
    >>> normalize_slice(text, 0, 4, normalize_document(text)[1])
    '发布单位'
    >>> text = "區(qū)委 發布單位: 金川街道"
    >>> normalize_slice(text, 7, 11, normalize_document(text)[1])
    '发布单位'
    """
    piece = text[start:end]
    if prepared is not None:
        if len(piece) == len(text):
            return _simplified_slice(prepared, "", 0, len(prepared.text), "")
        if prepared.aligned and unicodedata.is_normalized("NFC", piece):
            start, end, _ = slice(start, end).indices(len(text))
            found = _prepared_piece(prepared, text, start, end)
            if found is not None:
                return _simplified_slice(prepared, *found)
    return normalize_text(piece, layout=False)


def _prepared_piece(prepared: Prepared, text: str, start: int, end: int) -> tuple[str, int, int, str] | None:
    """What steps 1 to 4 give for text[start:end], as (before, i, j, after):
    before + prepared.text[i:j] + after; None when the slice lies inside one gloss.

    The pinyin step removes the glosses inside the slice.  A gloss the
    slice cuts in two is no gloss: one the slice starts in (or at: it lacks
    the character the gloss follows) stays as it is; in one that the slice
    ends in, only the links of a chain (區(wěi)(qū)) that end inside go.  A
    slice that ends between the \\r and \\n of a line end has a lone \\r,
    which the width step makes a \\n.
    """
    ends = prepared.ends
    if not ends:
        return "", start, end, ""
    if start >= end:
        return None

    def kept_before(k: int) -> int:
        """Length of the text parts before part k (even), without the glosses."""
        return ends[k - 1] - sum(ends[1:k:2]) + sum(ends[0:k - 1:2]) if k else 0

    # part k (even: text, odd: a gloss or the \r of a \r\n) is
    # original[ends[k - 1]:ends[k]]
    before = after = ""
    k = bisect.bisect_right(ends, start)        # the part the slice starts in
    if k % 2 == 0:
        i = kept_before(k) + start - (ends[k - 1] if k else 0)
    else:
        # (a slice that starts at a \r\n loses the \r too)
        before = fold_width(text[start:ends[k]]) if text[ends[k - 1]] != "\r" else ""
        i = kept_before(k + 1)
    m = bisect.bisect_left(ends, end)           # the part its last character is in
    if m % 2 == 0:
        j = kept_before(m) + end - (ends[m - 1] if m else 0)
    else:
        j = kept_before(m + 1)
        if text[ends[m - 1]] == "\r":
            after = "\n"       # the slice ends with a lone \r
        elif end < ends[m]:
            if m == k:
                return None
            # the character before the gloss is inside the slice
            after = strip_pinyin(fold_width(text[ends[m - 1] - 1:end]))[1:]
    return before, i, j, after


def _simplified_slice(prepared: Prepared, before: str, start: int, end: int, after: str) -> str:
    """to_simplified(before + prepared.text[start:end] + after), with the
    lines the layout step left as they were read from the converted whole text.

    OpenCC converts each piece between two separators on its own (see
    _STRETCH_END), so a line of the slice converts as the same line does
    inside the whole text after the layout step; when every dictionary
    entry keeps the length, that conversion is the same slice of the
    converted text.  (Converting a traditional line costs a step a
    character; finding it costs a few steps.)
    """
    text, joined, simplified = prepared.text, prepared.joined, prepared.simplified
    if simplified and not prepared.triggered and not before and not after:
        # the layout step removes only blanks: without a trigger after it,
        # there was none before
        return text[start:end]
    piece = before + text[start:end] + after
    if simplified is joined or not simplified or not _converter().keeps_length:
        # (nothing to read when the whole text converted to itself)
        return to_simplified(piece)
    out: list[str] = []
    shift = start - len(before)     # piece[i] is text[i + shift] (past `before`)
    done = found = i = 0
    while True:
        e = piece.find("\n", i) + 1
        if not e:
            break
        # the layout step only removes characters: the line is found at
        # or before its own offset, after the lines found before it
        y = joined.find(piece[i:e], found, i + shift + e - i)
        if y >= 0 and (y == 0 or joined[y - 1] in _STRETCH_END):
            if done < i:
                out.append(to_simplified(piece[done:i]))
            out.append(simplified[y:y + e - i])
            done, found = e, y + e - i
        i = e
    if not out:
        return to_simplified(piece)
    out.append(to_simplified(piece[done:]))
    return "".join(out)


# Anything clean_controls changes, and the layout spaces other than " "
# (the width step folds \xa0 and \u3000 to " "): a text with none of these,
# as most are, skips the control step and scans for layout spaces from " ".
_ODD_RE = re.compile(f"[{_UNCLEAN}{_ODD_SPACES}]")


def _before_layout(text: str) -> tuple[Prepared, bool]:
    """Steps 1 to 4, and whether the text they give has no layout spaces but " "."""
    original = text
    plain_spaces = _ODD_RE.search(text) is None
    cleaned = text if plain_spaces else clean_controls(text)
    composed = unicodedata.normalize("NFC", cleaned)
    # the width step replaces characters one for one, but for the \r of
    # each \r\n, which it removes
    aligned = composed == text
    crlf = [m.start() for m in _CRLF_RE.finditer(text)] if aligned and "\r" in text else []
    text = fold_width(composed)
    if "&" in text:
        aligned = False
        decoded = decode_entities(text)
        if decoded != text:
            # an entity may stand for any space, or a combining mark:
            # compose it with its base
            plain_spaces = False
            text = unicodedata.normalize("NFC", decoded)
    pattern = _pinyin_pattern(text)
    parts = pattern.split(text) if pattern else ()
    # (the patterns capture the whole gloss: split gives the glosses too)
    stripped = "".join(parts[::2]) if len(parts) > 1 else text
    if not aligned or len(parts) < 2 and not crlf:
        return Prepared(stripped, aligned), plain_spaces
    if not crlf:
        return Prepared(stripped, True, tuple(itertools.accumulate(map(len, parts)))), plain_spaces
    # glosses are found in the text after the width step; in the original,
    # each \r removed before them comes in addition
    removed = [(c, c + 1) for c in crlf]
    if len(parts) > 1:
        bounds = list(itertools.accumulate(map(len, parts)))
        line_ends = [c - n for n, c in enumerate(crlf)]   # where the \n of each is after the step
        removed += [(a + bisect.bisect_left(line_ends, a), b + bisect.bisect_left(line_ends, b))
                    for a, b in zip(bounds[0::2], bounds[1::2])]
        removed.sort()
    return Prepared(stripped, True, (*itertools.chain.from_iterable(removed), len(original))), plain_spaces


_CRLF_RE = re.compile("\r\n")
