"""Ranking, shares, changes and leaders on small hand-made aggregates, against figures
worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pytest

from reportgen.compute import Names, Settings, change, compute, share
from reportgen.data.aggregate import Aggregates
from reportgen.errors import DataError
from reportgen.period import Period
from reportgen.reference import regions


def aggregates(records: list[tuple[int, int, str, str, str]]) -> Aggregates:
    """records: (year, plate, chapter, country, value); spread on every month, so the
    coverage check is satisfied, with the value in January and zeros elsewhere."""
    rows = [(y, m, p, ch, co, D(v) if m == 1 else D(0)) for y, p, ch, co, v in records for m in range(1, 13)]
    frame = pd.DataFrame(rows, columns=["year", "month", "plate", "chapter", "country", "value"])
    keys = ["year", "month", "plate"]
    return Aggregates(by_chapter=frame.groupby(keys + ["chapter"], as_index=False)["value"].sum(),
                      by_country=frame.groupby(keys + ["country"], as_index=False)["value"].sum())


NAMES = Names(chapters={"08": "Meyveler", "84": "Makinalar", "87": "Taşıtlar"},
              chapter_words={"08": "faslı", "84": "faslı", "87": "faslı"},
              countries={"DE": "Almanya", "NA": "Namibya", "US": "ABD"}, regions=regions())


def run(agg: Aggregates, period: Period = Period(2023), **settings):
    return compute(agg, period, Settings(**{"top_provinces": 2, "leaders": 2, "leader_items": 2, **settings}), NAMES)


def test_share_and_change_from_exact_values():
    assert share(D(1), D(3)) * 3 == pytest.approx(D(100))
    assert change(D(110), D(100)) == D(10)
    assert change(D(5), D(0)) is None
    assert change(D(-50), D(-100)) == D(50)  # from a net-negative base, a rise is a rise


def test_ranking_ties_go_to_the_lower_plate_code():
    agg = aggregates([(2022, 35, "08", "DE", "10"), (2022, 6, "08", "DE", "10"),
                      (2023, 35, "08", "DE", "50"), (2023, 6, "08", "DE", "50"), (2023, 1, "08", "DE", "50")])
    figures = run(agg)
    assert [r.plate for r in figures.main.ranking[:3]] == [1, 6, 35]
    assert [r.rank for r in figures.main.ranking[:3]] == [1, 2, 3]
    assert len(figures.main.ranking) == 81


def test_table_other_and_total():
    agg = aggregates([(2022, 34, "84", "DE", "100"), (2022, 41, "87", "DE", "60"), (2022, 35, "08", "US", "40"),
                      (2023, 34, "84", "DE", "120"), (2023, 41, "87", "DE", "50"), (2023, 35, "08", "US", "30")])
    table = run(agg).main.table
    assert [r.name for r in table.rows] == ["İstanbul", "Kocaeli"]
    assert (table.other.previous, table.other.current) == (D(40), D(30))
    assert (table.total.previous, table.total.current) == (D(200), D(200))
    assert table.rows[0].previous_share == D(50) and table.rows[0].current_share == D(60)
    assert table.other.change == D(-25)
    assert table.total.change == D(0)


def test_leaders_top_items_with_names_and_ties_by_code():
    agg = aggregates([(2022, 34, "84", "DE", "1"),
                      (2023, 34, "84", "DE", "70"), (2023, 34, "87", "NA", "30"), (2023, 34, "08", "US", "30")])
    leader = run(agg, leaders=1).leaders[0]
    assert [(i.code, i.name, i.value, i.word) for i in leader.chapters] == [
        ("84", "Makinalar", D(70), "faslı"), ("08", "Meyveler", D(30), "faslı")]
    assert [(i.code, i.name) for i in leader.countries] == [("DE", "Almanya"), ("NA", "Namibya")]


def test_negative_corrections_are_summed_not_dropped():
    agg = aggregates([(2022, 34, "84", "DE", "100"), (2023, 34, "84", "DE", "150"), (2023, 34, "84", "DE", "-30")])
    row = run(agg).main.ranking[0]
    assert row.current == D(120) and row.change == D(20)


def test_a_missing_month_is_an_error_not_a_zero():
    agg = aggregates([(2022, 34, "84", "DE", "100"), (2023, 34, "84", "DE", "150")])
    gap = Aggregates(by_chapter=agg.by_chapter[~((agg.by_chapter.year == 2022) & (agg.by_chapter.month == 3))],
                     by_country=agg.by_country)
    with pytest.raises(DataError, match=r"bültenin gerektirdiği ayların verisi yok \(2022: Mart\)"):
        run(gap)


def monthly(records: list[tuple[int, int, int, str, str, str]]) -> Aggregates:
    """records: (year, month, plate, chapter, country, value) on top of zero records in
    every month of 2022 and 2023, so every month is covered."""
    zeros = [(y, m, 34, "84", "DE", "0") for y in (2022, 2023) for m in range(1, 13)]
    rows = [(y, m, p, ch, co, D(v)) for y, m, p, ch, co, v in zeros + records]
    frame = pd.DataFrame(rows, columns=["year", "month", "plate", "chapter", "country", "value"])
    keys = ["year", "month", "plate"]
    return Aggregates(by_chapter=frame.groupby(keys + ["chapter"], as_index=False)["value"].sum(),
                      by_country=frame.groupby(keys + ["country"], as_index=False)["value"].sum())


MONTHLY = monthly([
    (2022, 1, 34, "84", "DE", "50"), (2023, 1, 34, "84", "DE", "40"),
    (2022, 3, 34, "84", "DE", "100"), (2023, 3, 34, "87", "US", "150"),
    (2022, 3, 41, "87", "DE", "80"), (2023, 3, 41, "87", "DE", "60"), (2023, 2, 41, "87", "DE", "200"),
    (2023, 4, 41, "87", "DE", "999"),
])


def test_monthly_bulletin_has_the_month_and_january_to_month():
    figures = run(MONTHLY, Period(2023, 3))
    month, cumulative = figures.main, figures.cumulative
    assert (month.span.first, month.span.last, cumulative.span.first, cumulative.span.last) == (3, 3, 1, 3)
    assert [(r.name, r.previous, r.current) for r in month.ranking[:2]] == [
        ("İstanbul", D(100), D(150)), ("Kocaeli", D(80), D(60))]
    assert month.ranking[0].change == D(50) and month.ranking[1].change == D(-25)
    assert [(r.name, r.previous, r.current) for r in cumulative.ranking[:2]] == [
        ("Kocaeli", D(80), D(260)), ("İstanbul", D(150), D(190))]
    assert [(r.name, r.increase) for r in cumulative.increases] == [("Kocaeli", D(180)), ("İstanbul", D(40))]
    assert [(r.name, r.increase) for r in month.increases] == [("İstanbul", D(50))]
    assert (cumulative.over_billion, cumulative.increased) == (0, 2)
    assert figures.summary is cumulative


def test_monthly_leaders_come_from_the_month():
    figures = run(MONTHLY, Period(2023, 3), leaders=1, leader_items=1)
    assert [b.name for b in figures.bullets] == ["İstanbul", "Kocaeli"]
    assert [(i.code, i.value) for i in figures.leaders[0].chapters] == [("87", D(150))]
    assert [(i.name, i.value) for i in figures.leaders[0].countries] == [("ABD", D(150))]


def test_trend_covers_the_last_thirteen_months():
    trend = run(MONTHLY, Period(2023, 3)).trend
    assert trend.months[0] == (2022, 3) and trend.months[-1] == (2023, 3) and len(trend.months) == 13
    istanbul = next(line for line in trend.lines if line.name == "İstanbul")
    assert istanbul.values[0] == D(100) and istanbul.values[-1] == D(150) and istanbul.values[10] == D(40)


def test_regions_sum_their_provinces():
    regions_ = run(MONTHLY, Period(2023, 3)).cumulative.regions
    by_name = {r.name: r for r in regions_}
    assert by_name["İstanbul"].current == D(190) and by_name["Doğu Marmara"].current == D(260)
    assert regions_[0].name == "Doğu Marmara" and len(regions_) == 12
    assert sum(r.current_share for r in regions_) == pytest.approx(D(100))
