"""A choropleth of the 81 provinces, drawn with matplotlib from the packaged outlines
(``refdata/province-outlines.json``, MIT, from turkey-map-react / svg-turkiye-haritasi)."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .plotting import EDGE
from .turkish import MILLION, number

# Class breaks in million dollars: round numbers a reader can hold on to.
BREAKS = (100, 250, 500, 1_000, 5_000)
BLUES = ("#5798be", "#3e7fad", "#2b6797", "#1d5181", "#123c69", "#0a284c")
"""One class per break, even steps of lightness ending in the bulletin's navy. Each has at
least 3:1 against white (WCAG 1.4.11); neighbouring classes cannot also have 3:1 against
each other, so every province is outlined in white (``EDGE``), against which each class has
3:1, and so are the legend's swatches."""
NO_DATA = "#ffffff"
"""A province without data: white, which has 3:1 against every class, hatched in
``NO_DATA_HATCH`` (4.5:1 against white) so its shape shows on the white page."""
NO_DATA_HATCH = "#767676"
_FILE = Path(__file__).parent / "refdata" / "province-outlines.json"


@lru_cache(maxsize=1)
def outlines() -> dict:
    return json.loads(_FILE.read_text(encoding="utf-8"))


def colour_for(value: Optional[Decimal]) -> str:
    """The class colour of a value in dollars; ``NO_DATA`` where there is none."""
    if value is None or value <= 0:
        return NO_DATA
    millions = value / MILLION
    return BLUES[sum(1 for limit in BREAKS if millions >= limit)]


def legend_labels(and_above: str) -> list[str]:
    """``0 – 100``, ``100 – 250`` … ``5.000 ve üzeri`` (million dollars, Turkish
    separators; ``and_above`` is the config's wording of the open top class)."""
    edges = (0,) + BREAKS
    labels = [f"{number(low)} – {number(high)}" for low, high in zip(edges, edges[1:])]
    return labels + [f"{number(BREAKS[-1])} {and_above}"]


def map_figure(values: Mapping[int, Decimal], no_data_label: str, and_above: str) -> Figure:
    """The choropleth with its legend: the classes (the top one worded with ``and_above``),
    then ``no_data_label`` beside the hatched swatch, both from the config's labels. Made
    under the bulletin's matplotlib settings (``rc_settings``), which the caller sets, and
    drawn with the bulletin's other charts (``charts.draw_charts``)."""
    data = outlines()
    figure = Figure(figsize=(6.7, 3.3), layout="constrained")
    axes = figure.add_subplot()
    rings = [(ring, colour_for(values.get(int(plate))))
             for plate, outline in sorted(data["provinces"].items(), key=lambda item: int(item[0]))
             for ring in outline]
    shaded = [(ring, colour) for ring, colour in rings if colour != NO_DATA]
    missing = [ring for ring, colour in rings if colour == NO_DATA]
    axes.add_collection(PolyCollection([ring for ring, _ in shaded], facecolors=[colour for _, colour in shaded],
                                       edgecolors="white", linewidths=EDGE))
    no_data = {"facecolor": NO_DATA, "edgecolor": "white", "linewidth": EDGE, "hatch": "////",
               "hatchcolor": NO_DATA_HATCH}
    if missing:
        axes.add_collection(PolyCollection(missing, **no_data))
    axes.autoscale_view()
    axes.invert_yaxis()
    axes.set_aspect("equal")
    axes.axis("off")
    handles = [Patch(facecolor=colour, edgecolor="white", linewidth=EDGE) for colour in BLUES]
    axes.legend(handles + [Patch(**no_data)], legend_labels(and_above) + [no_data_label], loc="lower left",
                frameon=False, ncols=3, handleheight=1.2, bbox_to_anchor=(0.0, -0.12))
    return figure
