"""Period parsing and the months a bulletin rests on."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.errors import ConfigError, DataError
from reportgen.period import Period, Span, creation_date, parse_period


def test_parse_forms():
    assert parse_period("2023") == Period(2023)
    assert parse_period("2024-06") == Period(2024, 6)
    assert parse_period(" 2024-6 ") == Period(2024, 6)
    assert parse_period("latest", [(2024, 5), (2023, 12), (2024, 6)]) == Period(2024, 6)


@pytest.mark.parametrize("text", ["23", "2024-13", "2024-00", "2024/06", "son", ""])
def test_bad_periods_are_config_errors(text):
    with pytest.raises(ConfigError):
        parse_period(text)


def test_latest_needs_data():
    with pytest.raises(DataError):
        parse_period("latest", [])


def test_monthly_spans():
    period = Period(2024, 6)
    assert period.main == Span(2024, 6, 6) and period.cumulative == Span(2024, 1, 6)
    assert period.main.previous == Span(2023, 6, 6)
    assert period.slug == "2024-06"
    assert Period(2024, 12).cumulative.is_year


def test_trend_crosses_the_year():
    assert Period(2024, 2).trend_pairs() == [(2023, m) for m in range(2, 13)] + [(2024, 1), (2024, 2)]


def test_required_months():
    assert Period(2023).required_pairs() == [(y, m) for y in (2022, 2023) for m in range(1, 13)]
    needed = Period(2024, 6).required_pairs()
    assert needed[0] == (2023, 1) and needed[-1] == (2024, 6) and len(needed) == 18


def test_creation_date_follows_the_period(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert creation_date(Period(2023)) == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    assert creation_date(Period(2024, 6)) == dt.datetime(2024, 7, 1, tzinfo=dt.timezone.utc)
    assert creation_date(Period(2024, 12)) == dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert creation_date(Period(2023)) == dt.datetime(1970, 1, 2, tzinfo=dt.timezone.utc)
