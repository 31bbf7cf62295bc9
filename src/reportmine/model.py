"""Plain data passed between the stages of the pipeline.

read -> Source -> decode/normalize -> Document -> extract -> Indicator rows.
Every stage takes and returns these values without changing them (all are
frozen but Quantity, see there); none of them does I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

# The output contract (INDICATORS.md): column names and their order.
INDICATOR_COLUMNS = (
    "doc_id", "mention", "category", "subject", "value", "value_max", "unit",
    "qualifier", "change", "place", "place_path", "period", "raw", "start",
    "end", "sentence",
)

DOCUMENT_COLUMNS = (
    "doc_id", "path", "encoding", "script", "chars", "title", "date",
    "publisher", "place", "indicators", "status", "error",
)

TERM_COLUMNS = ("doc_id", "term", "count")


class DocStatus(str, Enum):
    """What happened to one input; every input gets exactly one status."""

    OK = "ok"                    # read, decoded and extracted
    EMPTY = "empty"              # no text at all (zero bytes or only blanks)
    UNDECODABLE = "undecodable"  # bytes that no supported encoding reads as text
    UNREADABLE = "unreadable"    # the file could not be opened or read
    NOT_TEXT = "not_text"        # binary data (an image, an archive, a PDF)
    TOO_LARGE = "too_large"      # larger than --max-bytes
    TIMEOUT = "timeout"          # extraction took longer than --doc-timeout
    FAILED = "failed"            # an unexpected error inside the pipeline


@dataclass(frozen=True)
class Source:
    """One input as read from disk, a corpus record or stdin.

    `data` is None when reading failed; then `status` and `error` say why.
    `text` is set instead of `data` for corpus records that already hold text.
    """

    doc_id: str
    path: str
    data: bytes | None = None
    text: str | None = None
    status: DocStatus | None = None
    error: str = ""
    kind: str = "text"           # text | html
    size: int = 0
    mtime: float = 0.0
    meta: tuple[tuple[str, str], ...] = ()
    fs_path: bytes | None = None  # the file to read, as the OS names it


@dataclass(frozen=True)
class Document:
    """A decoded, normalized document and what is known about it."""

    doc_id: str
    path: str
    text: str = ""
    encoding: str = ""
    script: str = ""
    title: str = ""
    date: str = ""
    publisher: str = ""
    place: str = ""
    status: DocStatus = DocStatus.OK
    error: str = ""
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True, unsafe_hash=True)
class Quantity:
    """A number with its unit as it stands in the text (no judgement yet).

    Offsets are into the normalized text; `value` is already in the
    standard unit of `category`.

    A value like the others, changed only through `dataclasses.replace`, but
    not declared frozen: a frozen dataclass sets every field through
    `object.__setattr__`, which makes building one about eight times slower,
    and `find_quantities` builds one for nearly every number in a document.
    `unsafe_hash` keeps the hash a frozen one had (of all its fields).
    """

    start: int
    end: int
    raw: str
    value: float
    value_max: float | None
    unit: str
    category: str
    qualifier: str
    surface_unit: str = ""        # the unit word as written (万元, 亩, 个)
    numeral: str = ""             # the number as written (三千, 1.2万)
    chinese: bool = False         # written in Chinese numerals only
    signed: str = ""              # '+' or '-' written before a rate
    pre_word: str = ""            # a qualifier word written before the number, part of raw
    pre_applied: bool = False     # the qualifier column comes from pre_word


@dataclass(frozen=True)
class Indicator:
    """One row of the indicators table (INDICATORS.md)."""

    doc_id: str
    mention: int
    category: str
    subject: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str
    change: str
    place: str
    place_path: str
    period: str
    raw: str
    start: int
    end: int
    sentence: str

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in INDICATOR_COLUMNS}


@dataclass(frozen=True)
class DocResult:
    """Everything one document contributes to the output tables."""

    document: dict
    indicators: tuple[dict, ...] = ()
    terms: tuple[dict, ...] = field(default_factory=tuple)
