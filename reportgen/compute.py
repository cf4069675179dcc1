"""Figures of one period against the previous one: province ranking, shares, changes,
and the leading provinces' top chapters and countries.

Everything is computed from exact sums; rounding happens only when a figure is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Optional

import pandas as pd

from .data.aggregate import Aggregates
from .errors import DataError
from .period import Period
from .reference import provinces
from .turkish import month_name

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Row:
    """One line of a province table. ``plate``, ``name`` and ``rank`` are empty on the
    ``Diğer`` and ``Toplam`` lines."""

    previous: Decimal
    current: Decimal
    previous_share: Optional[Decimal]
    current_share: Optional[Decimal]
    change: Optional[Decimal]
    """per cent; None when the previous value is zero"""
    rank: Optional[int] = None
    plate: Optional[int] = None
    name: Optional[str] = None


@dataclass(frozen=True)
class ProvinceTable:
    rows: list[Row]
    other: Row
    total: Row


@dataclass(frozen=True)
class Item:
    """A chapter or a country with its export value."""

    code: str
    name: str
    value: Decimal
    word: str = ""
    """what follows the name in running text: ``faslı`` for most chapters"""


@dataclass(frozen=True)
class Leader:
    row: Row
    chapters: list[Item]
    countries: list[Item]


@dataclass(frozen=True)
class Figures:
    """Everything the bulletin states about a period: the template context's numbers."""

    period: Period
    previous_period: Period
    ranking: list[Row]
    """all 81 provinces, by current value (ties: plate code)"""
    table: ProvinceTable
    leaders: list[Leader]
    """the top provinces (at most ``leaders`` of them, only those that exported)"""


def share(part: Decimal, whole: Decimal) -> Optional[Decimal]:
    return part / whole * HUNDRED if whole else None


def change(current: Decimal, previous: Decimal) -> Optional[Decimal]:
    """Per cent change; against a negative base (net corrections) the sign still says
    whether exports rose."""
    return (current - previous) / abs(previous) * HUNDRED if previous else None


def _row(previous: Decimal, current: Decimal, totals: tuple[Decimal, Decimal], **who) -> Row:
    return Row(previous=previous, current=current, previous_share=share(previous, totals[0]),
               current_share=share(current, totals[1]), change=change(current, previous), **who)


def check_coverage(aggregates: Aggregates, *periods: Period) -> None:
    """A month with no record at all is missing data, never a zero."""
    present = aggregates.months()
    for period in periods:
        missing = [m for (y, m) in period.pairs() if (y, m) not in present]
        if missing:
            months = ", ".join(month_name(m) for m in missing)
            raise DataError(f"{period.year} yılının şu aylarına ait hiç kayıt yok: {months} "
                            f"(bülten bu ayların verisini gerektiriyor)")


def _in_period(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[(frame["year"] == period.year) & frame["month"].isin(period.months)]


def _sum_by(frame: pd.DataFrame, key: str) -> dict:
    return {k: sum(v, Decimal(0)) for k, v in frame.groupby(key, sort=True)["value"]}


def rank_provinces(previous: Mapping[int, Decimal], current: Mapping[int, Decimal]) -> list[Row]:
    totals = (sum(previous.values(), Decimal(0)), sum(current.values(), Decimal(0)))
    plates = sorted((p.plate for p in provinces()), key=lambda plate: (-current.get(plate, 0), plate))
    return [
        _row(previous.get(plate, Decimal(0)), current.get(plate, Decimal(0)), totals,
             rank=rank, plate=plate, name=provinces()[plate - 1].name)
        for rank, plate in enumerate(plates, start=1)
    ]


def province_table(ranking: list[Row], top: int) -> ProvinceTable:
    totals = (sum((r.previous for r in ranking), Decimal(0)), sum((r.current for r in ranking), Decimal(0)))
    rest = ranking[top:]
    other = _row(sum((r.previous for r in rest), Decimal(0)), sum((r.current for r in rest), Decimal(0)), totals)
    return ProvinceTable(rows=ranking[:top], other=other, total=_row(*totals, totals))


def top_items(frame: pd.DataFrame, plate: int, key: str, count: int, names: Mapping[str, str],
              words: Mapping[str, str] = {}) -> list[Item]:
    """The province's largest chapters or countries with positive net exports; ties by
    code, for a stable order."""
    sums = _sum_by(frame[frame["plate"] == plate], key)
    ordered = sorted(((k, v) for k, v in sums.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))[:count]
    return [Item(code=code, name=names[code], value=value, word=words.get(code, "")) for code, value in ordered]


def compute(aggregates: Aggregates, period: Period, *, top_provinces: int, leaders: int,
            leader_items: int, chapter_names: Mapping[str, str], chapter_words: Mapping[str, str],
            country_names: Mapping[str, str]) -> Figures:
    previous = period.previous
    check_coverage(aggregates, previous, period)
    chapters_now = _in_period(aggregates.by_chapter, period)
    ranking = rank_provinces(_sum_by(_in_period(aggregates.by_chapter, previous), "plate"),
                             _sum_by(chapters_now, "plate"))
    countries_now = _in_period(aggregates.by_country, period)
    return Figures(
        period=period,
        previous_period=previous,
        ranking=ranking,
        table=province_table(ranking, top_provinces),
        leaders=[
            Leader(row=row,
                   chapters=top_items(chapters_now, row.plate, "chapter", leader_items, chapter_names,
                                      chapter_words),
                   countries=top_items(countries_now, row.plate, "country", leader_items, country_names))
            for row in ranking[:leaders] if row.current > 0
        ],
    )
