"""Technology intensity of products (Eurostat's NACE Rev.2 aggregation, as TÜİK uses it),
looked up by the longest matching HS code prefix in ``refdata/technology.csv``.

Levels are keys; their Turkish names live in the config's labels, not here.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Iterable

LEVELS = ("yuksek", "orta-yuksek", "orta-dusuk", "dusuk")
"""The manufactured levels, highest first."""
NOT_MANUFACTURED = "imalat-disi"
_FILE = Path(__file__).parent / "refdata" / "technology.csv"


@lru_cache(maxsize=1)
def mapping() -> dict[str, str]:
    """Prefix → level, checked once: a broken data file must not classify silently."""
    lines = [line for line in _FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    table: dict[str, str] = {}
    for row in csv.DictReader(lines):
        prefix, level = row["prefix"], row["level"]
        if not (prefix.isdigit() and 2 <= len(prefix) <= 6):
            raise ValueError(f"{_FILE.name}: bad prefix {prefix!r}")
        if level not in LEVELS + (NOT_MANUFACTURED,):
            raise ValueError(f"{_FILE.name}: unknown level {level!r} for {prefix}")
        if prefix in table:
            raise ValueError(f"{_FILE.name}: prefix {prefix} twice")
        table[prefix] = level
    missing = {f"{c:02d}" for c in range(1, 100)} - set(table)
    if missing:
        raise ValueError(f"{_FILE.name}: chapters without a class: {sorted(missing)}")
    return table


def classify(hs_code: str) -> str:
    """The level of the longest prefix of the code that the table lists: ``'8471'`` →
    ``yuksek``; ``'870323191000'`` → ``orta-yuksek``; ``'0802'`` → ``imalat-disi``."""
    table = mapping()
    for length in range(min(6, len(hs_code)), 1, -1):
        level = table.get(hs_code[:length])
        if level:
            return level
    raise ValueError(f"no technology class for HS code {hs_code!r}")


def classify_many(codes: Iterable[str]) -> dict[str, str]:
    """Each distinct code's level, for a lookup table."""
    return {code: classify(code) for code in set(codes)}
