"""The bulletin's charts, drawn with matplotlib from the computed figures: grouped bars
of the leaders' chapters and countries, the 13-month trend, technology shares, and each
province's series for its profile and the release site; the map is in ``maps``.

Charts carry no titles or wording of their own: the template captions them.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable, Optional

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .compute import Figures, Item, TechnologyRow, Trend
from .config import Labels
from .graphics import Chart
from .plotting import EDGE, GRID, PALETTE, SMALL_TEXT, TECHNOLOGY_PALETTE, rc_settings, render_chart
from .errors import ConfigError
from .turkish import MILLION, chapter_code, formatted, month_abbreviation, number

from .data.sections import file_name

if TYPE_CHECKING:
    from .data.sections import ExtraTable

MARKERS = ("o", "s", "^", "D", "v")
"""One marker shape per trend line, so that lines are told apart without their colour."""


def _grouped_bars(groups: list[tuple[str, list[tuple[str, Decimal]]]]) -> Figure:
    """Horizontal bars in million dollars, one block per province, values written at
    the bar ends in Turkish number format. A block's bars share its province's colour and
    blocks are apart, so bars of two colours never touch."""
    n_bars = sum(len(items) for _, items in groups)
    figure = Figure(figsize=(6.7, 0.9 + 0.3 * n_bars + 0.35 * len(groups)), layout="constrained")
    axes = figure.add_subplot()
    y, ticks, labels, headers = 0.0, [], [], []
    largest = max((float(v) for _, items in groups for _, v in items), default=0) / float(MILLION)
    for index, (province, items) in enumerate(groups):
        headers.append((y, province))
        y += 0.9
        for label, value in items:
            millions = float(value / MILLION)
            axes.barh(y, millions, height=0.72, color=PALETTE[index % len(PALETTE)])
            axes.text(millions + largest * 0.01, y, number(value / MILLION), va="center", fontsize=8.5)
            ticks.append(y)
            labels.append(label)
            y += 1
        y += 0.5
    for position, province in headers:
        axes.text(0, position, province, fontweight="bold", fontsize=10, va="center",
                  transform=axes.get_yaxis_transform(), ha="left")
    axes.set_yticks(ticks, labels)
    axes.set_ylim(y - 0.5, -0.8)
    axes.set_xlim(0, largest * 1.12 if largest > 0 else 1)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: number(float(x))))
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return figure


def _label_chapter(item: Item) -> str:
    return f"{chapter_code(item.code)} {item.name}"


def _trend_chart(trend: Trend) -> Figure:
    """One line per province over the last 13 months, million dollars; each its own
    colour and marker."""
    figure = Figure(figsize=(6.7, 3.4), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(trend.months)))
    for index, line in enumerate(trend.lines):
        axes.plot(positions, [float(v / MILLION) for v in line.values], marker=MARKERS[index % len(MARKERS)],
                  markersize=4, linewidth=1.6, color=PALETTE[index % len(PALETTE)], label=line.name)
    axes.set_xticks(positions, [f"{month_abbreviation(m)}\n{y}" for y, m in trend.months], fontsize=SMALL_TEXT)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: number(float(y))))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(frameon=False, ncols=min(5, len(trend.lines)), loc="upper center",
                bbox_to_anchor=(0.5, -0.18))
    return figure


def _technology_chart(rows: list[TechnologyRow], level_names: dict[str, str], total_name: str) -> Figure:
    """100 % stacked bars: each province's manufactured exports by technology level,
    the segments parted by white edges (see ``TECHNOLOGY_PALETTE``)."""
    figure = Figure(figsize=(6.7, 0.8 + 0.17 * len(rows)), layout="constrained")
    axes = figure.add_subplot()
    names = [row.name or total_name for row in rows]
    left = [0.0] * len(rows)
    for index, (key, label) in enumerate(level_names.items()):
        widths = [float(row.shares[key] or 0) for row in rows]
        axes.barh(names, widths, left=left, height=0.7, color=TECHNOLOGY_PALETTE[index % 4],
                  edgecolor="white", linewidth=EDGE, label=label)
        left = [a + b for a, b in zip(left, widths)]
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: "%" + number(float(x))))
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.legend(frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.06))
    return figure


def _plotted(value, format_name: str) -> float:
    """A cell as the chart's axis counts it: million dollars where the table shows them."""
    if value is None:
        return 0.0
    return float(value) / float(MILLION) if format_name == "money_million" else float(value)


