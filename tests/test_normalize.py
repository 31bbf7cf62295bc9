"""Normalized text (INDICATORS.md): each step on a table of cases, and the
whole: idempotent on any text, and t2s skipped only when it changes nothing."""
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportmine.normalize import (
    _converter, _opencc_table, clean_controls, decode_entities, detect_script, fold_width,
    join_layout_spaces, normalize_text, strip_pinyin, t2s_triggers, to_simplified,
)

EXAMPLES = int(os.environ.get("REPORTMINE_FUZZ_EXAMPLES", "300"))


@pytest.mark.parametrize("text,expected", [
    ("区(qū)委", "区委"),
    ("豐澤區(qū)委(wěi)", "豐澤區委"),
    ("區（qū）", "區"),                      # full-width brackets
    ("區(qū)(qū)", "區"),                   # a repeated gloss
    ("区(Qū)", "区"),
    ("街 (jiē) 道", "街 (jiē) 道"),          # a space: not glued to the character
    ("区(qu)委", "区(qu)委"),                # no tone mark: may be an abbreviation
    ("(一)、(二)", "(一)、(二)"),
    ("GDP(gross)", "GDP(gross)"),
    ("截至(ā)", "截至"),
    ("区(" + "ā" * 30 + ")", "区(" + "ā" * 30 + ")"),  # too long for a gloss
])
def test_strip_pinyin(text, expected):
    assert strip_pinyin(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("征收土 地8.5 万平方米", "征收土地8.5万平方米"),
    ("10.2 万平方米", "10.2万平方米"),
    ("10 . 2 万", "10.2万"),
    ("完成 153 个", "完成153个"),
    ("3 5", "3 5"),                          # two numbers stay apart
    ("GDP 增长 5%", "GDP 增长5%"),            # Latin keeps its space
    ("增长 5 %", "增长5 %"),
    ("中\u3000\u00a0\u2002国", "中国"),       # any layout space
    ("中\n国", "中\n国"),                     # a line break is no layout space
    ("第 3 季度", "第3季度"),
    ("version 1. 2", "version 1.2"),
])
def test_join_layout_spaces(text, expected):
    assert join_layout_spaces(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("１２３％ＡＢ", "123%AB"),
    ("a\u3000b\u00a0c", "a b c"),
    ("一\r\n二\r三", "一\n二\n三"),
    ("，：。、", ",:。、"),                    # full-width comma and colon are ASCII forms; 。、 are not
])
def test_fold_width(text, expected):
    assert fold_width(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("A&amp;B", "A&B"),
    ("&nbsp;", "\xa0"),                      # folded to a space by normalize_text
    ("&#20013;&#x56FD;", "中国"),
    ("&amp;lt;", "<"),
    ("&amp;amp;amp;", "&"),
    ("&&#97;mp;", "&"),                      # an entity that completes another
    ("&#xFF11;", "1"),                       # what an entity stands for is folded too
    ("?a=1&region=2", "?a=1&region=2"),      # no semicolon, no named entity
    ("&nosuchentity;", "&nosuchentity;"),
    ("&#0;", "\ufffd"),
    ("&#1;x", "x"),
    ("AT&T", "AT&T"),
])
def test_decode_entities(text, expected):
    assert decode_entities(text).replace(" ", "\xa0") == expected.replace(" ", "\xa0")


@pytest.mark.parametrize("text,expected", [
    ("a\x00b\x07c\x1fd\x7fe", "abcde"),
    ("\ufeff签约\u200d", "签约"),
    ("一\u2028二\x85三", "一\n二\n三"),
    ("\ud800签约", "\ufffd签约"),           # a lone surrogate from JSON
    ("tab\tnew\nline", "tab\tnew\nline"),
])
def test_clean_controls(text, expected):
    assert clean_controls(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("豐澤區委", "丰泽区委"),
    ("乾圖", "干图"),                          # converted until nothing changes
    ("反 覆", "反复"),                          # layout space first, then t2s
    ("明瞭", "明了"),                           # only the phrase converts 瞭
    ("丰泽区委", "丰泽区委"),
    ("區(qū)委 完成 10.2 萬平方米", "区委完成10.2万平方米"),
    ("１０.２ 萬平方米&nbsp;", "10.2万平方米 "),
    ("簽約率達７６％", "签约率达76%"),
    ("", ""),
])
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


