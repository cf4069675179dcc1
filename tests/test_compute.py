"""Ranking, shares, changes and leaders on small hand-made aggregates, against figures
worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pytest

from reportgen.compute import change, compute, share
from reportgen.data.aggregate import Aggregates
from reportgen.errors import DataError
from reportgen.period import Period


def aggregates(records: list[tuple[int, int, str, str, str]], *, years=(2022, 2023)) -> Aggregates:
    """records: (year, plate, chapter, country, value); spread on every month, so the
    coverage check is satisfied, with the value in January and zeros elsewhere."""
    rows = [(y, m, p, ch, co, D(v) if m == 1 else D(0)) for y, p, ch, co, v in records for m in range(1, 13)]
    frame = pd.DataFrame(rows, columns=["year", "month", "plate", "chapter", "country", "value"])
    keys = ["year", "month", "plate"]
    return Aggregates(by_chapter=frame.groupby(keys + ["chapter"], as_index=False)["value"].sum(),
                      by_country=frame.groupby(keys + ["country"], as_index=False)["value"].sum())


def run(agg: Aggregates, **kw):
    options = dict(top_provinces=2, leaders=2, leader_items=2, chapter_names={"08": "Meyveler", "84": "Makinalar", "87": "Taşıtlar"},
                   chapter_words={"08": "faslı", "84": "faslı", "87": "faslı"},
                   country_names={"DE": "Almanya", "NA": "Namibya", "US": "ABD"})
    options.update(kw)
    return compute(agg, Period(2023), **options)


def test_share_and_change_from_exact_values():
    assert share(D(1), D(3)) * 3 == pytest.approx(D(100))
    assert change(D(110), D(100)) == D(10)
    assert change(D(5), D(0)) is None
    assert change(D(-50), D(-100)) == D(50)  # from a net-negative base, a rise is a rise


def test_ranking_ties_go_to_the_lower_plate_code():
    agg = aggregates([(2022, 35, "08", "DE", "10"), (2022, 6, "08", "DE", "10"),
                      (2023, 35, "08", "DE", "50"), (2023, 6, "08", "DE", "50"), (2023, 1, "08", "DE", "50")])
    figures = run(agg)
    assert [r.plate for r in figures.ranking[:3]] == [1, 6, 35]
    assert [r.rank for r in figures.ranking[:3]] == [1, 2, 3]
    assert len(figures.ranking) == 81


def test_table_other_and_total():
    agg = aggregates([(2022, 34, "84", "DE", "100"), (2022, 41, "87", "DE", "60"), (2022, 35, "08", "US", "40"),
                      (2023, 34, "84", "DE", "120"), (2023, 41, "87", "DE", "50"), (2023, 35, "08", "US", "30")])
    table = run(agg).table
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
    row = run(agg).ranking[0]
    assert row.current == D(120) and row.change == D(20)


def test_a_missing_month_is_an_error_not_a_zero():
    agg = aggregates([(2022, 34, "84", "DE", "100"), (2023, 34, "84", "DE", "150")])
    gap = Aggregates(by_chapter=agg.by_chapter[~((agg.by_chapter.year == 2022) & (agg.by_chapter.month == 3))],
                     by_country=agg.by_country)
    with pytest.raises(DataError, match="2022 yılının şu aylarına ait hiç kayıt yok: Mart"):
        run(gap)
