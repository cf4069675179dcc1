"""The period a bulletin covers and the period it is compared with."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from .errors import ConfigError


@dataclass(frozen=True)
class Period:
    """An annual period: January–December of ``year``, compared with the year before."""

    year: int

    @property
    def previous(self) -> "Period":
        return Period(self.year - 1)

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(range(1, 13))

    @property
    def slug(self) -> str:
        """Folder and file name part: ``2023``."""
        return str(self.year)

    def pairs(self) -> list[tuple[int, int]]:
        return [(self.year, m) for m in self.months]


def parse_period(text: str | None) -> Period:
    if text is None:
        raise ConfigError("dönem verilmedi (config.yaml'da 'period' ya da --period, ör. 2023)", key="period")
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise ConfigError(f"dönem YYYY biçiminde bir yıl olmalı, verilen: {text!r}", key="period")
    return Period(int(text))


def creation_date(period: Period) -> dt.datetime:
    """The bulletin's date: ``SOURCE_DATE_EPOCH`` when set, otherwise the day after the
    period ends — never the wall clock, so identical inputs give identical files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime(period.year + 1, 1, 1, tzinfo=dt.timezone.utc)
