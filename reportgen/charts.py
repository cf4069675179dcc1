"""matplotlib charts drawn from the computed figures, as SVG (for the HTML and the PDF,
vector) and PNG (for slides and documents), in the bulletin's font.

Charts carry no titles or wording of their own: the template captions them.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .compute import Figures, Item  # noqa: E402
from .fonts import font_files  # noqa: E402
from .turkish import MILLION, chapter_code, number  # noqa: E402

PALETTE = ("#123c69", "#ac3b61", "#d08c2e", "#3c7a5a", "#6b5b95")
INK = "#222222"
GRID = "#d9d9d9"


@dataclass(frozen=True)
class Chart:
    name: str
    """file name without extension"""
    svg: str
    png: bytes

    @property
    def data_uri(self) -> str:
        """The SVG as a ``data:`` URI: the HTML stays one self-contained file, and each
        chart keeps its own glyph ids (inline SVGs would share and clash)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=1)
def _font_family() -> str:
    for path in font_files().values():
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(font_files()["regular"])).get_name()


def _rc() -> dict:
    return {
        "font.family": _font_family(),
        "font.size": 9,
        "svg.hashsalt": "reportgen",
        "svg.fonttype": "path",
        "axes.edgecolor": INK,
        "text.color": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }


def _grouped_bars(groups: list[tuple[str, list[tuple[str, Decimal]]]]) -> Figure:
    """Horizontal bars in million dollars, one block per province, values written at
    the bar ends in Turkish number format."""
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


def _render(name: str, figure: Figure) -> Chart:
    svg, png = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    figure.savefig(png, format="png", dpi=200, metadata={"Software": None})
    return Chart(name=name, svg=svg.getvalue(), png=png.getvalue())


def _label_chapter(item: Item) -> str:
    return f"{chapter_code(item.code)} {item.name}"


def draw_charts(figures: Figures) -> dict[str, Chart]:
    """The bulletin's charts by name: top chapters and top countries of the leaders."""
    with matplotlib.rc_context(_rc()):
        chapters = [(l.row.name, [(_label_chapter(i), i.value) for i in l.chapters]) for l in figures.leaders]
        countries = [(l.row.name, [(i.name, i.value) for i in l.countries]) for l in figures.leaders]
        return {
            "chapters": _render("grafik-fasillar", _grouped_bars(chapters)),
            "countries": _render("grafik-ulkeler", _grouped_bars(countries)),
        }

