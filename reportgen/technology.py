"""Technology intensity of exported goods (Eurostat's high-tech aggregation by NACE Rev.2, as
TÜİK uses it), looked up by the longest matching HS code prefix in ``refdata/technology.csv``;
the file's header gives the sources and the reasoning behind each split.

Levels are keys; their Turkish names belong to the templates and the config, not here.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

LEVELS = ("yuksek", "orta-yuksek", "orta-dusuk", "dusuk")
"""The manufactured levels, highest first: the order of the bulletin's columns and bars."""
NOT_MANUFACTURED = "imalat-disi"
"""Agriculture, mining and other goods outside manufacturing: kept apart from the shares."""
FILE = Path(__file__).parent / "refdata" / "technology.csv"
_CHAPTERS = frozenset(f"{c:02d}" for c in range(1, 100))


def load(path: Path) -> dict[str, str]:
    """Prefix → level from a data file, checked: a broken file must fail loudly, never
    leave a product silently unclassified or counted in the wrong level."""
    table: dict[str, str] = {}
    lines = enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    numbered = [(number, line) for number, line in lines if line.strip() and not line.startswith("#")]
    for (number, _), row in zip(numbered[1:], csv.DictReader(line for _, line in numbered)):
        prefix, level = row.get("prefix") or "", row.get("level") or ""
        where = f"{path.name}, line {number}"
        if not (prefix.isdigit() and 2 <= len(prefix) <= 6 and prefix[:2] in _CHAPTERS):
            raise ValueError(f"{where}: prefix {prefix!r} is not 2-6 digits of an HS chapter 01-99")
        if level not in LEVELS + (NOT_MANUFACTURED,):
            raise ValueError(f"{where}: unknown level {level!r}")
        if not row.get("nace"):
            raise ValueError(f"{where}: no NACE code for {prefix}")
        if prefix in table:
            raise ValueError(f"{where}: prefix {prefix} is listed twice")
        table[prefix] = level
    missing = sorted(_CHAPTERS - table.keys())
    if missing:
        raise ValueError(f"{path.name}: chapters without a default class: {', '.join(missing)}")
    return table


@lru_cache(maxsize=1)
def mapping() -> dict[str, str]:
    """The shipped table, read and checked once per process."""
    return load(FILE)


def classify(hs_code: str) -> str:
    """The level of the longest listed prefix of the code: ``'8471'`` → ``yuksek``,
    ``'710239000000'`` (cut diamonds) → ``dusuk``, ``'0802'`` (nuts) → ``imalat-disi``.
    Every chapter has a default, so any valid code gets a class; anything else is an error."""
    table = mapping()
    for length in range(min(len(hs_code), 6), 1, -1):
        level = table.get(hs_code[:length])
        if level is not None:
            return level
    raise ValueError(f"no technology class for HS code {hs_code!r}")


@lru_cache(maxsize=1)
def refinements() -> dict[int, dict[str, str]]:
    """What the engine joins on, by the number of leading characters looked up: at 6,
    every code start that a listed 5- or 6-digit prefix decides (a 5-digit prefix stands
    for its ten 6-digit extensions, and for itself); at 4, the listed 4-digit prefixes.
    The 6-character level wins; a code neither decides takes its chapter's default,
    applied to the small grouped result. Two joins instead of one per prefix length."""
    table = mapping()
    six = {key: classify(key) for prefix in table if len(prefix) >= 5
           for key in ([prefix] + [prefix + str(digit) for digit in range(10)] if len(prefix) == 5 else [prefix])}
    return {6: six, 4: {prefix: level for prefix, level in table.items() if len(prefix) == 4}}


def chapter_defaults() -> dict[str, str]:
    return {prefix: level for prefix, level in mapping().items() if len(prefix) == 2}
