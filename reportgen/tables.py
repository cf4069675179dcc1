"""The bulletin's tables as typed data for the data files (the workbook and the per-table
CSVs): stable column names with no period in them (the period is a column), provinces
spelled as in the reference data, plate codes zero-padded, and the ``Diğer`` and
``Toplam`` lines marked by their code (``DIGER``, ``TR``) rather than by a blank.

Cells hold the published figures: dollars to the cent and per cents to one decimal,
rounded half up from the exact values, so the files say what the bulletin says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Iterable, Literal, Optional, Union

from .compute import Figures, Item, Row, SpanFigures
from .data.sections import ExtraColumn, ExtraTable, file_name
from .config import FileLabels, Labels
from .period import Span
from .reference import fold, regions
from .revisions import Revision
from .turkish import chapter_code, round_half_up, span_label, to_decimal

Kind = Literal["code", "text", "int", "usd", "pct", "number"]
"""``number``: an editor's query figure, exact as the query returned it"""
TOTAL_CODE = "TR"
"""the code of a Türkiye (all provinces) line: Türkiye's ISO and NUTS code"""
OTHER_CODE = "DIGER"
"""the code of the ``Diğer`` line: the provinces a table does not list, together"""
PLACES = {"usd": 2, "pct": 1}


class Missing(Enum):
    """Why a cell holds no number; the workbook shows the marker, a CSV leaves it empty."""

    NOT_AVAILABLE = "[x]"
    """cannot be computed: a change from zero, a share of zero"""
    NOT_APPLICABLE = "[z]"
    """does not apply: the rank of the ``Diğer`` and ``Toplam`` lines"""


Cell = Union[str, int, Decimal, Missing]


@dataclass(frozen=True)
class Column:
    name: str
    """machine name (CSVW ``name``), the same in every period"""
    label: str
    """the Turkish header people read"""
    kind: Kind


@dataclass(frozen=True)
class DataTable:
    name: str
    """file and sheet name"""
    title: str
    unit: str
    columns: list[Column]
    rows: list[list[Cell]]
    key: tuple[str, ...]
    """the columns that identify a row"""

    @property
    def markers(self) -> list[Missing]:
        """The empty-cell markers the table uses, in a fixed order."""
        used = {cell for row in self.rows for cell in row if isinstance(cell, Missing)}
        return [m for m in Missing if m in used]


def span_code(span: Span) -> str:
    """A span as ISO 8601: ``2023``, ``2024-06`` or the interval ``2024-01/2024-06``."""
    if (span.first, span.last) == (1, 12):
        return str(span.year)
    if span.first == span.last:
        return f"{span.year}-{span.first:02d}"
    return f"{span.year}-{span.first:02d}/{span.year}-{span.last:02d}"


def plate_code(plate: int) -> str:
    return f"{plate:02d}"


def published(value: Optional[Decimal], kind: Kind) -> Cell:
    """A figure as the bulletin shows it; a missing one is ``[x]``."""
    if value is None:
        return Missing.NOT_AVAILABLE
    return round_half_up(value, PLACES[kind])


def _rank(row: Row) -> Cell:
    return Missing.NOT_APPLICABLE if row.rank is None else row.rank


def _ranking_columns(f: FileLabels, code: Column, name: Column) -> list[Column]:
    return [Column("period", f.period, "code"), Column("rank", f.rank, "int"), code, name,
            Column("previous_period", f.previous_period, "code"),
            Column("previous_value_usd", f.previous_value, "usd"),
            Column("previous_share_pct", f.previous_share, "pct"),
            Column("value_usd", f.value, "usd"), Column("share_pct", f.share, "pct"),
            Column("change_pct", f.change, "pct")]


def _ranking_row(span: Span, row: Row, code: str, name: str) -> list[Cell]:
    return [span_code(span), _rank(row), code, name, span_code(span.previous),
            published(row.previous, "usd"), published(row.previous_share, "pct"),
            published(row.current, "usd"), published(row.current_share, "pct"), published(row.change, "pct")]


def _province_columns(f: FileLabels) -> list[Column]:
    return _ranking_columns(f, Column("province_code", f.province_code, "code"),
                            Column("province", f.province, "text"))


