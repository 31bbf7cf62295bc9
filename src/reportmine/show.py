"""One document for checking by eye: its normalized text with every indicator
highlighted in place and numbered, and the indicators table beneath.

Pure rendering: rows and text in, rich renderables out; the CLI prints them.

>>> from rich.console import Console
>>> c = Console(width=60, no_color=True, record=True)
>>> c.print(marked_text("完成签约212户。", [{"mention": 1, "category": "households", "start": 4, "end": 8}]))
完成签约212户[1]。
"""
from __future__ import annotations

from rich.table import Table
from rich.text import Text

CATEGORY_STYLES = {
    "households": "bold magenta", "area": "bold green", "money": "bold yellow", "rate": "bold cyan",
    "people": "bold blue", "count": "bold red", "duration": "bold bright_magenta",
    "length": "bold bright_green", "weight": "bold bright_yellow", "volume": "bold bright_cyan",
    "other": "bold white",
}
COLUMNS = ("#", "category", "subject", "value", "unit", "qualifier", "change", "place", "period", "raw")


def style_of(category: str) -> str:
    return "reverse " + CATEGORY_STYLES.get(category, "bold")


def marked_text(text: str, rows) -> Text:
    """The text with each indicator span styled by its category and followed
    by its mention number in brackets; overlapping spans keep the first."""
    out = Text()
    pos = 0
    for r in sorted(rows, key=lambda r: (int(r["start"]), int(r["mention"]))):
        start, end = int(r["start"]), int(r["end"])
        if start < pos or end > len(text):
            continue
        out.append(text[pos:start])
        out.append(text[start:end], style=style_of(r["category"]))
        out.append(f"[{r['mention']}]", style="dim")
        pos = end
    out.append(text[pos:])
    return out


def _value(r) -> str:
    v = r["value"]
    if r.get("value_max") not in (None, ""):
        return f"{v}..{r['value_max']}"
    return "" if v is None else str(v)


def indicators_table(rows, title: str = "") -> Table:
    """The indicators of one document, one line each, number column first."""
    table = Table(title=title or None, title_justify="left")
    for col in COLUMNS:
        table.add_column(col, overflow="fold", justify="right" if col in ("#", "value") else "left")
    for r in rows:
        table.add_row(str(r["mention"]), Text(r["category"], style=CATEGORY_STYLES.get(r["category"], "")),
                      r["subject"], _value(r), r["unit"], r["qualifier"], r["change"],
                      r.get("place") or "", r.get("period") or "", r["raw"])
    return table


def heading(document: dict, count: int) -> Text:
    """doc_id, then what is known of the document, then how many indicators."""
    parts = [document.get(k) or "" for k in ("title", "date", "publisher")]
    line = Text(str(document.get("doc_id", "")), style="bold")
    known = "  ".join(p for p in parts if p)
    if known:
        line.append("  " + known)
    line.append(f"  ({count} indicator{'s' if count != 1 else ''})", style="dim")
    return line


def render(document: dict, text: str, rows, show_text: bool = True) -> list:
    """Everything `reportmine show` prints, in order."""
    out: list = [heading(document, len(rows))]
    if show_text:
        out += ["", marked_text(text.rstrip(), rows), ""]
    out.append(indicators_table(rows))
    return out