def _extra_chart(table: "ExtraTable") -> Figure:
    """An editor's query drawn: bars of one column against the first column, each bar's
    value written as the table writes it; or one line per numeric column across the rows."""
    charted = table.charted
    if not charted or not all(c.numeric for c in charted):
        raise ConfigError(f"'{table.name}' bölümü: grafik için sayısal bir sütun yok (ilk sütun etiket, "
                          "çizilen sütun sayı olmalı)", key=f"extra_sections.{table.name}.chart")
    index = {c.name: i for i, c in enumerate(table.columns)}
    positions = list(range(len(table.rows)))
    if table.chart == "bar":
        column = charted[0]
        values = [row[index[column.name]] for row in table.rows]
        plotted = [_plotted(v, column.format) for v in values]
        figure = Figure(figsize=(6.7, 0.9 + 0.3 * len(table.rows)), layout="constrained")
        axes = figure.add_subplot()
        axes.barh(positions, plotted, height=0.72, color=PALETTE[0])
        largest = max((abs(v) for v in plotted), default=0)
        for y, (value, length) in enumerate(zip(values, plotted)):
            axes.text(length + largest * 0.01, y, formatted(value, column.format), va="center", fontsize=SMALL_TEXT)
        axes.set_yticks(positions, table.labels)
        axes.invert_yaxis()
        axes.set_xlim(right=largest * 1.15 or 1)
        axes.tick_params(axis="y", length=0)
        _readable_ticks(axes.xaxis)
    else:
        figure = Figure(figsize=(6.7, 3.4), layout="constrained")
        axes = figure.add_subplot()
        for n, column in enumerate(charted):
            axes.plot(positions, [_plotted(row[index[column.name]], column.format) for row in table.rows],
                      marker=MARKERS[n % len(MARKERS)], markersize=4, linewidth=1.6,
                      color=PALETTE[n % len(PALETTE)], label=column.name)
        axes.set_xticks(positions, table.labels, fontsize=SMALL_TEXT)
        axes.set_ylim(bottom=min(0, axes.get_ylim()[0]))
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        _readable_ticks(axes.yaxis)
        if len(charted) > 1:
            axes.legend(frameon=False, ncols=min(4, len(charted)), loc="upper center", bbox_to_anchor=(0.5, -0.12))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


def _readable_ticks(axis) -> None:
    """Ticks at steps of 1, 2 or 5 (times a power of ten), written with as many decimals
    as the step needs, in Turkish number format."""
    axis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
    ticks = axis.get_majorticklocs()
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1
    places = 0 if step >= 1 else min(6, math.ceil(-math.log10(step)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: number(float(v), places)))


Plan = dict[str, tuple[str, Callable[[], Figure]]]
"""Charts to draw, by key: each one's file name and the function that makes its figure."""


def _extra_plan(extras: Iterable["ExtraTable"]) -> Plan:
    return {file_name(t.name): (file_name(t.name), partial(_extra_chart, t))
            for t in extras if t.chart != "none" and t.rows}


def _bulletin_plan(figures: Figures, labels: Labels) -> Plan:
    """Which charts the bulletin has, decided apart from drawing them, so a page can
    name a chart that another process is still drawing (``chart_names``)."""
    from .maps import map_figure

    chapters = [(l.row.name, [(_label_chapter(i), i.value) for i in l.chapters]) for l in figures.leaders]
    countries = [(l.row.name, [(i.name, i.value) for i in l.countries]) for l in figures.leaders]
    plan: Plan = {"chapters": ("grafik-fasillar", partial(_grouped_bars, chapters)),
                  "countries": ("grafik-ulkeler", partial(_grouped_bars, countries))}
    if figures.trend:
        plan["trend"] = ("grafik-egilim", partial(_trend_chart, figures.trend))
    if not figures.period.is_annual:
        technology = figures.summary.technology
        if technology:
            plan["technology"] = ("grafik-teknoloji", partial(_technology_chart, technology, labels.technology,
                                                               labels.turkiye))
        plan["map"] = ("harita-iller", partial(map_figure, {r.plate: r.current for r in figures.summary.ranking},
                                               labels.no_data, labels.and_above))
    return plan


def _draw(plan: Plan, raster: bool) -> dict[str, Chart]:
    with matplotlib.rc_context(rc_settings()):
        return {key: render_chart(name, make(), raster) for key, (name, make) in plan.items()}


def draw_extra_charts(extras: Iterable["ExtraTable"], raster: bool = False) -> dict[str, Chart]:
    """The charts editors' sections ask for, by chart name."""
    return _draw(_extra_plan(extras), raster)


def draw_charts(figures: Figures, labels: Labels, raster: bool = False) -> dict[str, Chart]:
    """The bulletin's charts by name, as SVG for the pages, or as PNG (``raster``) for the
    files that go with them."""
    return _draw(_bulletin_plan(figures, labels), raster)


def chart_names(figures: Figures, labels: Labels, extras: Iterable["ExtraTable"]) -> dict[str, str]:
    """The file name of each chart ``draw_charts`` and ``draw_extra_charts`` draw, by key,
    without drawing them."""
    return {key: name for key, (name, _) in {**_bulletin_plan(figures, labels), **_extra_plan(extras)}.items()}


def profile_chart(name: str, trend: list[tuple[int, int, Decimal]]) -> Chart:
    """A province's last 13 months as bars, million dollars, for its profile page."""
    return series_chart(name, [(f"{month_abbreviation(m)}\n{y}", v) for y, m, v in trend])


def series_chart(name: str, points: list[tuple[str, Optional[Decimal]]]) -> Chart:
    """Values as bars in million dollars, each labelled below (no value: an empty place), a
    bar's room at least 0.42 inch wide (a long series grows wider and scrolls in its box on
    the page). Fixed
    margins instead of constrained layout: 81 of them are drawn for the profiles and the
    release site, and the layout search would be half the time."""
    with matplotlib.rc_context(rc_settings()):
        width = max(6.7, 0.42 * len(points))
        figure = Figure(figsize=(width, 2.2))
        figure.subplots_adjust(left=0.55 / width, right=1 - 0.07 / width, top=0.95, bottom=0.2)
        axes = figure.add_subplot()
        positions = range(len(points))
        axes.bar(positions, [math.nan if v is None else float(v / MILLION) for _, v in points], color=PALETTE[0],
                 width=0.7)
        axes.set_xticks(positions, [label for label, _ in points], fontsize=SMALL_TEXT)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: number(float(y))))
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return render_chart(name, figure)