def _province_table(name: str, title: str, figures: SpanFigures, labels: Labels, totals: bool) -> DataTable:
    """Tablo 1 and 2 (the top provinces, ``Diğer`` and ``Toplam``) or all 81 provinces."""
    span = figures.span
    rows = figures.table.rows if totals else figures.ranking
    body = [_ranking_row(span, r, plate_code(r.plate), r.name) for r in rows]
    if totals:
        body += [_ranking_row(span, figures.table.other, OTHER_CODE, labels.other),
                 _ranking_row(span, figures.table.total, TOTAL_CODE, labels.total)]
    return DataTable(name, f"{title} ({span_label(span)})", labels.files.unit_usd_pct,
                     _province_columns(labels.files), body, ("province_code",))


def _region_table(figures: SpanFigures, labels: Labels) -> DataTable:
    f = labels.files
    codes = {region.name: region.code for region in regions().values()}
    return DataTable(
        "bolgeler", f"{labels.table_regions} ({span_label(figures.span)})", f.unit_usd_pct,
        _ranking_columns(f, Column("region_code", f.region_code, "code"), Column("region", f.region, "text")),
        [_ranking_row(figures.span, r, codes[r.name], r.name) for r in figures.regions], ("region_code",))


def _items_table(name: str, title: str, figures: Figures, labels: Labels, what: str) -> DataTable:
    """The leading provinces' top chapters (``what`` = chapter) or countries."""
    f, span = labels.files, figures.main.span

    def code(item: Item) -> str:
        return chapter_code(item.code) if what == "chapter" else item.code

    columns = [Column("period", f.period, "code"), Column("province_code", f.province_code, "code"),
               Column("province", f.province, "text"), Column("rank", f.rank, "int"),
               Column(f"{what}_code", getattr(f, f"{what}_code"), "code"), Column(what, getattr(f, what), "text"),
               Column("value_usd", f.value, "usd")]
    rows = [[span_code(span), plate_code(leader.row.plate), leader.row.name, rank, code(item), item.name,
             published(item.value, "usd")]
            for leader in figures.leaders
            for rank, item in enumerate(getattr(leader, "chapters" if what == "chapter" else "countries"), start=1)]
    return DataTable(name, f"{title} ({span_label(span)})", f.unit_usd, columns, rows, ("province_code", "rank"))


def _technology_table(figures: SpanFigures, labels: Labels) -> DataTable:
    f = labels.files
    columns = ([Column("period", f.period, "code"), Column("province_code", f.province_code, "code"),
                Column("province", f.province, "text")]
               + [Column(f"{key.replace('-', '_')}_pct", f"{name} (%)", "pct")
                  for key, name in labels.technology.items()]
               + [Column("manufactured_share_pct", f.manufactured_share, "pct")])
    rows = [[span_code(figures.span), TOTAL_CODE if r.plate is None else plate_code(r.plate),
             labels.turkiye if r.name is None else r.name]
            + [published(r.shares[key], "pct") for key in labels.technology] + [published(r.manufactured_share, "pct")]
            for r in figures.technology]
    return DataTable("teknoloji", f"{labels.table_technology} ({span_label(figures.span)})", f.unit_pct,
                     columns, rows, ("province_code",))


def _head_office_table(figures: Figures, labels: Labels) -> DataTable:
    f, span = labels.files, figures.summary.span
    columns = [Column("period", f.period, "code"), Column("province_code", f.province_code, "code"),
               Column("province", f.province, "text"), Column("activity_value_usd", f.activity_value, "usd"),
               Column("activity_share_pct", f.activity_share, "pct"),
               Column("head_office_value_usd", f.head_office_value, "usd"),
               Column("head_office_share_pct", f.head_office_share, "pct")]
    rows = [[span_code(span), plate_code(r.plate), r.name, published(r.activity, "usd"),
             published(r.activity_share, "pct"), published(r.head_office, "usd"), published(r.head_office_share, "pct")]
            for r in figures.head_office]
    return DataTable("merkez-ili", f"{labels.table_head_office} ({span_label(span)})", f.unit_usd_pct,
                     columns, rows, ("province_code",))


EXTRA_PLACES = {"number": 0, "number1": 1, "number2": 2, "percent": 1, "money_million": 2, "money_words": 2}
"""decimals an editor's figure keeps in the files: what the page shows, money to the cent"""


