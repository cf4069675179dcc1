"""The province map: outlines data, classes, colours and reproducible output."""

from __future__ import annotations

import re
from decimal import Decimal as D

from conftest import drawn_map
from reportgen import maps


def test_outlines_cover_the_81_provinces_inside_the_frame():
    data = maps.outlines()
    assert sorted(int(p) for p in data["provinces"]) == list(range(1, 82))
    for rings in data["provinces"].values():
        assert rings and all(len(ring) >= 3 for ring in rings)
        # the source's own frame, give or take the few points its artist drew over the edge
        assert all(0 <= x <= data["width"] + 5 and 0 <= y <= data["height"] + 5 for ring in rings for x, y in ring)
    assert "MIT License" in data["license"] and "Erdi Gökçe" in data["license"]


def test_larger_values_are_darker():
    order = [maps.colour_for(D(millions) * 1_000_000) for millions in (50, 200, 400, 800, 3000, 60000)]
    assert order == list(maps.BLUES)
    assert maps.colour_for(None) == maps.colour_for(D(0)) == maps.NO_DATA


def test_legend_uses_turkish_separators():
    assert maps.legend_labels("ve üzeri") == ["0 – 100", "100 – 250", "250 – 500", "500 – 1.000", "1.000 – 5.000",
                                              "5.000 ve üzeri"]


def test_map_renders_reproducibly_with_each_province_coloured():
    values = {plate: D(plate) * 100_000_000 for plate in range(1, 82)}
    first, second = drawn_map(values, "Veri yok", "ve üzeri"), drawn_map(values, "Veri yok", "ve üzeri")
    assert first.svg == second.svg and first.png == second.png
    fills = set(re.findall(r"fill: (#[0-9a-f]{6})", first.svg))
    assert set(maps.BLUES[2:]) <= fills


def test_a_province_without_data_is_hatched_reproducibly():
    values = {plate: D(plate) * 100_000_000 for plate in range(1, 82) if plate != 79}
    first, second = drawn_map(values, "Veri yok", "ve üzeri"), drawn_map(values, "Veri yok", "ve üzeri")
    assert first.svg == second.svg and first.png == second.png
    assert first.svg.count("fill: url(#") == 2  # Kilis (79) and the legend's swatch
    assert f"stroke: {maps.NO_DATA_HATCH}" in first.svg
