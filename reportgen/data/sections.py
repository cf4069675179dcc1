"""What editors' sections returned, as the presentation stages read it: kept apart from
``extra``, which runs the queries, so that the PDF's process can unpickle and draw them
without importing the engine, SQLGlot and Arrow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class ExtraColumn:
    name: str
    format: str
    """how the cells are shown: a name of ``config.EXTRA_FORMATS``"""
    numeric: bool


@dataclass(frozen=True)
class ExtraTable:
    """What an editor's query returned, with its section's wording: ``extra.<name>`` in
    templates, a numbered table (and chart) in the bulletin, a sheet and a CSV."""

    name: str
    title: str
    after: str
    columns: list[ExtraColumn]
    rows: list[tuple]
    chart: str
    """``bar``, ``line`` or ``none``"""
    chart_value: Optional[str] = None
    unit: str = ""
    note: str = ""

    @property
    def charted(self) -> list[ExtraColumn]:
        """The columns the chart draws: a bar chart's one (``chart_value``, or the first
        numeric column after the labels), or every numeric column of a line chart."""
        numeric = [c for c in self.columns[1:] if c.numeric]
        if self.chart == "bar":
            chosen = [c for c in self.columns if c.name == self.chart_value] if self.chart_value else numeric[:1]
            return chosen
        return numeric

    @property
    def labels(self) -> list[str]:
        """The first column's cells as text: a chart's categories."""
        return [str(row[0]) for row in self.rows]


def file_name(name: str) -> str:
    """The files of a section (its CSV, sheet and chart): ``bursa_pazarlar`` → ``ek-bursa-pazarlar``."""
    return f"ek-{name.replace('_', '-')}"