def test_metadata_variant_keeps_layout_spaces():
    assert normalize_text("發布單位: 金川街道 有效性:", layout=False) == "发布单位: 金川街道 有效性:"


def test_simplified_text_is_not_converted():
    text = "金川街道完成签约212户,乾隆年间的于氏宗祠得到保护"
    assert to_simplified(text) == _converter().convert(text) or "乾" in text


def test_t2s_triggers_are_complete():
    """Text without a trigger character is exactly what OpenCC t2s leaves unchanged."""
    triggers = t2s_triggers()
    convert = _converter().convert
    for table in ("TSCharacters.txt", "TSPhrases.txt", "STCharacters.txt"):
        for key, values in _opencc_table(table):
            for word in (key, *values):
                if not any(c in triggers for c in word):
                    assert convert(word) == word, (table, word)


@pytest.mark.parametrize("text,script", [
    ("豐澤區委城東街道", "traditional"),
    ("丰泽区委城东街道", "simplified"),
    ("中国人民", "simplified"),               # characters common to both
    ("征于后面", "simplified"),               # 征 于 后 面 are also traditional forms
    ("徵於後麵", "traditional"),
    ("丰泽区委城东街道 豐澤區委城東街道", "mixed"),
    ("丰泽区委城东街道" * 3 + "豐", "simplified"),  # one stray character
    ("abc 123", ""),
    ("", ""),
])
def test_detect_script(text, script):
    assert detect_script(text) == script


# -- idempotence -------------------------------------------------------------------
# Pieces that interact: entities, full-width forms, glosses, layout spaces,
# characters that convert only in phrases, combining marks, line ends.
PIECES = st.sampled_from([
    "&", "amp;", "&amp;", "&#38;", "&#x26;", "lt;", "#", ";", "&#97;", "mp;", "&#x304;", "\u037e",
    "＆", "ａｍｐ；", "１", "２", "．", "万", "萬", " ", "\u3000", "\xa0", "\t", "\n", "\r", "\x00",
    "區", "区", "(qū)", "（ｑū）", "(", ")", "ū", "u", "\u0304", "乾", "圖", "反", "覆", "明", "瞭",
    "薴", "於", "戲", "10", ".", "2", "签约", "212户", "\ufeff", "\u200b", "\ud800",
])
TEXTS = st.one_of(
    st.lists(PIECES, max_size=12).map("".join),
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x9FFF), max_size=40),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXTS)
def test_metadata_variant_is_idempotent_too(text):
    once = normalize_text(text, layout=False)
    assert normalize_text(once, layout=False) == once


def test_fast_t2s_gives_opencc_output():
    """The converter is a fast rebuild of OpenCC's t2s walk: same output."""
    import glob
    import random

    import opencc

    from reportmine.normalize import _converter, _opencc_table

    reference, fast = opencc.OpenCC("t2s"), _converter()
    samples = Path(__file__).parent.parent / "samples"
    texts = [open(f, encoding="utf-8").read() for f in sorted(glob.glob(str(samples / "*.txt")))]
    keys = [k for k, _ in _opencc_table("TSPhrases.txt")] + [k for k, _ in _opencc_table("TSCharacters.txt")]
    rnd = random.Random(7)
    joins = list("，。 、-.,“”（）\n") + [""] * 6
    texts += ["".join(rnd.choice(keys) + rnd.choice(joins) for _ in range(rnd.randint(1, 40))) for _ in range(2000)]
    for text in texts:
        assert fast.convert(text) == reference.convert(text), text[:60]


