"""The segmenter: rjieba must give jieba's own words and tags (HMM off)."""
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reportmine.normalize import normalize_text
from reportmine.segment import (CLAUSE_STOPS, clause_bounds, is_soft_newline, sentence_around,
                                sentence_spans, sentence_starts, split_sentences, tagged, tokens)

SAMPLES = Path(__file__).parent.parent / "samples"


def _jieba_tagger(lex):
    jieba = pytest.importorskip("jieba")
    import jieba.posseg

    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in lex.domain_words:
        tk.add_word(word, freq, tag)
    return jieba.posseg.POSTokenizer(tk)


def test_rjieba_gives_jiebas_words_and_tags(lex):
    pos = _jieba_tagger(lex)
    tags = {w: t for w, _f, t in lex.domain_words if t}
    text = "".join(normalize_text(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.txt")))
    clauses = [c for c in regex.split(r"[，,。；;：:、\n]", text) if c.strip()]
    assert len(clauses) > 500
    for clause in clauses:
        expected = []
        for p in pos.cut(clause, HMM=False):
            t = tags.get(p.word, p.flag)
            if t == "eng" and p.word.replace(".", "", 1).isdigit():
                t = "m"
            expected.append((p.word, t))
        assert tagged(lex, clause) == expected, clause


def test_tokens_carry_offsets(lex):
    text = "完成签约212户集体土地"
    toks = tokens(lex, text, offset=10)
    assert [w for _, _, w in toks] == ["完成", "签约", "212", "户", "集体土地"]
    assert all(text[s - 10:e - 10] == w for s, e, w in toks)


def test_domain_words_stay_whole(lex):
    assert "签约率" in [w for w, _ in tagged(lex, "集体土地幢房签约率达76%")]
    assert "一般公共预算总收入" in [w for w, _ in tagged(lex, "一般公共预算总收入完成16915万元")]


@pytest.mark.parametrize("text, expected", [
    ("完成签约212户。签约率达76%", ["完成签约212户。", "签约率达76%"]),
    ("一是攻项目;二是扩投资\n三是抓招商", ["一是攻项目;", "二是扩投资\n", "三是抓招商"]),
    ("他说:“签约都完成了。”然后", ["他说:“签约都完成了。”", "然后"]),
])
def test_split_sentences(text, expected):
    sents = split_sentences(text)
    assert [s.text for s in sents] == expected
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert text[slice(*sentence_around(text, len(text) - 1))] == expected[-1]


def test_clause_bounds_stop_at_punctuation():
    text = "其中,建安投资完成151384万元,比增61.7%"
    lo, hi = clause_bounds(text, 9, 17)
    assert text[lo:hi] == "建安投资完成151384万元"


WRAPPED = (
    "本报讯 今年以来,东湖街道全力推进重点项目征迁\n"
    "工作,共完成征迁签约1286户,拆除违章建筑约12.\n"
    "5万平方米,腾出土地三百余亩。街道累计投入征迁\n"
    "补偿资金3.2亿元。"
)


def test_a_layout_wrap_does_not_end_a_sentence():
    sents = split_sentences(WRAPPED)
    assert sents[0].text.startswith("本报讯") and sents[0].text.endswith("三百余亩。")
    assert sents[1].text == "街道累计投入征迁\n补偿资金3.2亿元。"


@pytest.mark.parametrize("text", [
    "2023年国民经济和社会发展统计公报\n初步核算,2023年全县实现地区生产总值256.8亿元,按可比价格计算,比上年增长6.5%。",
    "一般公共预算总收入完成16915万元\n规上工业产值完成149976万元\n限上社消零售额完成18837万元",
    "奋力跑出发展 加速度\n赶进度,迅速掀起了大干热潮。",
])
def test_headlines_and_bulletin_lines_keep_their_line_breaks(text):
    assert len(split_sentences(text)) == text.count("\n") + 1


# split_sentences and clause_bounds find their stops with one search each;
# the readings below, one regex match per sentence and one step per
# character, are what they must agree with.
_SENTENCE = regex.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’\"」』)]?|\n|$)")


def _sentences_one_match_each(text):
    out = []
    for m in _SENTENCE.finditer(text):
        if m.end() <= m.start():
            continue
        if out and text[out[-1][1] - 1] == "\n" and is_soft_newline(text, out[-1][1] - 1):
            out[-1] = (out[-1][0], m.end())
        else:
            out.append((m.start(), m.end()))
    return out


def _clause_step_by_step(text, start, end, limit):
    lo = start
    while lo > 0 and start - lo < limit and (text[lo - 1] not in CLAUSE_STOPS or is_soft_newline(text, lo - 1)):
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < limit and (text[hi] not in CLAUSE_STOPS or is_soft_newline(text, hi)):
        hi += 1
    return lo, hi


STOPPY = st.lists(st.sampled_from([
    "。", "！", "？", "!", "?", "；", ";", "\n", "，", ",", "、", "：", ":", "”", "’", "\"", "」", "』", ")", "）",
    " ", "12", "5.", "6%", "一二", "万", "的", "今年以来街道共完成征迁签约工作涉及", "签约", "户",
]), max_size=50).map("".join)


@settings(max_examples=300, deadline=None)
@given(STOPPY, st.integers(0, 200), st.integers(0, 6), st.sampled_from([60, 20, 5, 1]))
def test_sentences_and_clauses_read_as_step_by_step(text, at, width, limit):
    assert [(s.start, s.end) for s in split_sentences(text)] == _sentences_one_match_each(text)
    assert sentence_spans(text) == _sentences_one_match_each(text)
    assert sentence_starts(text) == [s for s, _ in _sentences_one_match_each(text)]
    starts = sentence_starts(text)
    for pos in range(len(text)):
        around = next(s for s in sentence_spans(text) if s[0] <= pos < s[1])
        assert sentence_around(text, pos) == around
        # from any sentence start before, as find_mentions walks a text
        for floor in starts:
            if floor <= pos:
                assert sentence_around(text, pos, floor) == around
    start = min(at, len(text))
    end = min(start + width, len(text))
    assert clause_bounds(text, start, end, limit) == _clause_step_by_step(text, start, end, limit)
