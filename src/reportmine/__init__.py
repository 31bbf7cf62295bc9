"""reportmine: numeric indicators from Chinese government reports and local news.

The library in three calls:

>>> from reportmine import extract_text
>>> [(r["subject"], r["value"], r["unit"]) for r in extract_text("签约率达76%")]
[('签约率', 76, '%')]
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_lexicon", "extract_text", "process_source", "run"]


def load_lexicon(extra=()):
    """The shipped lexicons plus any extra folders, validated and compiled."""
    from .lexicon import load_lexicon as _load
    return _load(tuple(extra))


def extract_text(text: str, doc_id: str = "text", lexicon=None) -> list[dict]:
    """Indicator rows (dicts with the INDICATORS.md columns) of one text."""
    from .model import Source
    from .pipeline import process_source as _process
    lex = lexicon or load_lexicon()
    return list(_process(Source(doc_id, doc_id, text=text), lex).indicators)


def process_source(source, lexicon=None, options=None):
    from .pipeline import Options, process_source as _process
    return _process(source, lexicon or load_lexicon(), options or Options())


def run(options, **kwargs):
    from .runner import run as _run
    return _run(options, **kwargs)
