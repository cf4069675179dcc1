"""Every figure of the bulletin as one long (tidy) table: one row per figure, identified
by its period, measure and the codes it is about; the columns are the same in every period.

A row is about a province (``province_code`` ``01``–``81``, with its region), a region
(``region`` only), the ``Diğer`` line (``DIGER``) or all provinces (``TR``); chapter,
country and technology level narrow it further. Dollars are rounded half up to the cent
and per cents to ``PERCENT_PLACES`` decimals, both from the exact sums."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Iterator, Optional, Union

from .compute import Figures, Row, SpanFigures
from .config import Labels
from .period import Span
from .reference import regions
from .tables import OTHER_CODE, TOTAL_CODE, plate_code, span_code
from .turkish import chapter_code, round_half_up

PERCENT_PLACES = 6
UNIT_PLACES = {"USD": 2, "percent": PERCENT_PLACES, "rank": 0, "count": 0}


@dataclass(frozen=True)
class Figure:
    period: str
    measure: str
    province_code: str
    province: str
    region: str
    chapter_code: str
    chapter: str
    country_code: str
    country: str
    technology_level: str
    value: Union[Decimal, int]
    unit: str

    @property
    def key(self) -> tuple[str, ...]:
        return (self.period, self.measure, self.province_code, self.region, self.chapter_code,
                self.country_code, self.technology_level)


COLUMNS = tuple(f.name for f in fields(Figure))
KEY = ("period", "measure", "province_code", "region", "chapter_code", "country_code", "technology_level")


@dataclass(frozen=True)
class Who:
    """The province, region or line a figure is about."""

    province_code: str = ""
    province: str = ""
    region: str = ""


def _figure(period: str, measure: str, who: Who, value: Optional[Decimal], unit: str, **narrower: str
            ) -> Optional[Figure]:
    """A figure, rounded for its unit; none when it cannot be computed."""
    if value is None:
        return None
    dims = {"chapter_code": "", "chapter": "", "country_code": "", "country": "", "technology_level": "", **narrower}
    places = UNIT_PLACES[unit]
    shown = int(value) if places == 0 else round_half_up(value, places)
    return Figure(period=period, measure=measure, value=shown, unit=unit, **vars(who), **dims)


def _province(plate: int, name: str) -> Who:
    return Who(plate_code(plate), name, regions()[plate].name)


def _row_figures(span: Span, row: Row, who: Who) -> Iterator[Optional[Figure]]:
    now, before = span_code(span), span_code(span.previous)
    yield _figure(before, "export_value", who, row.previous, "USD")
    yield _figure(before, "export_share", who, row.previous_share, "percent")
    yield _figure(now, "export_value", who, row.current, "USD")
    yield _figure(now, "export_share", who, row.current_share, "percent")
    yield _figure(now, "export_change", who, row.change, "percent")
    yield _figure(now, "export_increase", who, row.increase, "USD")
    yield _figure(now, "rank", who, row.rank, "rank")


def _span_figures(figures: SpanFigures, labels: Labels) -> Iterator[Optional[Figure]]:
    span, now = figures.span, span_code(figures.span)
    for row in figures.ranking:
        yield from _row_figures(span, row, _province(row.plate, row.name))
    yield from _row_figures(span, figures.table.other, Who(OTHER_CODE, labels.other))
    total = Who(TOTAL_CODE, labels.turkiye)
    yield from _row_figures(span, figures.table.total, total)
    yield _figure(now, "provinces_over_billion", total, Decimal(figures.over_billion), "count")
    yield _figure(now, "provinces_increased", total, Decimal(figures.increased), "count")
    for row in figures.regions:
        yield from _row_figures(span, row, Who(region=row.name))
    for row in figures.technology:
        who = total if row.plate is None else _province(row.plate, row.name)
        yield _figure(now, "manufactured_value", who, row.manufactured, "USD")
        yield _figure(now, "manufactured_share", who, row.manufactured_share, "percent")
        for level, value in row.shares.items():
            yield _figure(now, "technology_share", who, value, "percent", technology_level=level)


def _leader_figures(figures: Figures) -> Iterator[Optional[Figure]]:
    now = span_code(figures.main.span)
    for leader in figures.leaders:
        who = _province(leader.row.plate, leader.row.name)
        for rank, item in enumerate(leader.chapters, start=1):
            dims = {"chapter_code": chapter_code(item.code), "chapter": item.name}
            yield _figure(now, "export_value", who, item.value, "USD", **dims)
            yield _figure(now, "rank", who, Decimal(rank), "rank", **dims)
        for rank, item in enumerate(leader.countries, start=1):
            dims = {"country_code": item.code, "country": item.name}
            yield _figure(now, "export_value", who, item.value, "USD", **dims)
            yield _figure(now, "rank", who, Decimal(rank), "rank", **dims)


def _other_figures(figures: Figures) -> Iterator[Optional[Figure]]:
    """The 13-month trend and the head-office comparison."""
    if figures.trend:
        for line in figures.trend.lines:
            who = _province(line.plate, line.name)
            for (year, month), value in zip(figures.trend.months, line.values):
                yield _figure(span_code(Span(year, month, month)), "export_value", who, value, "USD")
    now = span_code(figures.summary.span)
    for row in figures.head_office:
        who = _province(row.plate, row.name)
        yield _figure(now, "head_office_value", who, row.head_office, "USD")
        yield _figure(now, "head_office_share", who, row.head_office_share, "percent")


def tidy_figures(figures: Figures, labels: Labels) -> list[Figure]:
    """Each figure once (the same province-month shown in a table and in the trend is one
    row), sorted by its key so the file is the same for the same figures."""
    spans = [figures.main] + ([figures.cumulative] if figures.cumulative else [])
    found: dict[tuple[str, ...], Figure] = {}
    for figure in [*(f for s in spans for f in _span_figures(s, labels)), *_leader_figures(figures),
                   *_other_figures(figures)]:
        if figure is not None:
            found.setdefault(figure.key, figure)
    return [found[key] for key in sorted(found)]