@pytest.mark.parametrize("text, expected", [
    ("签约率达到98.\n6%", "签约率达到98.6%"),
    ("签约率达到98\n.6%", "签约率达到98.6%"),
    ("腾出土地三百\n余亩", "腾出土地三百余亩"),
    ("拆除违章建筑12.5\n万平方米", "拆除违章建筑12.5万平方米"),
    ("完成签约212户\n2023年工作思路", "完成签约212户\n2023年工作思路"),
    ("一、总体情况\n二、主要做法", "一、总体情况\n二、主要做法"),
    ("共有3个\n5个社区", "共有3个\n5个社区"),
])
def test_a_line_break_inside_a_number_is_a_layout_artifact(text, expected):
    assert normalize_text(text) == expected
    assert normalize_text(expected) == expected


@pytest.mark.parametrize("text", ["１\n萬", "三百\n餘畝", "兩\n萬人"])
def test_a_wrapped_traditional_number_is_joined_in_one_pass(text):
    once = normalize_text(text)
    assert "\n" not in once and normalize_text(once) == once


def test_pinyin_classes_are_the_case_insensitive_ones():
    """The gloss pattern spells out both cases of what it used to match case-insensitively."""
    import re

    from reportmine.normalize import _PINYIN_LETTERS, _TONED, _TONED_ANY_CASE

    every = "".join(map(chr, range(0x110000)))
    for exact, folded in ((_TONED_ANY_CASE, _TONED), (_PINYIN_LETTERS + " \t", f"a-zü{_TONED}ê \t")):
        assert re.findall(f"[{exact}]", every) == re.findall(f"[{folded}]", every, re.IGNORECASE)


def test_to_simplified_is_converting_the_whole_text_until_nothing_changes():
    """Converting only the sentences around triggers, each until it is done,
    gives what converting the whole text pass after pass gives."""
    import random

    convert = _converter().convert

    def reference(text):
        for _ in range(4):
            converted = convert(text)
            if converted == text:
                break
            text = converted
        return text

    keys = [k for table in ("TSPhrases.txt", "TSCharacters.txt", "STCharacters.txt")
            for k, _ in _opencc_table(table)]
    rnd = random.Random(7)
    joins = list("，。 、-.,“”（）\n") + ["。\n", "金川街道完成签约212户", "签约"] * 3 + [""] * 6
    for _ in range(3000):
        text = "".join(rnd.choice(keys) + rnd.choice(joins) for _ in range(rnd.randint(1, 60)))
        assert to_simplified(text) == reference(text), text[:60]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(["1", ".", " ", "\t", "\n", "三", "百", "余", "萬", "亿", "a", "中", "%", "\n\n"]),
                max_size=16).map("".join))
def test_wrapped_numbers_are_joined_where_the_pattern_matches(text):
    """The pattern, tried only after line ends that a number may go on from, finds what a full scan finds."""
    from reportmine.normalize import _WRAPPED_NUMBER_RE, _join_wrapped_numbers

    assert _join_wrapped_numbers(text) == _WRAPPED_NUMBER_RE.sub("", text)


GLOSSED = [
    "區(qū)委(wěi)(qū)\n發布單位: 金川(jīn)街道(dào)(x)。豐澤(zé)區(qū)(一)乾(qián)圖(tú)",
    "乾(qián)圖(tú)。反 覆(fù)\n乾圖（qū）區( qū )(wěi) 萬 元",
    "豐(fēng)澤(zé)\n區(qū) 委。發(fā)布(bù)時間:2023-07-10\n１０ . ２ 萬",
]


@pytest.mark.parametrize("text", GLOSSED + [t.replace("\n", "\r\n") for t in GLOSSED] + [
    "發布單位: 金川街道\n反 覆。乾圖\n", "a\r\nb 區\r\r\n\r", "\r\n區(qū)\r\n", "&amp;區(qū)"])
