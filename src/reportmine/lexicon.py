"""Load the lexicons (units, grammar words, exclusions, dictionaries) into one
frozen, validated, compiled `Lexicon`.

The shipped lexicons live in the `reportmine.lexicons` package (the
repository's `lexicons/` folder); a user's folder given with `--lexicons DIR`
is read the same way and added on top.  Files are data only (TOML and plain
word lists): nothing in them is ever executed.

>>> lex = load_lexicon()
>>> lex.units["亩"].category
'area'
"""
from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex

CATEGORIES = (
    "households", "area", "money", "rate", "people", "count", "duration",
    "length", "weight", "volume", "other",
)
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")

# Files a lexicon folder may hold; any of them may be missing in a user folder.
LEXICON_FILES = (
    "units.toml", "grammar.toml", "exclusions.toml", "places.toml",
    "domain_words.txt", "stopwords.txt",
)


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names file, line or rule and field."""


@dataclass(frozen=True)
class UnitDef:
    surface: str
    category: str
    unit: str            # standard unit; for counts, the measure word itself
    factor: float
    alt: tuple = ()      # ((context, category, unit, factor), ...)
    not_before: tuple = ()  # words after the unit that cancel this reading


@dataclass(frozen=True)
class ExclusionRule:
    id: str
    pattern: object      # compiled regex
    examples: tuple = ()
    counter: tuple = ()
    source: str = ""


@dataclass(frozen=True, eq=False)
class Lexicon:
    units: dict                      # surface -> UnitDef
    unit_words: tuple                # surfaces, longest first
    bare: tuple                      # ((context, category, unit, factor), ...)
    contexts: dict                   # name -> tuple of words
    qualifier_before: dict
    qualifier_inside: dict
    qualifier_after: dict
    change_up: tuple
    change_down: tuple
    change_level: tuple
    fillers: frozenset
    lead_verbs: frozenset
    scope_words: frozenset
    completion_verbs: tuple
    change_gaps: tuple
    list_joiners: tuple
    cn_min_value: float
    cn_digits_only_units: frozenset
    cn_examples: tuple
    cn_counter: tuple
    range_joiners: tuple
    rules: tuple                     # ExclusionRule, ...
    idioms: tuple
    domain_words: tuple              # (word, freq or None, tag or None)
    stopwords: frozenset
    places: dict = field(default_factory=dict)
    unit_examples: tuple = ()        # (source, text, value, unit)
    bare_examples: tuple = ()
    digest: str = ""                 # changes whenever any lexicon file changes
    sources: tuple = ()

    # Not part of equality or hashing: compiled helpers built once.
    idiom_regex: object = field(default=None, compare=False, repr=False)


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 超过 wins over 超),
    and in a fixed order, so that every process compiles the same pattern.
    The escaping suits the stdlib `re` as well as `regex`.

    >>> alternation(["超", "超过", "a.b"])
    'a\\\\.b|超过|超'
    """
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def shipped_dir() -> Path:
    """The folder of the lexicons that ship inside the installed package."""
    return Path(str(resources.files("reportmine.lexicons")))


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_LINE.search(str(e))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise LexiconError(f"{where}: TOML syntax: {e}") from None
    except OSError as e:
        raise LexiconError(f"{path}: cannot read: {e.strerror or e}") from None


_TOML_LINE = re.compile(r"at line (\d+)")
_WHERE_ARRAY = re.compile(r"^\[\[([^\]]+)\]\] (?:#(\d+)|(\S+))(?: field '([^'.]+))?")
_WHERE_TABLE = re.compile(r"^\[([^\]]+)\](?: field '([^'.]+)| '([^']*)'| \"([^\"]*)\")?")
_WHERE_LINE = re.compile(r"^line (\d+)")
_WHERE_FIELD = re.compile(r"^field '([^'.]+)'")
_HEADER = re.compile(r"^\s*\[")


def _key_line(lines: list[str], lo: int, hi: int, key: str) -> int | None:
    pat = re.compile(r"""^\s*(?:"{0}"|'{0}'|{0})\s*=""".format(re.escape(key)))
    for n in range(lo, hi):
        if pat.match(lines[n]):
            return n + 1
    return None


