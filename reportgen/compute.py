"""Figures of a period against the same months a year earlier: province rankings, shares
and changes, the largest increases, regions, technology shares, the leading provinces'
top chapters and countries, the 13-month trend and the head-office comparison.

Everything is computed from exact sums; rounding happens only when a figure is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Mapping, Optional

from .errors import DataError
from .period import Period, Span
from .reference import Region, provinces
from .turkish import month_name

if TYPE_CHECKING:
    import pandas as pd

    from .data.aggregate import Aggregates

HUNDRED = Decimal(100)
ZERO = Decimal(0)
BILLION = Decimal(1_000_000_000)


@dataclass(frozen=True)
class Row:
    """One line of a table of provinces or regions. ``plate`` and ``rank`` are empty
    on the ``Diğer`` and ``Toplam`` lines, ``name`` too."""

    previous: Decimal
    current: Decimal
    previous_share: Optional[Decimal]
    current_share: Optional[Decimal]
    change: Optional[Decimal]
    """per cent; None when the previous value is zero"""
    rank: Optional[int] = None
    plate: Optional[int] = None
    name: Optional[str] = None

    @property
    def increase(self) -> Decimal:
        """Change in dollars."""
        return self.current - self.previous


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
class TechnologyRow:
    """A province's (or Türkiye's) manufactured exports by technology level."""

    name: Optional[str]
    """None on the Türkiye line"""
    plate: Optional[int]
    manufactured: Decimal
    """value of manufactured exports"""
    shares: dict[str, Optional[Decimal]]
    """technology level key → per cent of manufactured exports"""
    manufactured_share: Optional[Decimal]
    """per cent of all exports that is manufactured"""


@dataclass(frozen=True)
class SpanFigures:
    """Everything stated about one span (the year, the month or January–month)."""

    span: Span
    ranking: list[Row]
    """all 81 provinces by value (ties: plate code)"""
    table: ProvinceTable
    increases: list[Row]
    """provinces with the largest increase in dollars, largest first"""
    over_billion: int
    """provinces that exported more than one billion dollars"""
    increased: int
    """provinces whose exports rose"""
    regions: list[Row]
    """İBBS Düzey-1 regions by value"""
    technology: list[TechnologyRow] = field(default_factory=list)
    """the table's provinces and, last, Türkiye"""

    @property
    def by_plate(self) -> dict[int, Row]:
        """The ranking's rows by plate code, to look a province up in another span."""
        return {row.plate: row for row in self.ranking}


@dataclass(frozen=True)
class TrendLine:
    plate: int
    name: str
    values: list[Decimal]


@dataclass(frozen=True)
class Trend:
    months: list[tuple[int, int]]
    """(year, month), oldest first"""
    lines: list[TrendLine]


@dataclass(frozen=True)
class HeadOfficeRow:
    """A province's share of exports by activity province and by head-office province."""

    plate: int
    name: str
    activity: Decimal
    activity_share: Optional[Decimal]
    head_office: Decimal
    head_office_share: Optional[Decimal]

    @property
    def difference(self) -> Optional[Decimal]:
        """Activity share minus head-office share, in percentage points."""
        if self.activity_share is None or self.head_office_share is None:
            return None
        return self.activity_share - self.head_office_share


@dataclass(frozen=True)
class Settings:
    top_provinces: int = 15
    leaders: int = 3
    leader_items: int = 3
    highlights: int = 5
    """monthly bulletins name this many provinces, and this many largest increases"""


@dataclass(frozen=True)
class Names:
    """Reference data the figures are labelled with."""

    chapters: Mapping[str, str]
    chapter_words: Mapping[str, str]
    countries: Mapping[str, str]
    regions: Mapping[int, Region]


@dataclass(frozen=True)
class Figures:
    """Everything the bulletin states: the template context's numbers."""

    period: Period
    main: SpanFigures
    """the year (annual bulletin) or the month (monthly bulletin)"""
    cumulative: Optional[SpanFigures]
    """January–month (monthly bulletin only)"""
    bullets: list[Row]
    """the provinces the opening bullets name (three a year, five a month)"""
    leaders: list[Leader]
    """the top provinces of the main span that exported, with their top chapters and countries"""
    trend: Optional[Trend]
    """monthly bulletin: the last 13 months of the month's top provinces"""
    head_office: list[HeadOfficeRow]
    """when the data has head-office provinces: the table's provinces under both"""
    region_members: dict[str, list[str]]
    """region name → its provinces (in plate order), regions in code order"""

    @property
    def summary(self) -> SpanFigures:
        """The span for counts, technology and regions: January–month, or the year."""
        return self.cumulative or self.main


