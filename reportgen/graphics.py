"""A drawn chart as the pages and files use it: its SVG inline in the HTML page, as a
``data:`` URI in the PDF, as a file with its fonts; its PNG. Apart from the drawing
(``plotting``), so a process that only renders pages never imports matplotlib."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from markupsafe import Markup

from .fonts import web_font_faces

CHART_STYLES = ("regular", "bold")


@dataclass(frozen=True)
class Chart:
    name: str
    """file name without extension"""
    svg: str
    """matplotlib's SVG, its text as text in the bulletin's typeface"""
    png: bytes

    @property
    def data_uri(self) -> str:
        """The SVG as a ``data:`` URI, for the PDF: WeasyPrint draws its text with the
        document's fonts."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")

    @property
    def inline(self) -> Markup:
        """The SVG element for the HTML page, where the page's fonts apply: no XML prolog,
        hidden from assistive technology (the template labels the figure), and its ids
        prefixed with the chart's name so several charts can share a page."""
        element = self.svg[self.svg.index("<svg"):]
        element = _ID_REFERENCE.sub(lambda m: f'{m.group(1)}{self.name}-{m.group(2)}', element)
        opened = element.index(">")
        return Markup(element[:opened] + ' aria-hidden="true" focusable="false"' + element[opened:])

    @property
    def standalone(self) -> str:
        """The SVG file: the fonts it uses embedded, so it looks the same in any program."""
        opened = self.svg.index(">", self.svg.index("<svg")) + 1
        style = f'\n <style type="text/css">{web_font_faces(CHART_STYLES)}</style>'
        return self.svg[:opened] + style + self.svg[opened:]


@dataclass(frozen=True)
class PendingChart(Chart):
    """A chart another process is still drawing: the PDF's page names it by a URL
    (``PENDING`` and its name), and WeasyPrint waits for its SVG only when it loads the
    image (``pdf.html_to_pdf``), after the page's styles are worked out."""

    svg: str = ""
    png: bytes = b""

    @property
    def data_uri(self) -> str:
        return PENDING + self.name


PENDING = "reportgen-grafik:"


_ID_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
