"""matplotlib primitives shared by the charts and the map: the bulletin's typeface and
colours, and a figure rendered as a ``Chart``, SVG (text as text, for the pages) or PNG
(for the files that go with them)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.figure import Figure

from .fonts import font_files
from .graphics import Chart

PALETTE = ("#123c69", "#d35f0a", "#8e44ad", "#6b3a1e", "#2e95a3")
"""One colour per province (bar blocks, trend lines). Each has at least 3:1 against the
white page (WCAG 1.4.11 non-text contrast), and every two stay apart in lightness or hue
under protanopia, deuteranopia and tritanopia. Marks of two colours never touch: bar
blocks are apart, and trend lines also differ in their markers."""
TECHNOLOGY_PALETTE = ("#123c69", "#5a8bc2", "#d35f0a", "#6b3a1e")
"""Technology levels from high to low, dark and light blue then light and dark orange:
each at least 3:1 against white. Neighbours in a stacked bar cannot also reach 3:1 against
each other, so the segments are parted by a white edge (``EDGE``), against which every
segment has 3:1."""
EDGE = 0.75
"""Width in points of the white edge that parts touching marks: stacked segments and the
map's provinces."""
SMALL_TEXT = 8.5
"""The smallest text in a chart, in points (tick labels, legends): legible in print."""
INK = "#222222"
GRID = "#d9d9d9"


@lru_cache(maxsize=1)
def _font_family() -> str:
    for path in font_files().values():
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(font_files()["regular"])).get_name()


def rc_settings() -> dict:
    return {
        "font.family": _font_family(),
        "font.size": 9,
        "legend.fontsize": SMALL_TEXT,
        "svg.hashsalt": "reportgen",
        "svg.fonttype": "none",
        "axes.edgecolor": INK,
        "text.color": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }


def render_chart(name: str, figure: Figure, raster: bool = False) -> Chart:
    """The SVG, its text as text (searchable in the PDF, sharp at any size); or, with
    ``raster``, only the PNG at print resolution (for slides and documents)."""
    if raster:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=200, metadata={"Software": None})
        return Chart(name=name, svg="", png=buffer.getvalue())
    svg = io.StringIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    return Chart(name=name, svg=_lean(svg.getvalue()), png=b"")


_SVG, _XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"


def _lean(svg: str) -> str:
    """matplotlib's SVG without its metadata and without the groups that only carry an
    id (one per artist): the same drawing in about half the elements, which WeasyPrint
    draws one by one for every page it is on. Names are written out plainly, never
    through ElementTree's process-wide namespace prefixes."""
    root = ET.fromstring(svg)
    for parent in root.iter():
        children = []
        for child in parent:
            if child.tag == f"{_SVG}metadata":
                continue
            children.extend(_flattened(child) if _bare_group(child) else [child])
        parent[:] = children
    for element in root.iter():
        element.tag = element.tag.removeprefix(_SVG)
        for name in [name for name in element.attrib if name.startswith(_XLINK)]:
            element.set(name.replace(_XLINK, "xlink:"), element.attrib.pop(name))
    root.set("xmlns", _SVG.strip("{}"))
    root.set("xmlns:xlink", _XLINK.strip("{}"))
    return ET.tostring(root, encoding="unicode")


def _bare_group(element: ET.Element) -> bool:
    return element.tag == f"{_SVG}g" and set(element.attrib) <= {"id"}


def _flattened(group: ET.Element) -> list[ET.Element]:
    """A bare group's children, bare groups among them flattened in turn."""
    return [grandchild for child in group for grandchild in (_flattened(child) if _bare_group(child) else [child])]
