"""The bulletin's charts, drawn with matplotlib from the computed figures: grouped bars
of the leaders' chapters and countries, the 13-month trend, technology shares, and each
province's trend for its profile; the map is in ``maps``.

Charts carry no titles or wording of their own: the template captions them.
"""

from __future__ import annotations

from decimal import Decimal

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .compute import Figures, Item, TechnologyRow, Trend
from .config import Labels
from .plotting import EDGE, GRID, PALETTE, SMALL_TEXT, TECHNOLOGY_PALETTE, Chart, rc_settings, render_chart
from .turkish import MILLION, chapter_code, month_abbreviation, number

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


def draw_charts(figures: Figures, labels: Labels, raster: bool = False) -> dict[str, Chart]:
    """The bulletin's charts by name, as SVG for the pages, or as PNG (``raster``) for the
    files that go with them."""
    from .maps import province_map

    with matplotlib.rc_context(rc_settings()):
        chapters = [(l.row.name, [(_label_chapter(i), i.value) for i in l.chapters]) for l in figures.leaders]
        countries = [(l.row.name, [(i.name, i.value) for i in l.countries]) for l in figures.leaders]
        drawn = {
            "chapters": render_chart("grafik-fasillar", _grouped_bars(chapters), raster),
            "countries": render_chart("grafik-ulkeler", _grouped_bars(countries), raster),
        }
        if figures.trend:
            drawn["trend"] = render_chart("grafik-egilim", _trend_chart(figures.trend), raster)
        if not figures.period.is_annual:
            technology = figures.summary.technology
            if technology:
                drawn["technology"] = render_chart(
                    "grafik-teknoloji", _technology_chart(technology, labels.technology, labels.turkiye), raster)
            drawn["map"] = province_map({r.plate: r.current for r in figures.summary.ranking}, labels.no_data,
                                        raster=raster)
    return drawn


def profile_chart(name: str, trend: list[tuple[int, int, Decimal]]) -> Chart:
    """A province's last 13 months as bars, million dollars, for its profile page. Fixed
    margins instead of constrained layout: 81 of them are drawn, and the layout search
    would be half the time."""
    with matplotlib.rc_context(rc_settings()):
        figure = Figure(figsize=(6.7, 2.2))
        figure.subplots_adjust(left=0.08, right=0.99, top=0.95, bottom=0.2)
        axes = figure.add_subplot()
        positions = range(len(trend))
        axes.bar(positions, [float(v / MILLION) for _, _, v in trend], color=PALETTE[0], width=0.7)
        axes.set_xticks(positions, [f"{month_abbreviation(m)}\n{y}" for y, m, _ in trend], fontsize=SMALL_TEXT)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: number(float(y))))
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return render_chart(name, figure)
