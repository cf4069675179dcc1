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
        end = self.year * 12 + (self.month or 12) - 1
        return [(index // 12, index % 12 + 1) for index in range(end - length + 1, end + 1)]

    def required_pairs(self) -> list[tuple[int, int]]:
        """Every (year, month) the bulletin's figures rest on."""
        spans = [self.main, self.main.previous]
        if self.cumulative:
            spans += [self.cumulative, self.cumulative.previous]
        pairs = {pair for span in spans for pair in span.pairs()}
        if not self.is_annual:
            pairs.update(self.trend_pairs())
        return sorted(pairs)


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


def require_period(text: Optional[str]) -> str:
    """The period text, which must be given before any data is read."""
    if text is None:
        raise ConfigError("dönem verilmedi (config.yaml'da 'period' ya da --period, ör. 2023 ya da 2024-06)",
                          key="period")
    return text


def parse_period(text: Optional[str], available: Iterable[tuple[int, int]] = ()) -> Period:
    """``2023`` (annual), ``2024-06`` (monthly) or ``latest`` (the latest month with data)."""
    try:
        period = period_form(require_period(text))
    except ValueError as exc:
        raise ConfigError(str(exc), key="period") from None
    if period is not None:
        return period
    months = sorted(available)
    if not months:
        raise DataError("veride hiç ay yok; 'latest' dönemi belirlenemedi")
    return Period(*months[-1])


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