def _block_end(lines: list[str], start: int) -> int:
    return next((n for n in range(start + 1, len(lines)) if _HEADER.match(lines[n])), len(lines))


def locate(text: str, where: str) -> int | None:
    """The 1-based line of the entry and field an error message names.

    `where` is the loader's own description of the place: "[[unit]] #2 field
    'factor'", "[[rule]] year field 'pattern'", "[qualifier.before] '约'",
    "[change] field 'up'" or "line 7".

    >>> locate('[[unit]]\\nsurface = ["户"]\\n[[unit]]\\nsurface = ["亩"]\\nfactor = -1\\n', "[[unit]] 亩 field 'factor'")
    5
    """
    lines = text.splitlines()
    m = _WHERE_LINE.match(where)
    if m:
        return int(m.group(1))
    m = _WHERE_FIELD.match(where)
    if m:
        return _key_line(lines, 0, _block_end(lines, -1), m.group(1))
    m = _WHERE_ARRAY.match(where)
    if m:
        table, index, name, key = m.groups()
        head = re.compile(r"^\s*\[\[\s*{}\s*\]\]".format(re.escape(table)))
        starts = [n for n, line in enumerate(lines) if head.match(line)]
        if index is not None:
            starts = starts[int(index) - 1:int(index)]
        else:
            quoted = (f'"{name}"', f"'{name}'")
            starts = [s for s in starts if any(q in line for line in lines[s:_block_end(lines, s)] for q in quoted)]
        if not starts:
            return None
        start = starts[0]
        found = _key_line(lines, start + 1, _block_end(lines, start), key) if key else None
        return found or start + 1
    m = _WHERE_TABLE.match(where)
    if m:
        table, field_name, word1, word2 = m.groups()
        key = field_name or word1 or word2
        head = re.compile(r"^\s*\[\s*{}\s*\]".format(re.escape(table)))
        start = next((n for n, line in enumerate(lines) if head.match(line)), None)
        if start is None:
            # a dotted key at the top (qualifier.before."约" = ...) or a top-level table name
            last = table.split(".")[-1]
            return _key_line(lines, 0, len(lines), key or last) if (key or last) else None
        if key is None:
            return start + 1
        return _key_line(lines, start + 1, _block_end(lines, start), key) or start + 1
    return None


def _fail(path: Path, where: str, msg: str) -> None:
    """Raise the error for a bad entry, naming file, line (when found) and field."""
    try:
        line = locate(path.read_text(encoding="utf-8", errors="replace"), where)
    except OSError:
        line = None
    if line and _WHERE_LINE.match(where):
        raise LexiconError(f"{path}:{line}: {msg}")
    at = f"{path}:{line}" if line else str(path)
    raise LexiconError(f"{at}: {where}: {msg}")


def _need(cond: bool, path: Path, where: str, msg: str) -> None:
    if not cond:
        _fail(path, where, msg)


def _str_list(value, path: Path, where: str) -> tuple:
    _need(isinstance(value, list) and all(isinstance(v, str) for v in value),
          path, where, "must be a list of strings")
    return tuple(value)


def _read_words(path: Path) -> list[tuple[int, list[str]]]:
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LexiconError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise LexiconError(f"{path}: cannot read: {e.strerror or e}") from None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            out.append((n, line.split()))
    return out


# Tables whose keys are data (words, context names), not field names.
DATA_KEYED = {"units.toml": ("context",), "grammar.toml": ("qualifier.before", "qualifier.inside", "qualifier.after")}
# Fields the loader reads even when no shipped entry happens to use them.
BASE_FIELDS = {
    "units.toml": {"unit": [{"surface": 0, "category": 0, "unit": 0, "factor": 0, "examples": 0,
                             "alt": {"context": 0, "category": 0, "unit": 0, "factor": 0}, "not_before": 0}]},
    "exclusions.toml": {"rule": [{"id": 0, "pattern": 0, "examples": 0, "counter": 0}]},
}