def share(part: Decimal, whole: Decimal) -> Optional[Decimal]:
    return part / whole * HUNDRED if whole else None


def change(current: Decimal, previous: Decimal) -> Optional[Decimal]:
    """Per cent change; against a negative base (net corrections) the sign still says
    whether exports rose."""
    return (current - previous) / abs(previous) * HUNDRED if previous else None


def _row(previous: Decimal, current: Decimal, totals: tuple[Decimal, Decimal], **who) -> Row:
    return Row(previous=previous, current=current, previous_share=share(previous, totals[0]),
               current_share=share(current, totals[1]), change=change(current, previous), **who)


def check_coverage(aggregates: Aggregates, period: Period) -> None:
    """A month with no record at all is missing data, never a zero."""
    present = aggregates.months()
    missing: dict[int, list[int]] = {}
    for year, month in period.required_pairs():
        if (year, month) not in present:
            missing.setdefault(year, []).append(month)
    if missing:
        parts = [f"{year}: {', '.join(month_name(m) for m in months)}" for year, months in sorted(missing.items())]
        raise DataError(f"bültenin gerektirdiği ayların verisi yok ({'; '.join(parts)}); "
                        f"bu aylara ait hiç kayıt bulunamadı")


def in_span(frame: pd.DataFrame, span: Span) -> pd.DataFrame:
    return frame[(frame["year"] == span.year) & frame["month"].between(span.first, span.last)]


def sum_by(frame: pd.DataFrame, key) -> dict:
    return {k: sum(v, ZERO) for k, v in frame.groupby(key, sort=True)["value"]}


def _totals(rows: list[Row]) -> tuple[Decimal, Decimal]:
    return sum((r.previous for r in rows), ZERO), sum((r.current for r in rows), ZERO)


def rank_provinces(previous: Mapping[int, Decimal], current: Mapping[int, Decimal]) -> list[Row]:
    totals = (sum(previous.values(), ZERO), sum(current.values(), ZERO))
    plates = sorted((p.plate for p in provinces()), key=lambda plate: (-current.get(plate, 0), plate))
    return [
        _row(previous.get(plate, ZERO), current.get(plate, ZERO), totals,
             rank=rank, plate=plate, name=provinces()[plate - 1].name)
        for rank, plate in enumerate(plates, start=1)
    ]


def province_table(ranking: list[Row], top: int) -> ProvinceTable:
    totals = _totals(ranking)
    other = _row(*_totals(ranking[top:]), totals)
    return ProvinceTable(rows=ranking[:top], other=other, total=_row(*totals, totals))


def largest_increases(ranking: list[Row], count: int) -> list[Row]:
    rising = [r for r in ranking if r.increase > 0]
    return sorted(rising, key=lambda r: (-r.increase, r.plate))[:count]


def region_rows(ranking: list[Row], regions: Mapping[int, Region]) -> list[Row]:
    """Regions by value (ties: region code), with shares of the whole country."""
    previous: dict[Region, Decimal] = {}
    current: dict[Region, Decimal] = {}
    for row in ranking:
        region = regions[row.plate]
        previous[region] = previous.get(region, ZERO) + row.previous
        current[region] = current.get(region, ZERO) + row.current
    totals = _totals(ranking)
    ordered = sorted(current, key=lambda region: (-current[region], region.code))
    return [_row(previous[region], current[region], totals, rank=rank, name=region.name)
            for rank, region in enumerate(ordered, start=1)]


def technology_rows(frame: Optional[pd.DataFrame], span: Span, rows: list[Row],
                    levels: tuple[str, ...]) -> list[TechnologyRow]:
    """Shares of each technology level in manufactured exports: the given provinces, then
    Türkiye (``plate`` None)."""
    if frame is None:
        return []
    sums = sum_by(in_span(frame, span), ["plate", "level"])

    def make(name: Optional[str], plate: Optional[int]) -> TechnologyRow:
        by_level = {level: sum((v for (p, lv), v in sums.items() if lv == level and plate in (None, p)), ZERO)
                    for level in levels}
        everything = sum((v for (p, _), v in sums.items() if plate in (None, p)), ZERO)
        manufactured = sum(by_level.values(), ZERO)
        return TechnologyRow(name=name, plate=plate, manufactured=manufactured,
                             shares={level: share(value, manufactured) for level, value in by_level.items()},
                             manufactured_share=share(manufactured, everything))

    return [make(row.name, row.plate) for row in rows] + [make(None, None)]