def _extra_kind(column: ExtraColumn, values: list) -> Kind:
    if not column.numeric:
        return "text"
    if column.format.startswith("money_"):
        return "usd"
    if column.format == "percent":
        return "pct"
    return "int" if all(isinstance(v, int) for v in values if v is not None) else "number"


def _extra_cell(value: object, kind: Kind, format_name: str) -> Cell:
    if value is None:
        return Missing.NOT_AVAILABLE
    if kind == "text":
        return str(value)
    if kind == "int":
        return value
    return round_half_up(to_decimal(value), EXTRA_PLACES[format_name])


def extra_table(table: ExtraTable, labels: Labels) -> DataTable:
    """An editor's query result as a sheet and a CSV: its own column heads, figures rounded
    half up to the decimals the page shows (money to the cent)."""
    kinds = [_extra_kind(c, [row[i] for row in table.rows]) for i, c in enumerate(table.columns)]
    columns = [Column(machine, c.name, kind)
               for c, kind, machine in zip(table.columns, kinds, machine_names([c.name for c in table.columns]))]
    unit = table.unit or {"usd": labels.files.unit_usd, "pct": labels.files.unit_pct}.get(
        next((k for k in kinds if k in PLACES), ""), "")
    rows = [[_extra_cell(value, kind, c.format) for value, kind, c in zip(row, kinds, table.columns)]
            for row in table.rows]
    first = [row[0] for row in rows]
    key = (columns[0].name,) if len(set(first)) == len(first) else ()
    return DataTable(file_name(table.name), table.title, unit, columns, rows, key)


def machine_names(labels: list[str]) -> list[str]:
    """Column names a CSVW file may use (ASCII letters, digits, ``_``), each its own:
    ``['Ülke', 'Değer']`` → ``['ulke', 'deger']``."""
    names: list[str] = []
    for label in labels:
        name = re.sub(r"[^a-z0-9_]+", "_", fold(label)).strip("_") or "sutun"
        name = name if name[0].isalpha() else f"c_{name}"
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name}_{n}", n + 1
        names.append(unique)
    return names


def revisions_table(revisions: list[Revision], labels: Labels) -> DataTable:
    """Every revised figure: what was published, in which bulletin, what it is now, and why."""
    f = labels.files
    columns = [Column("period", f.period, "code"), Column("measure", f.measure, "code"),
               Column("province_code", f.province_code, "code"), Column("province", f.province, "text"),
               Column("region", f.region, "text"), Column("chapter_code", f.chapter_code, "code"),
               Column("country_code", f.country_code, "code"),
               Column("published_value_usd", f.published_value, "usd"), Column("value_usd", f.revised_value, "usd"),
               Column("revision_usd", f.revision, "usd"), Column("revision_pct", f.revision_change, "pct"),
               Column("published_in", f.published_in, "code"), Column("reason", f.reason, "text")]
    rows = [[r.figure.period, r.figure.measure, r.figure.province_code, r.figure.province, r.figure.region,
             r.figure.chapter_code, r.figure.country_code, published(r.published, "usd"), published(r.value, "usd"),
             published(r.difference, "usd"), published(r.change_pct, "pct"), r.release, r.reason]
            for r in sorted(revisions, key=lambda r: r.figure.key)]
    return DataTable("revizyonlar", labels.table_revisions, f.unit_usd_pct, columns, rows,
                     ("period", "measure", "province_code", "region", "chapter_code", "country_code"))


def build_tables(figures: Figures, labels: Labels, extras: Iterable[ExtraTable] = ()) -> list[DataTable]:
    summary = figures.summary
    tables = [_province_table("tablo-1-iller", labels.table_provinces, figures.main, labels, totals=True)]
    if figures.cumulative:
        tables.append(_province_table("tablo-2-iller-kumulatif", labels.table_provinces, figures.cumulative,
                                      labels, totals=True))
    tables += [
        _province_table("tum-iller", labels.table_all_provinces, summary, labels, totals=False),
        _items_table("fasillar", labels.table_chapters, figures, labels, "chapter"),
        _items_table("ulkeler", labels.table_countries, figures, labels, "country"),
        _region_table(summary, labels),
    ]
    if summary.technology:
        tables.append(_technology_table(summary, labels))
    if figures.head_office:
        tables.append(_head_office_table(figures, labels))
    return tables + [extra_table(t, labels) for t in extras]
