"""Aggregate all records in DuckDB, in one scan, to the small tables the bulletin needs.

Sums are exact decimals (DECIMAL(38,6) in DuckDB, ``decimal.Decimal`` in pandas), so a
share or change is never off by a float's last bit at a rounding boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pandas as pd

from .engine import Engine
from .validate import Validated

KEYS = ["year", "month", "plate"]
# GROUPING() bit masks over (province, chapter, country, level, hq_province): a set bit
# is a column rolled up.
_SETS = {"chapter": 0b00111, "country": 0b01011, "level": 0b01101, "hq": 0b11110}


@dataclass(frozen=True)
class Aggregates:
    """Export values by year, month and activity province (plate code), by HS chapter,
    by country and by technology level, and by head-office province when the data has
    it: everything later stages compute from."""

    by_chapter: pd.DataFrame
    """columns: year, month, plate, chapter, value"""
    by_country: pd.DataFrame
    """columns: year, month, plate, country, value"""
    by_technology: Optional[pd.DataFrame] = None
    """columns: year, month, plate, level, value"""
    by_head_office: Optional[pd.DataFrame] = None
    """columns: year, month, plate (of the head office), value"""

    def months(self) -> set[tuple[int, int]]:
        """The (year, month) pairs that have any record."""
        pairs = self.by_chapter[["year", "month"]].drop_duplicates()
        return set(zip(pairs["year"], pairs["month"]))


def _technology_table(engine: Engine) -> None:
    """Classify each distinct six-digit product prefix once, in Python, and give the engine
    the small lookup table to join on."""
    from ..technology import classify_many

    prefixes = sorted(row[0] for row in engine.rows("SELECT DISTINCT substr(hs_code, 1, 6) FROM rows")[1])
    levels = classify_many(prefixes)
    engine.register("technology", {"prefix": prefixes, "level": [levels[p] for p in prefixes]})


def aggregate(engine: Engine, validated: Validated) -> Aggregates:
    _technology_table(engine)
    grouped = engine.frame(
        """
        SELECT year, month, province, chapter, country, level, hq_province,
               GROUPING(province, chapter, country, level, hq_province) AS grouping_set,
               sum(value) AS value
        FROM (
            SELECT CAST(year AS INTEGER) AS year, CAST(month AS INTEGER) AS month, province,
                   substr(hs_code, 1, 2) AS chapter, country, technology.level, hq_province,
                   CAST(trim(value_usd) AS DECIMAL(38, 6)) AS value
            FROM rows JOIN technology ON substr(hs_code, 1, 6) = technology.prefix
        ) AS records
        GROUP BY GROUPING SETS ((year, month, province, chapter), (year, month, province, country),
                                (year, month, province, level), (year, month, hq_province))
        """
    )
    plates = validated.plates

    def by(name: str, key: Optional[str], province: str = "province") -> pd.DataFrame:
        part = grouped[(grouped["grouping_set"] == _SETS[name]) & grouped[province].notna()].copy()
        part["plate"] = part[province].map(plates).astype("int64")
        columns = KEYS + ([key] if key else [])
        return part.groupby(columns, as_index=False, sort=True)["value"].sum().reset_index(drop=True)

    head_office = None
    if validated.has_hq:
        head_office = by("hq", None, province="hq_province")
    return Aggregates(by_chapter=by("chapter", "chapter"), by_country=by("country", "country"),
                      by_technology=by("level", "level"), by_head_office=head_office)
