"""WCAG 1.4.11 non-text contrast of the charts and the map, measured: every data colour has
at least 3:1 against the white page, in the modules' constants and in the SVG of a bulletin
built from the sample data; marks that touch are parted by white edges; the map's legend
shows the no-data swatch with its label from the config; chart text is text of 8.5 pt or
more."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from conftest import drawn_map, run_cli

from reportgen import charts, maps, plotting
from reportgen.config import defaults

WHITE = "#ffffff"
MISSING = "Kilis"
"""Left out of the data, so the built map has a province without data."""
NO_DATA_LABEL = "Veri bulunmuyor"
"""The config's ``labels.no_data`` in the built bulletin (the default is ``Veri yok``)."""
CHARTS = ("grafik-fasillar", "grafik-ulkeler", "grafik-egilim", "grafik-teknoloji", "harita-iller")
_SVG = "{http://www.w3.org/2000/svg}"


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` as WCAG 2 defines it (sRGB, linearised)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def styles(svg: str) -> list[dict[str, str]]:
    """The ``style`` attribute of every element, as a dict."""
    root = ET.fromstring(svg)
    return [dict(part.split(": ", 1) for part in element.get("style").split("; "))
            for element in root.iter() if element.get("style")]


def colours(svg: str, prop: str) -> set[str]:
    return {style[prop] for style in styles(svg) if style.get(prop, "").startswith("#")}


def text_sizes(svg: str) -> list[float]:
    """Font sizes in points of the SVG's text elements (user units scaled to its ``pt`` width)."""
    root = ET.fromstring(svg)
    scale = float(root.get("width").removesuffix("pt")) / float(root.get("viewBox").split()[2])
    return [float(re.search(r"font-size: ([\d.]+)px", text.get("style")).group(1)) * scale
            for text in root.iter(f"{_SVG}text")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, str]:
    """The charts of the June 2024 bulletin, built with the real CLI from the sample data
    without Kilis, with ``labels.no_data`` set in config.yaml: name → SVG file text."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("colours")
    made = run_cli("sample-data", "--out", str(root / "data"), "-q", cwd=root)
    assert made.returncode == 0, made.stderr
    table = pq.read_table(root / "data" / "ihracat-ornek.parquet")
    pq.write_table(table.filter(pc.not_equal(table["province"], MISSING)), root / "veri.parquet")
    (root / "config.yaml").write_text(f"labels:\n  no_data: {NO_DATA_LABEL}\n", encoding="utf-8")
    result = run_cli("build", "--config", "config.yaml", "--data", "veri.parquet", "--period", "2024-06",
                     "--out", "out", "-q", cwd=root)
    assert result.returncode == 0, result.stderr
    return {name: (root / "out" / f"{name}.svg").read_text(encoding="utf-8") for name in CHARTS}


def test_contrast_is_computed_as_wcag_defines():
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast(WHITE, WHITE) == 1
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)
    # the colours that issue 10 found wanting
    assert contrast("#e8c07d", WHITE) == pytest.approx(1.71, abs=0.01)
    assert contrast("#d08c2e", WHITE) == pytest.approx(2.81, abs=0.01)


@pytest.mark.parametrize("colour", sorted({*plotting.PALETTE, *plotting.TECHNOLOGY_PALETTE, *maps.BLUES,
                                           maps.NO_DATA_HATCH}))
def test_every_data_colour_has_3_to_1_against_white(colour):
    assert contrast(colour, WHITE) >= 3, colour


def test_no_data_has_3_to_1_against_every_class():
    assert all(contrast(maps.NO_DATA, colour) >= 3 for colour in maps.BLUES)


@pytest.mark.parametrize("name", CHARTS)
def test_every_drawn_colour_has_3_to_1_against_white(built, name):
    """Fills and strokes of the built SVG, all but the white page and the grid lines
    (which carry no data)."""
    drawn = colours(built[name], "fill") | colours(built[name], "stroke")
    low = {colour: round(contrast(colour, WHITE), 2) for colour in drawn - {WHITE, plotting.GRID}
           if contrast(colour, WHITE) < 3}
    assert not low


def test_the_built_charts_use_the_measured_colours(built):
    assert set(plotting.PALETTE[:3]) <= colours(built["grafik-fasillar"], "fill")
    assert set(plotting.PALETTE) <= colours(built["grafik-egilim"], "stroke")
    assert set(plotting.TECHNOLOGY_PALETTE) <= colours(built["grafik-teknoloji"], "fill")
    assert set(maps.BLUES) <= colours(built["harita-iller"], "fill")


@pytest.mark.parametrize("name, data", [("grafik-teknoloji", plotting.TECHNOLOGY_PALETTE),
                                        ("harita-iller", maps.BLUES)])
def test_touching_marks_are_parted_by_white_edges(built, name, data):
    """Neighbouring segments and provinces cannot have 3:1 against each other; each has 3:1
    against the white edge between them."""
    marks = [style for style in styles(built[name])
             if style.get("fill") in data or style.get("fill", "").startswith("url(")]
    assert marks
    assert all(style["stroke"] == WHITE and float(style["stroke-width"]) >= 0.6 for style in marks)


def test_map_legend_shows_the_no_data_swatch_with_the_configured_label(built):
    svg = built["harita-iller"]
    root = ET.fromstring(svg)
    assert NO_DATA_LABEL in [text.text for text in root.iter(f"{_SVG}text")]
    pattern = root.find(f".//{_SVG}pattern")
    hatch = {style["stroke"] for style in styles(ET.tostring(pattern, encoding="unicode")) if "stroke" in style}
    assert hatch == {maps.NO_DATA_HATCH}
    hatched = [style for style in styles(svg) if style.get("fill") == f"url(#{pattern.get('id')})"]
    assert len(hatched) >= 2  # Kilis and the legend's swatch


def test_legend_has_the_no_data_swatch_when_every_province_has_data():
    label, and_above = defaults()["labels"]["no_data"], defaults()["labels"]["and_above"]
    assert (label, and_above) == ("Veri yok", "ve üzeri")
    svg = drawn_map({plate: D(plate) * 100_000_000 for plate in range(1, 82)}, label, and_above).svg
    texts = [text.text for text in ET.fromstring(svg).iter(f"{_SVG}text")]
    assert label in texts and "5.000 ve üzeri" in texts and "1.000 – 5.000" in texts
    assert len([style for style in styles(svg) if style.get("fill", "").startswith("url(")]) == 1


@pytest.mark.parametrize("name", CHARTS)
def test_chart_text_is_text_of_at_least_8_5_pt(built, name):
    sizes = text_sizes(built[name])
    assert sizes and min(sizes) >= 8.5


def test_profile_chart_text_is_at_least_8_5_pt():
    months = [(2023, month) for month in range(6, 13)] + [(2024, month) for month in range(1, 7)]
    trend = [(year, month, D(month) * 100_000_000) for year, month in months]
    sizes = text_sizes(charts.profile_chart("deneme", trend).svg)
    assert sizes and min(sizes) >= 8.5