def test_a_slice_is_normalized_as_on_its_own(text):
    """normalize_slice reads slices from what normalize_document prepared,
    glosses cut at any place included, and gives what normalizing the
    slice on its own gives."""
    from reportmine.normalize import normalize_document, normalize_slice

    normalized, prepared = normalize_document(text)
    assert normalized == normalize_text(text)
    n = len(text)
    for start in range(n + 1):
        for end in range(start, n + 1):
            assert normalize_slice(text, start, end, prepared) == normalize_text(text[start:end], layout=False)
        if start < n:
            assert normalize_slice(text, start - n, None, prepared) == normalize_text(text[start:], layout=False)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(["區", "(qū)", "（wěi）", "(", ")", " ", "\t", "\u2002", "\n", "。", "1", ".",
                                 "乾", "圖", "反", "覆", "萬", "a", "ā", "&amp;"]), max_size=20).map("".join))
def test_plain_scans_find_what_the_class_scans_find(text):
    """The gloss and layout-space patterns that start at a literal find what
    the class patterns find, on the texts they are used for."""
    from reportmine.normalize import (_HAN_GAP_PLAIN_RE, _HAN_GAP_RE, _PINYIN_RE,
                                      _SPACED_POINT_RE, _join_layout, strip_pinyin)

    assert strip_pinyin(text) == _PINYIN_RE.sub("", text)
    spaced = " ." in text or ". " in text or "\t." in text or ".\t" in text
    assert (_SPACED_POINT_RE.search(text) is not None) == spaced
    if not any(c in text for c in "\t\u2002\xa0\u3000"):
        assert _HAN_GAP_PLAIN_RE.sub("", text) == _HAN_GAP_RE.sub("", text)
    assert _join_layout(text, False) == join_layout_spaces(text)
    assert normalize_text(text) == to_simplified(join_layout_spaces(strip_pinyin(
        decode_entities(fold_width(clean_controls(__import__("unicodedata").normalize("NFC", text)))))))


def test_detect_script_counts_as_far_as_the_result_needs():
    """Counts that stop early give what full counts give, at the 1:9 bounds too."""
    from reportmine.normalize import _script_sets

    trad, simp = _script_sets()
    t_char, s_char = sorted(trad.chars)[0], sorted(simp.chars)[0]

    def full(t, s):
        if s <= 0.1 * (t + s):
            return "traditional"
        return "simplified" if t <= 0.1 * (t + s) else "mixed"

    for t in range(1, 80):
        for s in sorted({0, 1, 2, t // 9, t // 9 + 1, 9 * t - 1, 9 * t, 9 * t + 1, 9 * t + 10, 15, 16, 17, 63, 64, 65, 700}):
            text = (t_char + s_char * 9) * min(t, s // 9) + t_char * max(0, t - s // 9) + s_char * max(0, s - 9 * min(t, s // 9))
            assert detect_script(text) == full(t, s), (t, s)


def test_steps_change_no_character_of_a_script():
    """The width, pinyin and layout steps replace or remove no character that
    t2s converts or that tells a script, so a text without a t2s trigger
    after them had none before (detect_script and normalize_slice rely on it)."""
    import re

    from reportmine.chars import ZS
    from reportmine.normalize import _PINYIN_LETTERS, _script_sets

    touched = re.compile(f"[{_PINYIN_LETTERS}()（）\t\n\u200b{ZS}\uff01-\uff5e]")
    trad, simp = _script_sets()
    for c in t2s_triggers() | trad.chars | simp.chars:
        assert not touched.fullmatch(c), c
    assert trad.chars <= t2s_triggers()


@pytest.mark.parametrize("text", ["丰泽区委", "豐澤區委", "覆盖", "abc", "", "區(qū)委", "１２ 豐", "&amp;豐", "中\r\n國"])
def test_detect_script_with_what_normalize_document_prepared(text):
    from reportmine.normalize import normalize_document

    assert detect_script(text, normalize_document(text)[1]) == detect_script(text)