def _shape(value):
    """The field structure of parsed TOML: tables keep their keys, arrays of
    tables become [merged entry], anything else 0.

    >>> _shape({"unit": [{"a": 1}, {"b": 2}], "x": 3})
    {'unit': [{'a': 0, 'b': 0}], 'x': 0}
    """
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        merged: dict = {}
        for v in value:
            merged = _merge_shape(merged, _shape(v))
        return [merged]
    return 0


def _merge_shape(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _merge_shape(a.get(k, 0), b.get(k, 0)) for k in {**a, **b}}
    if isinstance(a, list) and isinstance(b, list):
        return [_merge_shape(a[0], b[0])]
    return a if a != 0 else b


def _unknown_field(value, shape, keyed: tuple, prefix: str = "", entry: str = ""):
    """The `where` of the first field of `value` that `shape` does not know, else None."""
    if isinstance(value, list) and isinstance(shape, list):
        for i, v in enumerate(value, 1):
            if isinstance(v, dict):
                found = _unknown_field(v, shape[0], keyed, prefix, f"[[{prefix}]] #{i}")
                if found:
                    return found
        return None
    if not (isinstance(value, dict) and isinstance(shape, dict)):
        return None
    if prefix in keyed:
        merged: dict | int = 0
        for s in shape.values():
            merged = _merge_shape(merged, s) if merged != 0 else s
        for k, v in value.items():
            found = _unknown_field(v, merged, keyed, f"{prefix}.{k}", f"[{prefix}.{k}]")
            if found:
                return found
        return None
    for k, v in value.items():
        if k not in shape:
            if entry.startswith("[["):
                return f"{entry} field '{k}'"
            name = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                return f"[{name}]"
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                return f"[[{name}]] #1"
            return f"[{prefix}] field '{k}'" if prefix else f"field '{k}'"
        child = f"{prefix}.{k}" if prefix else k
        found = _unknown_field(v, shape[k], keyed, child, entry if entry.startswith("[[") else f"[{child}]")
        if found:
            return found
    return None


def _check_fields(path: Path, data: dict) -> None:
    """A user's file may use the fields the shipped file of the same name uses
    (so a typo such as `catgory` is refused, not silently ignored)."""
    shipped = shipped_dir() / path.name
    if path.name not in DATA_KEYED and path.name not in BASE_FIELDS or not shipped.is_file():
        return
    shape = _merge_shape(_shape(_read_toml(shipped)), BASE_FIELDS.get(path.name, {}))
    where = _unknown_field(data, shape, DATA_KEYED.get(path.name, ()))
    if where:
        _fail(path, where, f"unknown name; the shipped {path.name} shows the tables and fields it may use")


def _check_file_names(folder: Path) -> None:
    """A user's folder holds lexicon files only: a misspelt name would be ignored."""
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() in (".toml", ".txt") and p.name not in LEXICON_FILES:
            raise LexiconError(f"{p}: not a lexicon file name; expected one of {', '.join(LEXICON_FILES)}")


