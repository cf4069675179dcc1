"""The computed tables as data files: one XLSX workbook laid out as statistical
spreadsheets should be (a cover sheet listing the tables; one sheet per table with its
title, unit, source and notes; numbers stored as numbers with Turkish display formats;
header frozen; widths set) and one CSV per table (exact values, for further processing)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Optional

from .compute import Figures, Row, SpanFigures
from .config import Config, Labels
from .period import Span
from .turkish import chapter_code, round_half_up, span_label, upper_tr

Kind = Literal["text", "int", "usd", "pct"]
XLSX_FORMATS = {"text": "@", "int": "0", "usd": "#,##0.00", "pct": "0.0"}


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


def _ranking_columns(span: Span, labels: Labels, first: str) -> list[Column]:
    before, now = span_label(span.previous), span_label(span)
    return [
        Column(labels.rank, "int"), Column(labels.plate, "int"), Column(first, "text"),
        Column(f"{before} ({labels.value_usd})", "usd"), Column(f"{before} {labels.share}", "pct"),
        Column(f"{now} ({labels.value_usd})", "usd"), Column(f"{now} {labels.share}", "pct"),
        Column(labels.change, "pct"),
    ]


def _item_columns(span: Span, labels: Labels, what: str) -> list[Column]:
    return [Column(labels.province, "text"), Column(labels.rank, "int"), Column(what, "text"),
            Column(f"{span_label(span)} ({labels.value_usd})", "usd")]


def _province_table(name: str, figures_of_span: SpanFigures, labels: Labels) -> DataTable:
    table = figures_of_span.table
    return DataTable(
        name, f"{labels.table_provinces} ({span_label(figures_of_span.span)})",
        _ranking_columns(figures_of_span.span, labels, labels.province),
        [_ranking_cells(r) for r in table.rows]
        + [_ranking_cells(table.other, labels.other), _ranking_cells(table.total, labels.total)])


def build_tables(figures: Figures, labels: Labels) -> list[DataTable]:
    summary = figures.summary
    main_span = figures.main.span
    tables = [_province_table("tablo-1-iller", figures.main, labels)]
    if figures.cumulative:
        tables.append(_province_table("tablo-2-iller-kumulatif", figures.cumulative, labels))
    tables += [
        DataTable("tum-iller", f"{labels.table_all_provinces} ({span_label(summary.span)})",
                  _ranking_columns(summary.span, labels, labels.province),
                  [_ranking_cells(r) for r in summary.ranking]),
        DataTable("fasillar", f"{labels.table_chapters} ({span_label(main_span)})",
                  _item_columns(main_span, labels, labels.chapter),
                  [[l.row.name, i, f"{chapter_code(c.code)} {c.name}", c.value]
                   for l in figures.leaders for i, c in enumerate(l.chapters, start=1)]),
        DataTable("ulkeler", f"{labels.table_countries} ({span_label(main_span)})",
                  _item_columns(main_span, labels, labels.country),
                  [[l.row.name, i, c.name, c.value]
                   for l in figures.leaders for i, c in enumerate(l.countries, start=1)]),
        DataTable("bolgeler", f"{labels.table_regions} ({span_label(summary.span)})",
                  _ranking_columns(summary.span, labels, labels.region),
                  [_ranking_cells(r, r.name) for r in summary.regions]),
    ]
    if summary.technology:
        tables.append(DataTable(
            "teknoloji", f"{labels.table_technology} (%) ({span_label(summary.span)})",
            [Column(labels.province, "text")] + [Column(f"{n} (%)", "pct") for n in labels.technology.values()]
            + [Column(labels.manufactured_share, "pct")],
            [[upper_tr(r.name) if r.name else labels.turkiye] + [r.shares[k] for k in labels.technology]
             + [r.manufactured_share] for r in summary.technology]))
    if figures.head_office:
        tables.append(DataTable(
            "merkez-ili", f"{labels.table_head_office} (%) ({span_label(summary.span)})",
            [Column(labels.plate, "int"), Column(labels.province, "text"),
             Column(f"{labels.activity_share} – {labels.value_usd}", "usd"), Column(labels.activity_share, "pct"),
             Column(f"{labels.head_office_share} – {labels.value_usd}", "usd"),
             Column(labels.head_office_share, "pct")],
            [[r.plate, upper_tr(r.name), r.activity, r.activity_share, r.head_office, r.head_office_share]
             for r in figures.head_office]))
    return tables


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


def to_xlsx(tables: list[DataTable], config: Config, created: dt.datetime) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    workbook.set_properties({"title": config.title, "author": config.publisher, "created": created})
    styles = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "meta": workbook.add_format({"italic": True, "font_color": "#444444"}),
        "header": workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top",
                                       "bg_color": "#dde6f0"}),
        "link": workbook.add_format({"font_color": "#123c69", "underline": 1}),
    }
    formats = {kind: workbook.add_format({"num_format": f}) for kind, f in XLSX_FORMATS.items()}
    cover = workbook.add_worksheet(config.labels.cover)
    cover.write(0, 0, config.title, styles["title"])
    cover.write(1, 0, config.publisher, styles["meta"])
    cover.set_column(0, 0, 28)
    cover.set_column(1, 1, 70)
    for index, table in enumerate(tables, start=3):
        cover.write_url(index, 0, f"internal:'{table.name}'!A1", styles["link"], table.name)
        cover.write(index, 1, table.title)
    for table in tables:
        _write_sheet(workbook.add_worksheet(table.name[:31]), table, config, styles, formats)
    workbook.close()
    return buffer.getvalue()


def _write_sheet(sheet, table: DataTable, config: Config, styles: dict, formats: dict) -> None:
    sheet.write(0, 0, table.title, styles["title"])
    sheet.write(1, 0, f"{config.labels.value_usd}; {config.publisher}", styles["meta"])
    header_row = 3
    for col, column in enumerate(table.columns):
        sheet.write(header_row, col, column.label, styles["header"])
        sheet.set_column(col, col, max(11, min(40, len(column.label) + 2)), formats[column.kind])
    for r, row in enumerate(table.rows, start=header_row + 1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, Decimal):
                sheet.write_number(r, col, float(value))
            else:
                sheet.write(r, col, value)
    sheet.write(len(table.rows) + header_row + 2, 0, config.labels.table_note, styles["meta"])
    sheet.freeze_panes(header_row + 1, 0)
