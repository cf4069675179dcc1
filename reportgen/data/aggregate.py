"""One scan of all records (``queries.aggregate_query``) to the small grouped table, and
from it, once validated, the tables the bulletin computes from.

Sums are exact decimals (DECIMAL(38,6) in the engine, ``decimal.Decimal`` in pandas), so a
share or change is never off by a float's last bit at a rounding boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pandas as pd

from ..errors import DataError
from ..technology import mapping
from .dialect import first_unreadable_line
from .engine import Engine
from .queries import GROUPED, SETS, aggregate_query
from .sources import Source

KEYS = ["year", "month", "plate"]


def grouping_mask(name: str) -> int:
    """The GROUPING() value of a grouping set: a bit set for each column rolled up."""
    return sum(1 << (len(GROUPED) - 1 - i) for i, column in enumerate(GROUPED) if column not in SETS[name])


@dataclass(frozen=True)
class Grouped:
    """The one scan's result: sums and validation counts of the three grouping sets."""

    frame: pd.DataFrame

    def part(self, name: str) -> pd.DataFrame:
        return self.frame[self.frame["grouping_set"] == grouping_mask(name)]


def scan(engine: Engine, sources: list[Source]) -> Grouped:
    """Read every record once; a file that cannot be read is named, with its line where
    the file has one."""
    try:
        return Grouped(engine.frame(aggregate_query([s.records() for s in sources], mapping())))
    except Exception as exc:  # noqa: BLE001 - each engine has its own error types
        raise _unreadable(engine, sources, exc) from None


def _unreadable(engine: Engine, sources: list[Source], error: Exception) -> DataError:
    for source in sources:
        if source.path is not None and not source.path.is_file():
            return DataError("veri dosyası derleme sırasında silinmiş ya da taşınmış", file=source.path)
        if source.dialect is not None:
            broken = first_unreadable_line(source.path, source.dialect)
            if broken:
                return DataError(broken[1], file=source.path, row=broken[0])
    if len(sources) == 1:
        return DataError(f"veri okunamadı: {_first_line(error)}", file=sources[0].label)
    for source in sources:
        try:
            engine.rows(aggregate_query([source.records()], mapping()))
        except Exception as exc:  # noqa: BLE001
            return DataError(f"dosya okunamadı: {_first_line(exc)}", file=source.label)
    return DataError(f"veri okunamadı: {_first_line(error)}")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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


def aggregate(grouped: Grouped, plates: dict[str, int], has_hq: bool) -> Aggregates:
    """The validated groups by plate code: spellings of one province add up."""

    def by(name: str, key: Optional[str], province: str = "province") -> pd.DataFrame:
        part = grouped.part(name)
        part = part[part[province].notna()]
        keyed = pd.DataFrame({"year": part["year"].astype("int64"), "month": part["month"].astype("int64"),
                              "plate": part[province].map(plates).astype("int64"), "value": part["value"]})
        if key:
            keyed[key] = part[key].to_numpy()
        columns = KEYS + ([key] if key else [])
        return keyed.groupby(columns, as_index=False, sort=True)["value"].sum().reset_index(drop=True)

    return Aggregates(by_chapter=by("chapter", "chapter"), by_country=by("country", "country"),
                      by_technology=by("chapter", "level"),
                      by_head_office=by("hq", None, province="hq_province") if has_hq else None)