class _Builder:
    """Accumulates the content of one or more lexicon folders."""

    def __init__(self) -> None:
        self.units: dict[str, UnitDef] = {}
        self.unit_examples: list = []
        self.bare: list = []
        self.bare_examples: list = []
        self.contexts: dict[str, list[str]] = {}
        self.q_before: dict = {}
        self.q_inside: dict = {}
        self.q_after: dict = {}
        self.up: list = []
        self.down: list = []
        self.level: list = []
        self.fillers: set = set()
        self.lead_verbs: set = set()
        self.scope_words: set = set()
        self.completion_verbs: list = []
        self.change_gaps: list = []
        self.list_joiners: list = []
        self.cn: dict = {"min_value": 2.0, "units": set(), "examples": [], "counter": []}
        self.joiners: list = []
        self.rules: dict[str, ExclusionRule] = {}
        self.idioms: list = []
        self.words: list = []
        self.stopwords: set = set()
        self.places: dict = {}
        self.hash = hashlib.sha256()
        self.sources: list = []

    # -- one file each ----------------------------------------------------
    def add_units(self, path: Path) -> None:
        data = _read_toml(path)
        for i, entry in enumerate(data.get("unit", []), 1):
            where = f"[[unit]] #{i}"
            _need(isinstance(entry, dict), path, where, "must be a table")
            surface = _str_list(entry.get("surface"), path, f"{where} field 'surface'")
            where = f"[[unit]] {surface[0] if surface else '#' + str(i)}"
            cat = entry.get("category")
            _need(cat in CATEGORIES, path, f"{where} field 'category'",
                  f"{cat!r} is not one of {', '.join(CATEGORIES)}")
            unit = entry.get("unit")
            _need(isinstance(unit, str) and unit, path, f"{where} field 'unit'", "must be a non-empty string")
            factor = entry.get("factor")
            _need(isinstance(factor, (int, float)) and not isinstance(factor, bool) and factor > 0,
                  path, f"{where} field 'factor'", "must be a positive number")
            alt = ()
            if "alt" in entry:
                a = entry["alt"]
                _need(isinstance(a, dict) and {"context", "category", "unit", "factor"} <= set(a),
                      path, f"{where} field 'alt'", "needs context, category, unit and factor")
                _need(a["category"] in CATEGORIES, path, f"{where} field 'alt.category'", "unknown category")
                alt = ((a["context"], a["category"], a["unit"], float(a["factor"])),)
            not_before = _str_list(entry.get("not_before", []), path, f"{where} field 'not_before'")
            for s in surface:
                u = s if unit == "=" else unit
                self.units[s] = UnitDef(s, cat, u, float(factor), alt, not_before)
            for j, ex in enumerate(entry.get("examples", []), 1):
                _need(isinstance(ex, list) and len(ex) == 3 and isinstance(ex[0], str)
                      and isinstance(ex[1], (int, float)) and isinstance(ex[2], str),
                      path, f"{where} field 'examples' #{j}", "must be [text, value, unit]")
                self.unit_examples.append((f"{path.name}:{surface[0]}", ex[0], float(ex[1]), ex[2]))
        for name, ctx in data.get("context", {}).items():
            self.contexts.setdefault(name, []).extend(
                _str_list(ctx.get("words"), path, f"[context.{name}] field 'words'"))
        bare = data.get("bare", {})
        for j, b in enumerate(bare.get("contexts", []), 1):
            _need(isinstance(b, dict) and {"context", "category", "unit", "factor"} <= set(b),
                  path, f"[bare] contexts #{j}", "needs context, category, unit and factor")
            self.bare.append((b["context"], b["category"], b["unit"], float(b["factor"])))
        for ex in bare.get("examples", []):
            self.bare_examples.append((f"{path.name}:bare", ex[0], float(ex[1]), ex[2]))

    def add_grammar(self, path: Path) -> None:
        data = _read_toml(path)
        q = data.get("qualifier", {})
        for part, target in (("before", self.q_before), ("inside", self.q_inside), ("after", self.q_after)):
            for word, qual in q.get(part, {}).items():
                _need(qual in QUALIFIERS, path, f"[qualifier.{part}] {word!r}",
                      f"{qual!r} is not one of {', '.join(QUALIFIERS)}")
                target[word] = qual
        ch = data.get("change", {})
        self.up += _str_list(ch.get("up", []), path, "[change] field 'up'")
        self.down += _str_list(ch.get("down", []), path, "[change] field 'down'")
        self.level += _str_list(ch.get("level", []), path, "[change] field 'level'")
        subj = data.get("subject", {})
        self.fillers |= set(_str_list(subj.get("fillers", []), path, "[subject] field 'fillers'"))
        self.lead_verbs |= set(_str_list(subj.get("lead_verbs", []), path, "[subject] field 'lead_verbs'"))
        self.scope_words |= set(_str_list(subj.get("scope_words", []), path, "[subject] field 'scope_words'"))
        self.completion_verbs += _str_list(subj.get("completion_verbs", []), path, "[subject] field 'completion_verbs'")
        self.change_gaps += _str_list(ch.get("gaps", []), path, "[change] field 'gaps'")
        self.list_joiners += _str_list(ch.get("list_joiners", []), path, "[change] field 'list_joiners'")
        self.joiners += _str_list(data.get("range", {}).get("joiners", []), path, "[range] field 'joiners'")

    def add_exclusions(self, path: Path) -> None:
        data = _read_toml(path)
        for i, r in enumerate(data.get("rule", []), 1):
            rid = r.get("id") if isinstance(r, dict) else None
            where = f"[[rule]] {rid or '#' + str(i)}"
            _need(isinstance(rid, str) and rid, path, where, "field 'id' must be a non-empty string")
            pat = r.get("pattern")
            _need(isinstance(pat, str) and pat, path, f"{where} field 'pattern'", "must be a non-empty string")
            try:
                compiled = regex.compile(pat, regex.V0)
            except regex.error as e:
                _fail(path, f"{where} field 'pattern'", str(e))
            self.rules[rid] = ExclusionRule(
                rid, compiled,
                _str_list(r.get("examples", []), path, f"{where} field 'examples'"),
                _str_list(r.get("counter", []), path, f"{where} field 'counter'"),
                path.name,
            )
        idioms = _str_list(data.get("idioms", {}).get("words", []), path, "[idioms] field 'words'")
        # an empty word would match everywhere and exclude every number
        _need(all(w.strip() for w in idioms), path, "[idioms] field 'words'", "must not hold an empty or blank word")
        self.idioms += idioms
        cn = data.get("chinese_numerals", {})
        if "min_value" in cn:
            _need(isinstance(cn["min_value"], (int, float)), path, "[chinese_numerals] field 'min_value'", "must be a number")
            self.cn["min_value"] = float(cn["min_value"])
        self.cn["units"] |= set(_str_list(cn.get("digits_only_units", []), path, "[chinese_numerals] field 'digits_only_units'"))
        self.cn["examples"] += _str_list(cn.get("examples", []), path, "[chinese_numerals] field 'examples'")
        self.cn["counter"] += _str_list(cn.get("counter", []), path, "[chinese_numerals] field 'counter'")

    def add_places(self, path: Path) -> None:
        self.places = _merge(self.places, _read_toml(path))

    def add_domain_words(self, path: Path) -> None:
        for n, parts in _read_words(path):
            word, freq, tag = parts[0], None, None
            if len(parts) > 1:
                _need(parts[1].isdigit(), path, f"line {n}", f"frequency {parts[1]!r} is not a whole number")
                freq = int(parts[1])
            if len(parts) > 2:
                tag = parts[2]
            _need(len(parts) <= 3, path, f"line {n}", "expected: WORD [FREQ] [POS]")
            self.words.append((word, freq, tag))

    def add_stopwords(self, path: Path) -> None:
        for _n, parts in _read_words(path):
            self.stopwords.update(parts)

    def add_folder(self, folder: Path, required: bool) -> None:
        if not folder.is_dir():
            raise LexiconError(f"{folder}: not a folder of lexicons")
        readers = {
            "units.toml": self.add_units, "grammar.toml": self.add_grammar,
            "exclusions.toml": self.add_exclusions, "places.toml": self.add_places,
            "domain_words.txt": self.add_domain_words, "stopwords.txt": self.add_stopwords,
        }
        if not required:
            _check_file_names(folder)
        found = False
        for name in LEXICON_FILES:
            path = folder / name
            if path.is_file():
                found = True
                self.hash.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
                self.sources.append(str(path))
                if not required and name.endswith(".toml"):
                    _check_fields(path, _read_toml(path))
                try:
                    readers[name](path)
                except LexiconError:
                    raise
                except (TypeError, AttributeError, KeyError, ValueError, IndexError) as e:
                    # a value of the wrong shape where the loader expects a table or a list
                    raise LexiconError(f"{path}: malformed: {type(e).__name__}: {e}") from None
            elif required and name in ("units.toml", "grammar.toml", "exclusions.toml"):
                raise LexiconError(f"{path}: missing")
        if not found:
            raise LexiconError(f"{folder}: holds none of {', '.join(LEXICON_FILES)}")

    def build(self) -> Lexicon:
        for ctx, *_ in [a for u in self.units.values() for a in u.alt] + self.bare:
            if ctx not in self.contexts:
                raise LexiconError(f"context {ctx!r} is used but no [context.{ctx}] defines its words")
        idioms = tuple(dict.fromkeys(self.idioms))
        rules = tuple(self.rules.values())
        idiom_alt = "|".join(regex.escape(w) for w in sorted(idioms, key=len, reverse=True))
        return Lexicon(
            units=dict(self.units),
            unit_words=tuple(sorted(self.units, key=len, reverse=True)),
            bare=tuple(self.bare),
            contexts={k: tuple(dict.fromkeys(v)) for k, v in self.contexts.items()},
            qualifier_before=dict(self.q_before),
            qualifier_inside=dict(self.q_inside),
            qualifier_after=dict(self.q_after),
            change_up=tuple(sorted(set(self.up), key=len, reverse=True)),
            change_down=tuple(sorted(set(self.down), key=len, reverse=True)),
            change_level=tuple(dict.fromkeys(self.level)),
            fillers=frozenset(self.fillers),
            lead_verbs=frozenset(self.lead_verbs),
            scope_words=frozenset(self.scope_words),
            completion_verbs=tuple(sorted(set(self.completion_verbs), key=len, reverse=True)),
            change_gaps=tuple(dict.fromkeys(self.change_gaps or [""])),
            list_joiners=tuple(dict.fromkeys(self.list_joiners)),
            cn_min_value=self.cn["min_value"],
            cn_digits_only_units=frozenset(self.cn["units"]),
            cn_examples=tuple(self.cn["examples"]),
            cn_counter=tuple(self.cn["counter"]),
            range_joiners=tuple(dict.fromkeys(self.joiners)),
            rules=rules,
            idioms=idioms,
            domain_words=tuple(self.words),
            stopwords=frozenset(self.stopwords),
            places=dict(self.places),
            unit_examples=tuple(self.unit_examples),
            bare_examples=tuple(self.bare_examples),
            digest=self.hash.hexdigest()[:16],
            sources=tuple(self.sources),
            idiom_regex=regex.compile(idiom_alt) if idiom_alt else None,
        )


