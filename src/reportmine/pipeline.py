"""One document through every stage: the unit of work of a run.

    read (Source) -> decode -> html to text -> normalize -> metadata
        -> extract mentions -> indicator, document and term rows

`process_source` is a pure function of its arguments (no I/O, no globals
but caches of compiled lexicons), so runs over many documents are a plain
map, in one process or many.

>>> r = process_source(Source("d", "d.txt", data="完成签约212户".encode()), load_lexicon())
>>> r.document["status"], [i["value"] for i in r.indicators]
('ok', [212])
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .decode import (EMPTY_ERROR, NOT_TEXT_ERROR, UndecodableError, classify_bytes, decode_bytes,
                     html_to_text, looks_like_html, replaced_warning)
from .extract import find_mentions
from .lexicon import Lexicon
from .metadata import read_metadata
from .model import INDICATOR_COLUMNS, DocResult, DocStatus, Document, Source
from .normalize import detect_script as detect_script_of
from .normalize import normalize_document
from .places import document_place, locate_all


@dataclass(frozen=True)
class Options:
    """What a run computes, beyond the indicators table."""

    terms: bool = False          # build the terms table (segments every character)
    top: int = 0                 # keep the N most frequent terms per document (0: all)
    extra_lexicons: tuple = field(default_factory=tuple)


def document_row(doc: Document, indicators: int) -> dict:
    return {
        "doc_id": doc.doc_id, "path": doc.path, "encoding": doc.encoding, "script": doc.script,
        "chars": len(doc.text), "title": doc.title, "date": doc.date, "publisher": doc.publisher,
        "place": doc.place, "indicators": indicators, "status": doc.status.value, "error": doc.error,
        **{k: v for k, v in doc.meta},
    }


def failed(source: Source, status: DocStatus, error: str, encoding: str = "") -> DocResult:
    doc = Document(source.doc_id, source.path, encoding=encoding, status=status, error=error, meta=source.meta)
    return DocResult(document_row(doc, 0))


def build_document(source: Source) -> Document | DocResult:
    """Decode and normalize; a DocResult instead when the input has no usable text."""
    if source.status is not None:
        return failed(source, source.status, source.error)
    html_title, warning = "", ""
    if source.text is not None:
        raw, encoding = source.text, "utf-8"
    else:
        data = source.data or b""
        status = classify_bytes(data)
        if status is not None:
            return failed(source, status, EMPTY_ERROR if status is DocStatus.EMPTY else NOT_TEXT_ERROR)
        try:
            decoded = decode_bytes(data)
        except UndecodableError as e:
            return failed(source, DocStatus.UNDECODABLE, str(e))
        raw, encoding = decoded.text, decoded.encoding
        if decoded.replaced:
            warning = replaced_warning(decoded.replaced)
    if source.kind == "html" or looks_like_html(raw):
        raw, html_title = html_to_text(raw)
    text, prepared = normalize_document(raw)
    if not text.strip():
        return failed(source, DocStatus.EMPTY, EMPTY_ERROR, encoding)
    meta = read_metadata(raw, html_title, prepared)
    return Document(
        source.doc_id, source.path, text=text, encoding=encoding, script=detect_script_of(raw, prepared),
        title=meta.title, date=meta.date, publisher=meta.publisher, error=warning, meta=source.meta,
    )


MAX_SENTENCE = 400


def sentence_cell(sentence: str, start: int, end: int, limit: int = MAX_SENTENCE) -> str:
    """The sentence column: the whole sentence, or for a "sentence" longer than
    `limit` characters (a page without punctuation, a table flattened into one
    line) the `limit` characters around the number, so that one long line with
    thousands of numbers does not repeat itself thousands of times.

    >>> sentence_cell("签约率达76%。", 4, 7)
    '签约率达76%。'
    """
    if len(sentence) <= limit:
        return sentence.strip()
    lo = max(0, min(start - (limit - (end - start)) // 2, len(sentence) - limit))
    return sentence[lo:lo + limit].strip()


def format_value(v: float | None):
    """Numbers as analysts read them: 212 not 212.0, 10.2 not 10.200000000000001."""
    if v is None:
        return None
    if v == int(v) and abs(v) < 1e15:
        return int(v)
    return float(format(v, ".12g"))


def indicator_rows(doc: Document, lex: Lexicon) -> list[dict]:
    rows = []
    mentions = find_mentions(doc.text, lex)
    # place and period: the document's places and time words are read once,
    # then given to each mention by offset
    where = locate_all(doc.text, doc.title, doc.date, lex, [
        (m.quantity.start, m.quantity.end, m.sentence_start, m.sentence_start + len(m.sentence))
        for m in mentions])
    doc_id = doc.doc_id
    # a document repeats its numbers: each distinct value is formatted once
    values: dict = {}
    for n, (m, (place, place_path, period)) in enumerate(zip(mentions, where), 1):
        q = m.quantity
        value = values.get(q.value)
        if value is None:
            value = values[q.value] = format_value(q.value)
        sentence = m.sentence
        if len(sentence) <= MAX_SENTENCE:
            sentence = sentence.strip()     # (sentence_cell, without the call)
        else:
            sentence = sentence_cell(sentence, q.start - m.sentence_start, q.end - m.sentence_start)
        rows.append({
            "doc_id": doc_id, "mention": n, "category": q.category, "subject": m.subject,
            "value": value, "value_max": None if q.value_max is None else format_value(q.value_max),
            "unit": q.unit, "qualifier": q.qualifier, "change": m.change, "place": place,
            "place_path": place_path, "period": period,
            "raw": q.raw, "start": q.start, "end": q.end, "sentence": sentence,
        })
    # every row is made by the one literal above
    assert not rows or tuple(rows[0]) == INDICATOR_COLUMNS
    return rows


TERM_JOINERS = frozenset("·.-+&")


def is_term(word: str, stopwords: frozenset = frozenset()) -> bool:
    """A word worth counting: two characters or more, with a letter (Chinese
    or Latin), made of letters and digits only, and not a stopword.

    >>> [w for w in ["签约率", "的", "212", "42.8%", "GDP", "，", "PM2.5", "工作"] if is_term(w, frozenset({"工作"}))]
    ['签约率', 'GDP', 'PM2.5']
    """
    if len(word) < 2 or word in stopwords:
        return False
    if not any(c.isalpha() for c in word):
        return False
    return all(c.isalnum() or c in TERM_JOINERS for c in word)


# Words judged by `is_term`, per lexicon: a corpus repeats its vocabulary,
# so most words of a document were judged in an earlier one.
MAX_JUDGED = 200_000


@lru_cache(maxsize=4)
def _judged(lex: Lexicon) -> dict[str, str]:
    """word as cut -> the term it counts for, or '' (not a term)."""
    return {}


def term_rows(doc: Document, lex: Lexicon, top: int = 0) -> list[dict]:
    """Per document: jieba terms with counts, most frequent first (ties in
    character order), stopwords, numbers and punctuation dropped.

    jieba runs with the lexicon's domain words and without its HMM guesser,
    so the terms are dictionary words and the same text always gives the
    same terms; words jieba should keep whole go in domain_words.txt.

    >>> from reportmine.lexicon import load_lexicon
    >>> term_rows(Document("d", "d", text="签约率达76%，签约率提升"), load_lexicon())[0]
    {'doc_id': 'd', 'term': '签约率', 'count': 2}
    """
    from .segment import tokenizer

    tk, _ = tokenizer(lex)
    # count every word first, then judge each distinct word once
    raw: Counter = Counter(tk.cut(doc.text, False))
    judged = _judged(lex)
    if len(judged) > MAX_JUDGED:
        judged.clear()
    counts: Counter = Counter()
    for w, n in raw.items():
        term = judged.get(w)
        if term is None:
            term = w.strip()
            judged[w] = term = term if is_term(term, lex.stopwords) else ""
        if term:
            counts[term] += n
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if top:
        items = items[:top]
    return [{"doc_id": doc.doc_id, "term": w, "count": c} for w, c in items]


def process_source(source: Source, lex: Lexicon, options: Options = Options()) -> DocResult:
    """Everything one input contributes to the output tables; never raises."""
    try:
        doc = build_document(source)
        if isinstance(doc, DocResult):
            return doc
        doc = replace(doc, place=document_place(doc.text, doc.title, lex))
        rows = indicator_rows(doc, lex)
        terms = term_rows(doc, lex, options.top) if options.terms else []
        return DocResult(document_row(doc, len(rows)), tuple(rows), tuple(terms))
    except Exception as e:  # one bad document must not stop a batch
        return failed(source, DocStatus.FAILED, f"{type(e).__name__}: {e}")
