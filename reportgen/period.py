"""The periods a bulletin covers and the periods they are compared with.

A ``Span`` is a run of months in one year. An annual bulletin covers one span, the year;
a monthly bulletin covers the month and the cumulative January–month span, each against
the same months a year earlier.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .errors import ConfigError, DataError


@dataclass(frozen=True)
class Span:
    """Months ``first``–``last`` of ``year``."""

    year: int
    first: int = 1
    last: int = 12

    @property
    def previous(self) -> "Span":
        """The same months a year earlier."""
        return Span(self.year - 1, self.first, self.last)

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))

    @property
    def is_year(self) -> bool:
        return (self.first, self.last) == (1, 12)

    @property
    def is_month(self) -> bool:
        return self.first == self.last

    def pairs(self) -> list[tuple[int, int]]:
        return [(self.year, m) for m in self.months]


@dataclass(frozen=True)
class Period:
    """What a bulletin is about: a year (``month`` is None) or a month of a year."""

    year: int
    month: Optional[int] = None

    @property
    def is_annual(self) -> bool:
        return self.month is None

    @property
    def main(self) -> Span:
        """The span the bulletin leads with: the year, or the month."""
        return Span(self.year) if self.month is None else Span(self.year, self.month, self.month)

    @property
    def cumulative(self) -> Optional[Span]:
        """January to the month, for monthly bulletins (the whole year in December)."""
        return None if self.month is None else Span(self.year, 1, self.month)

    @property
    def slug(self) -> str:
        """Folder and file name part: ``2023``, ``2024-06``."""
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    def trend_pairs(self, length: int = 13) -> list[tuple[int, int]]:
        """The ``length`` months ending with this one, oldest first."""
        end = month_index(self.year, self.month or 12)
        return month_pairs(end - length + 1, end)

    def required_pairs(self) -> list[tuple[int, int]]:
        """Every (year, month) the bulletin's figures rest on."""
        spans = [self.main, self.main.previous]
        if self.cumulative:
            spans += [self.cumulative, self.cumulative.previous]
        pairs = {pair for span in spans for pair in span.pairs()}
        if not self.is_annual:
            pairs.update(self.trend_pairs())
        return sorted(pairs)


def month_index(year: int, month: int) -> int:
    """Months counted from year 0, so that month arithmetic crosses years."""
    return year * 12 + month - 1


def month_pairs(first: int, last: int) -> list[tuple[int, int]]:
    """(year, month) of every month index from ``first`` to ``last``, both included."""
    return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]


PERIOD_FORMS = "dönem YYYY (yıl), YYYY-AA (ay) ya da latest olmalı"


def period_form(text: str) -> Optional[Period]:
    """``2023`` and ``2024-06`` as periods, ``latest`` as None (it needs the data);
    anything else is a ValueError saying which forms there are."""
    text = text.strip()
    if text == "latest":
        return None
    if re.fullmatch(r"\d{4}", text):
        return Period(int(text))
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match and 1 <= int(match[2]) <= 12:
        return Period(int(match[1]), int(match[2]))
    raise ValueError(f"{PERIOD_FORMS}, verilen: {text!r}")


PERIODS_FORMS = ("dönem YYYY (yıl), YYYY-AA (ay), latest, all, bir aralık (2024-01..2024-06, 2022..2023) "
                 "ya da bunların virgülle ayrılmış listesi olmalı")


def periods_form(text: str) -> None:
    """A ValueError unless every comma-separated item of ``text`` is a period, ``latest``,
    ``all`` or a range of months or of years."""
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise ValueError(f"{PERIODS_FORMS}, verilen: {text!r}")
    for item in items:
        _item_periods(item, None)