def span_figures(aggregates: Aggregates, span: Span, settings: Settings, names: Names,
                 levels: tuple[str, ...]) -> SpanFigures:
    ranking = rank_provinces(sum_by(in_span(aggregates.by_chapter, span.previous), "plate"),
                             sum_by(in_span(aggregates.by_chapter, span), "plate"))
    table = province_table(ranking, settings.top_provinces)
    return SpanFigures(
        span=span, ranking=ranking, table=table,
        increases=largest_increases(ranking, settings.highlights),
        over_billion=sum(1 for r in ranking if r.current > BILLION),
        increased=sum(1 for r in ranking if r.increase > 0),
        regions=region_rows(ranking, names.regions),
        technology=technology_rows(aggregates.by_technology, span, table.rows, levels),
    )


def top_items(frame: pd.DataFrame, plate: int, key: str, count: int, names: Mapping[str, str],
              words: Optional[Mapping[str, str]] = None) -> list[Item]:
    """The province's largest chapters or countries with positive net exports; ties by
    code, for a stable order."""
    sums = sum_by(frame[frame["plate"] == plate], key)
    ordered = sorted(((k, v) for k, v in sums.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))[:count]
    return [Item(code=code, name=names[code], value=value, word=(words or {}).get(code, ""))
            for code, value in ordered]


def trend(aggregates: Aggregates, period: Period, rows: list[Row]) -> Trend:
    months = period.trend_pairs()
    sums = sum_by(aggregates.by_chapter, ["plate", "year", "month"])
    return Trend(months=months, lines=[
        TrendLine(plate=r.plate, name=r.name, values=[sums.get((r.plate, y, m), ZERO) for y, m in months])
        for r in rows])


def head_office_rows(aggregates: Aggregates, span: Span, rows: list[Row]) -> list[HeadOfficeRow]:
    if aggregates.by_head_office is None:
        return []
    activity = sum_by(in_span(aggregates.by_chapter, span), "plate")
    head_office = sum_by(in_span(aggregates.by_head_office, span), "plate")
    totals = sum(activity.values(), ZERO), sum(head_office.values(), ZERO)
    return [HeadOfficeRow(plate=r.plate, name=r.name, activity=activity.get(r.plate, ZERO),
                          activity_share=share(activity.get(r.plate, ZERO), totals[0]),
                          head_office=head_office.get(r.plate, ZERO),
                          head_office_share=share(head_office.get(r.plate, ZERO), totals[1]))
            for r in rows]


def compute(aggregates: Aggregates, period: Period, settings: Settings, names: Names,
            levels: tuple[str, ...] = ()) -> Figures:
    check_coverage(aggregates, period)
    main = span_figures(aggregates, period.main, settings, names, levels)
    cumulative = span_figures(aggregates, period.cumulative, settings, names, levels) if period.cumulative else None
    summary = cumulative or main
    exporters = [row for row in main.ranking if row.current > 0]
    chapters_now = in_span(aggregates.by_chapter, period.main)
    countries_now = in_span(aggregates.by_country, period.main)
    return Figures(
        period=period,
        main=main,
        cumulative=cumulative,
        bullets=exporters[:settings.leaders if period.is_annual else settings.highlights],
        leaders=[
            Leader(row=row,
                   chapters=top_items(chapters_now, row.plate, "chapter", settings.leader_items,
                                      names.chapters, names.chapter_words),
                   countries=top_items(countries_now, row.plate, "country", settings.leader_items, names.countries))
            for row in exporters[:settings.leaders]
        ],
        trend=None if period.is_annual else trend(aggregates, period, exporters[:settings.highlights]),
        head_office=head_office_rows(aggregates, summary.span, summary.table.rows),
        region_members=region_members(names.regions),
    )


def region_members(regions: Mapping[int, Region]) -> dict[str, list[str]]:
    members: dict[Region, list[str]] = {}
    for plate, region in sorted(regions.items()):
        members.setdefault(region, []).append(provinces()[plate - 1].name)
    return {region.name: names for region, names in sorted(members.items(), key=lambda kv: kv[0].code)}
