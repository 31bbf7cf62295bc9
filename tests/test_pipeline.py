"""The unit of work: one source through every stage."""
import pytest

import reportmine
from reportmine.model import INDICATOR_COLUMNS, DocStatus, Source
from reportmine.pipeline import MAX_SENTENCE, process_source, sentence_cell


def test_one_document_gives_rows_in_contract_order(lex):
    r = process_source(Source("d", "d.txt", data="完成签约212户,签约率达76%。".encode("gbk")), lex)
    assert r.document["status"] == DocStatus.OK.value and r.document["encoding"] == "gb18030"
    assert [tuple(row) for row in r.indicators] == [INDICATOR_COLUMNS] * 2
    assert [row["mention"] for row in r.indicators] == [1, 2]
    assert r.document["indicators"] == 2


def test_a_long_line_does_not_repeat_itself_in_every_row(lex):
    text = "完成签约" + " ".join(f"{i}户" for i in range(1, 3000))
    rows = reportmine.extract_text(text, lexicon=lex)
    assert len(rows) == 2999
    assert all(len(r["sentence"]) <= MAX_SENTENCE and r["raw"] in r["sentence"] for r in rows)


@pytest.mark.parametrize("start", [0, 50, 995])
def test_sentence_cell_keeps_the_number_inside(start):
    sentence = "".join(chr(0x4E00 + i) for i in range(1000))
    cell = sentence_cell(sentence, start, start + 5, limit=100)
    assert len(cell) == 100
    lo = sentence.find(cell)
    assert lo <= start and start + 5 <= lo + 100


def test_failures_become_rows_not_exceptions(lex):
    r = process_source(Source("x", "x.txt", data=b"\x89PNG\r\n\x1a\n" + bytes(range(256))), lex)
    assert r.document["status"] == DocStatus.NOT_TEXT.value and r.indicators == ()