def _item_periods(item: str, available: Optional[set[tuple[int, int]]]) -> list[Period]:
    """The periods one item names; ``latest`` and ``all`` need the data (``available``)
    and name none while only the form is checked."""
    if item == "all":
        return [] if available is None else supported_periods(available)
    if ".." in item:
        first, last = (_single(part.strip()) for part in item.split("..", 1))
        if first is None or last is None or first.is_annual != last.is_annual or _order(first) > _order(last):
            raise ValueError(f"aralık iki yılı ya da iki ayı eskiden yeniye bağlamalı (2024-01..2024-06, "
                             f"2022..2023), verilen: {item!r}")
        if first.is_annual:
            return [Period(year) for year in range(first.year, last.year + 1)]
        start, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
        return [Period(index // 12, index % 12 + 1) for index in range(start, end + 1)]
    period = _single(item)
    if period is None:
        return [] if available is None else [_latest(available)]
    return [period]


def _single(text: str) -> Optional[Period]:
    try:
        return period_form(text)
    except ValueError:
        raise ValueError(f"{PERIODS_FORMS}, verilen: {text!r}") from None


def _order(period: Period) -> tuple[int, int]:
    """Periods in time order, a year after its December."""
    return period.year, period.month or 13


def _latest(available: Iterable[tuple[int, int]]) -> Period:
    months = sorted(available)
    if not months:
        raise DataError("veride hiç ay yok; 'latest' dönemi belirlenemedi")
    return Period(*months[-1])


def supported_periods(available: Iterable[tuple[int, int]]) -> list[Period]:
    """Every bulletin the data supports: each year and each month all of whose figures
    (the year before, the trend) have data."""
    present = set(available)
    candidates = [Period(year) for year in sorted({year for year, _ in present})]
    candidates += [Period(year, month) for year, month in sorted(present)]
    return sorted((p for p in candidates if set(p.required_pairs()) <= present), key=_order)


def parse_periods(text: Optional[str], available: Iterable[tuple[int, int]]) -> list[Period]:
    """The bulletins a period text names, each once, in time order: ``2023``,
    ``2024-06``, ``latest``, ``all`` (every one the data supports), ranges
    (``2024-01..2024-06``, ``2022..2023``) and comma-separated lists of these."""
    present = set(available)
    try:
        items = [item.strip() for item in require_period(text).split(",")]
        found = {p for item in items for p in _item_periods(item, present)} if all(items) else None
    except ValueError as exc:
        raise ConfigError(str(exc), key="period") from None
    if found is None:
        raise ConfigError(f"{PERIODS_FORMS}, verilen: {text!r}", key="period")
    if not found:
        raise DataError("veride tam bir bülten dönemi yok: her ayın geçen yılı ve 13 aylık eğilimi de veride olmalı")
    return sorted(found, key=_order)


def require_period(text: Optional[str]) -> str:
    """The period text, which must be given before any data is read."""
    if text is None:
        raise ConfigError("dönem verilmedi (config.yaml'da 'period' ya da --period, ör. 2023 ya da 2024-06)",
                          key="period")
    return text


def parse_period(text: Optional[str], available: Iterable[tuple[int, int]] = ()) -> Period:
    """One bulletin: ``2023`` (annual), ``2024-06`` (monthly) or ``latest`` (the latest
    month with data); a text naming several is an error for the commands that show one."""
    return only_one(parse_periods(text, available), text)


def only_one(items: list, text: Optional[str]):
    """The one item of a list made for one period (a period, its figures, its build); a
    period text naming several is an error for the commands that show one bulletin."""
    if len(items) != 1:
        raise ConfigError(f"bu komut tek bir dönem içindir; '{text}' {len(items)} dönem adlandırıyor", key="period")
    return items[0]


def creation_date(period: Period) -> dt.datetime:
    """The bulletin's date: ``SOURCE_DATE_EPOCH`` when set, otherwise the day after the
    period ends — never the wall clock, so identical inputs give identical files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.strip().isdigit() or int(epoch) > 253402300799:
            raise ConfigError(f"SOURCE_DATE_EPOCH bir Unix zamanı (saniye) olmalı, verilen: {epoch!r}",
                              key="SOURCE_DATE_EPOCH")
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    year, month = (period.year, 12) if period.month is None else (period.year, period.month)
    return dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.timezone.utc)