def load_lexicon(extra: tuple[str | Path, ...] = ()) -> Lexicon:
    """Read the shipped lexicons plus any user folders, validate and compile.

    >>> load_lexicon().units["公顷"].factor
    1.0
    """
    folders = tuple(str(Path(p).resolve()) for p in extra)
    return _load(folders, _signature(folders))


def _signature(folders: tuple[str, ...]) -> tuple:
    """Names, sizes and times of the files in the user's folders, so that a
    file edited during a session (a notebook) is read again."""
    sig = []
    for folder in folders:
        try:
            for e in sorted(os.scandir(folder), key=lambda e: e.name):
                st = e.stat()
                sig.append((e.path, st.st_size, st.st_mtime_ns))
        except OSError:
            sig.append((folder, -1, -1))
    return tuple(sig)


@lru_cache(maxsize=8)
def _load(extra: tuple[str, ...], signature: tuple = ()) -> Lexicon:
    b = _Builder()
    b.add_folder(shipped_dir(), required=True)
    for folder in extra:
        b.add_folder(Path(folder), required=False)
    lex = b.build()
    # places.toml is read by its own stage; compile it now so that a bad entry
    # stops the run before any document, like every other lexicon error
    from .periods import period_rules
    from .places import place_rules
    place_rules(lex)
    period_rules(lex)
    # read the exclusion rules' patterns for scanning now, not at the first document
    from .extract import exclusion_plan
    exclusion_plan(lex)
    return lex


def _merge(base: dict, extra: dict) -> dict:
    """Tables merged at any depth, lists added to (a user's [stop] names extend
    the shipped list), other values replaced.

    >>> _merge({"a": {"b": [1]}, "c": 1}, {"a": {"b": [2]}, "c": 2})
    {'a': {'b': [1, 2]}, 'c': 2}
    """
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge(old, value)
        elif isinstance(old, (list, tuple)) and isinstance(value, list):
            out[key] = list(old) + [v for v in value if v not in old]
        else:
            out[key] = value
    return out
