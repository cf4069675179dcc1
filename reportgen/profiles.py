"""Province profiles: for each province, the figures of its own page — rank and share,
month and cumulative change, the 13-month trend, its top chapters and countries with
their changes, its technology shares, and its place among the provinces of its region."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

from .compute import (ZERO, Figures, Names, Row, TechnologyRow, change, in_span, share, sum_by,
                      technology_rows)
from .period import Span
from .reference import fold

if TYPE_CHECKING:
    import pandas as pd

    from .data.aggregate import Aggregates

PROFILE_ITEMS = 10


@dataclass(frozen=True)
class ItemChange:
    """A chapter or country of a province, this span and the same span a year earlier."""

    code: str
    name: str
    previous: Decimal
    current: Decimal
    current_share: Optional[Decimal]
    """per cent of the province's exports"""
    change: Optional[Decimal]


@dataclass(frozen=True)
class Profile:
    plate: int
    name: str
    region: str
    main: Row
    """the province's line in the main span's ranking (the year, or the month)"""
    cumulative: Optional[Row]
    """its line in January–month (monthly bulletins)"""
    trend: list[tuple[int, int, Decimal]]
    """(year, month, value) over the last 13 months"""
    chapters: list[ItemChange]
    countries: list[ItemChange]
    technology: Optional[TechnologyRow]
    region_rows: list[Row]
    """the provinces of its region in the summary span, ranked within the region"""

    @property
    def slug(self) -> str:
        """File name: ``34-istanbul``."""
        return province_slug(self.plate, self.name)


def province_slug(plate: int, name: str) -> str:
    """A province's file name: ``34-istanbul``."""
    return f"{plate:02d}-{fold(name).replace(' ', '-')}"


def item_changes(frame: pd.DataFrame, plate: int, key: str, span: Span, names, count: int) -> list[ItemChange]:
    """The province's largest items in the span, with the same items a year earlier."""
    mine = frame[frame["plate"] == plate]
    now = sum_by(in_span(mine, span), key)
    before = sum_by(in_span(mine, span.previous), key)
    total = sum(now.values(), ZERO)
    ordered = sorted(((k, v) for k, v in now.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))[:count]
    return [ItemChange(code=code, name=names[code], previous=before.get(code, ZERO), current=value,
                       current_share=share(value, total), change=change(value, before.get(code, ZERO)))
            for code, value in ordered]


def _region_rows(figures: Figures, names: Names, region: str) -> list[Row]:
    members = [r for r in figures.summary.ranking if names.regions[r.plate].name == region]
    return [Row(previous=r.previous, current=r.current, previous_share=r.previous_share,
                current_share=r.current_share, change=r.change, rank=rank, plate=r.plate, name=r.name)
            for rank, r in enumerate(members, start=1)]


def build_profiles(figures: Figures, aggregates: Aggregates, names: Names, levels: tuple[str, ...],
                   plates: list[int]) -> list[Profile]:
    summary = figures.summary
    monthly = sum_by(aggregates.by_chapter, ["plate", "year", "month"])
    months = figures.period.trend_pairs()
    main, cumulative = figures.main.by_plate, figures.cumulative.by_plate if figures.cumulative else None
    technology = {row.plate: row for row in technology_rows(
        aggregates.by_technology, summary.span, [summary.by_plate[plate] for plate in plates], levels)}
    profiles = []
    for plate in plates:
        row = main[plate]
        region = names.regions[plate].name
        profiles.append(Profile(
            plate=plate, name=row.name, region=region, main=row,
            cumulative=cumulative[plate] if cumulative else None,
            trend=[(y, m, monthly.get((plate, y, m), ZERO)) for y, m in months],
            chapters=item_changes(aggregates.by_chapter, plate, "chapter", summary.span, names.chapters,
                                  PROFILE_ITEMS),
            countries=item_changes(aggregates.by_country, plate, "country", summary.span, names.countries,
                                   PROFILE_ITEMS),
            technology=technology.get(plate),
            region_rows=_region_rows(figures, names, region),
        ))
    return profiles
