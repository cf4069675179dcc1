"""The computed tables as data files: one XLSX workbook (numbers stored as numbers, with
Turkish display formats) and one CSV per table (exact values, for further processing)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Optional

from .compute import Figures, Row
from .config import Labels
from .turkish import chapter_code, round_half_up, upper_tr

Kind = Literal["text", "int", "usd", "pct"]
XLSX_FORMATS = {"text": None, "int": "0", "usd": "#,##0", "pct": "0.0"}


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind


@dataclass(frozen=True)
class DataTable:
    name: str
    """file and sheet name"""
    title: str
    columns: list[Column]
    rows: list[list]


def _ranking_cells(row: Row, label: Optional[str] = None) -> list:
    return [row.rank, row.plate, label or upper_tr(row.name), row.previous, row.previous_share,
            row.current, row.current_share, row.change]


def _ranking_columns(figures: Figures, labels: Labels) -> list[Column]:
    before, now = figures.previous_period.year, figures.period.year
    return [
        Column(labels.rank, "int"), Column(labels.plate, "int"), Column(labels.province, "text"),
        Column(f"{before} ({labels.value_usd})", "usd"), Column(f"{before} {labels.share}", "pct"),
        Column(f"{now} ({labels.value_usd})", "usd"), Column(f"{now} {labels.share}", "pct"),
        Column(labels.change, "pct"),
    ]


def _item_columns(figures: Figures, labels: Labels, what: str) -> list[Column]:
    return [Column(labels.province, "text"), Column(labels.rank, "int"), Column(what, "text"),
            Column(f"{figures.period.year} ({labels.value_usd})", "usd")]


def build_tables(figures: Figures, labels: Labels) -> list[DataTable]:
    table = figures.table
    columns = _ranking_columns(figures, labels)
    return [
        DataTable("tablo-1-iller", labels.table_provinces, columns,
                  [_ranking_cells(r) for r in table.rows]
                  + [_ranking_cells(table.other, labels.other), _ranking_cells(table.total, labels.total)]),
        DataTable("tum-iller", labels.table_provinces, columns,
                  [_ranking_cells(r) for r in figures.ranking]),
        DataTable("fasillar", labels.table_chapters, _item_columns(figures, labels, labels.chapter),
                  [[l.row.name, i, f"{chapter_code(c.code)} {c.name}", c.value]
                   for l in figures.leaders for i, c in enumerate(l.chapters, start=1)]),
        DataTable("ulkeler", labels.table_countries, _item_columns(figures, labels, labels.country),
                  [[l.row.name, i, c.name, c.value]
                   for l in figures.leaders for i, c in enumerate(l.countries, start=1)]),
    ]


def _csv_value(value, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == "usd":
        return format(round_half_up(value, 2), "f")
    if kind == "pct":
        return format(round_half_up(value, 1), "f")
    return str(value)


def to_csv(table: DataTable) -> bytes:
    """UTF-8, comma-separated, decimal point: dollars to the cent, per cents to one
    decimal as published."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v, c.kind) for v, c in zip(row, table.columns)])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(tables: list[DataTable], *, title: str, author: str, created: dt.datetime) -> bytes:
    """One sheet per table: title row, header row frozen, numbers as numbers with display
    formats (Excel shows them with the reader's Turkish separators)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": title, "author": author, "created": created})
    bold = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    formats = {kind: workbook.add_format({"num_format": f}) if f else None for kind, f in XLSX_FORMATS.items()}
    for table in tables:
        sheet = workbook.add_worksheet(table.name[:31])
        sheet.write(0, 0, table.title, bold)
        for col, column in enumerate(table.columns):
            sheet.write(2, col, column.label, header)
            sheet.set_column(col, col, max(10, min(40, len(column.label) + 2)), formats[column.kind])
        for r, row in enumerate(table.rows, start=3):
            for col, (value, column) in enumerate(zip(row, table.columns)):
                if value is None:
                    continue
                if isinstance(value, Decimal):
                    sheet.write_number(r, col, float(value))
                else:
                    sheet.write(r, col, value)
        sheet.freeze_panes(3, 0)
    workbook.close()
    return buffer.getvalue()
