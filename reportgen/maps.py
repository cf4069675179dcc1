"""A choropleth of the 81 provinces, drawn with matplotlib from the packaged outlines
(``refdata/province-outlines.json``, MIT, from turkey-map-react / svg-turkiye-haritasi)."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

import matplotlib
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .plotting import Chart, rc_settings, render_chart
from .turkish import MILLION, number

# Class breaks in million dollars: round numbers a reader can hold on to.
BREAKS = (100, 250, 500, 1_000, 5_000)
BLUES = ("#e3ecf5", "#bcd0e6", "#8fb0d3", "#5e89b9", "#34649c", "#123c69")
NO_DATA = "#eeeeee"
_FILE = Path(__file__).parent / "refdata" / "province-outlines.json"


@lru_cache(maxsize=1)
def outlines() -> dict:
    return json.loads(_FILE.read_text(encoding="utf-8"))


def colour_for(value: Optional[Decimal]) -> str:
    """The class colour of a value in dollars; grey where there is none."""
    if value is None or value <= 0:
        return NO_DATA
    millions = value / MILLION
    return BLUES[sum(1 for limit in BREAKS if millions >= limit)]


def legend_labels() -> list[str]:
    """``0 – 100``, ``100 – 250`` … ``5.000 +`` (million dollars, Turkish separators)."""
    edges = (0,) + BREAKS
    labels = [f"{number(low)} – {number(high)}" for low, high in zip(edges, edges[1:])]
    return labels + [f"{number(BREAKS[-1])} +"]


def province_map(values: Mapping[int, Decimal], name: str = "harita-iller", raster: bool = False) -> Chart:
    data = outlines()
    with matplotlib.rc_context(rc_settings()):
        figure = Figure(figsize=(6.7, 3.3), layout="constrained")
        axes = figure.add_subplot()
        polygons, colours = [], []
        for plate, rings in sorted(data["provinces"].items(), key=lambda item: int(item[0])):
            for ring in rings:
                polygons.append(ring)
                colours.append(colour_for(values.get(int(plate))))
        axes.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors="white", linewidths=0.4))
        axes.autoscale_view()
        axes.invert_yaxis()
        axes.set_aspect("equal")
        axes.axis("off")
        handles = [Patch(facecolor=colour, edgecolor="#999999", linewidth=0.3) for colour in BLUES]
        axes.legend(handles, legend_labels(), loc="lower left", frameon=False, fontsize=7.5, ncols=3,
                    bbox_to_anchor=(0.0, -0.12))
        return render_chart(name, figure, raster)
