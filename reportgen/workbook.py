"""The tables as one XLSX workbook laid out as the UK Analysis Function's "Releasing
statistics in spreadsheets" asks: a cover sheet (title, period, release dates, source,
contact, contents with links), a notes sheet, then one sheet per table holding one Excel
table with a unique name; title in A1, unit, source and note markers above the table and
nothing below or beside it; no merged cells, frozen panes or fills; an empty cell is
``[x]`` or ``[z]``, explained in the notes; numbers are numbers with display formats; the
document language is Turkish. Every text is written as text, never as a formula."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from .config import Config, FileLabels
from .period import Period
from .render import release_of
from .tables import OTHER_CODE, TOTAL_CODE, DataTable, Missing
from .turkish import long_date, span_label

LANGUAGE = "tr-TR"
NUMBER_FORMATS = {"code": "@", "text": "@", "int": "0", "usd": "#,##0.00", "pct": "0.0", "number": "General"}
HEADER_ROW = 4
"""A1 title, then unit, source and notes; the table's header is the fifth row"""


@dataclass(frozen=True)
class Note:
    marker: str
    text: str


def notes_of(config: Config) -> list[Note]:
    """The configured notes numbered ``[not 1]``…, the note on the ``TR``/``DIGER`` codes,
    then what the empty-cell markers mean."""
    f = config.labels.files
    texts = [*config.notes, f.codes]
    return ([Note(f"[{f.note_marker} {n}]", text) for n, text in enumerate(texts, start=1)]
            + [Note(Missing.NOT_AVAILABLE.value, f.not_available),
               Note(Missing.NOT_APPLICABLE.value, f.not_applicable)])


def table_markers(table: DataTable, notes: list[Note]) -> list[str]:
    """The notes a table refers to: the general ones, the codes note when it has a
    ``TR`` or ``DIGER`` line, and the empty-cell markers it uses."""
    general = [n.marker for n in notes[:-3]]
    has_codes = any(cell in (TOTAL_CODE, OTHER_CODE) for row in table.rows for cell in row)
    return general + ([notes[-3].marker] if has_codes else []) + [m.value for m in table.markers]


def excel_name(name: str) -> str:
    """A file name as an Excel table name (letters, digits and ``_``)."""
    return re.sub(r"\W", "_", name)


def to_xlsx(tables: list[DataTable], config: Config, period: Period, created: dt.datetime) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"title": f"{config.title} ({span_label(period.main)})", "author": config.publisher,
                             "created": created})
    styles = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "link": workbook.add_format({"font_color": "#0b4f8a", "underline": 1}),
        "marker": workbook.add_format({"align": "right"}),
        **{kind: workbook.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()},
    }
    notes = notes_of(config)
    _cover(workbook.add_worksheet(config.labels.cover), tables, config, period, created.date(), styles)
    _notes_sheet(workbook.add_worksheet(config.labels.files.notes), notes, config.labels.files, styles)
    for table in tables:
        _table_sheet(workbook.add_worksheet(table.name[:31]), table, table_markers(table, notes), config, styles)
    workbook.close()
    return with_language(buffer.getvalue(), LANGUAGE)


def _cover(sheet, tables: list[DataTable], config: Config, period: Period, created: dt.date, styles: dict) -> None:
    """Title and release facts in column A, then the contents as a table of links."""
    f = config.labels.files
    release = release_of(config, created)
    facts = [(f.period, span_label(period.main)), (f.release, long_date(release.date)),
             (f.next_release, long_date(release.next) if release.next else f.not_announced),
             (f.source, config.source), (f.contact, config.contact)]
    sheet.write_string(0, 0, config.title, styles["title"])
    for row, (label, value) in enumerate(facts, start=1):
        sheet.write_string(row, 0, f"{label}: {value}")
    first = len(facts) + 2
    sheet.write_string(first - 1, 0, f.contents, styles["header"])
    sheets = [(f.notes, f.notes)] + [(t.name[:31], t.title) for t in tables]
    sheet.add_table(first, 0, first + len(sheets), 1, {
        "name": "icindekiler", "style": None, "autofilter": False,
        "columns": [{"header": f.sheet, "header_format": styles["header"]},
                    {"header": f.title, "header_format": styles["header"]}]})
    for row, (name, title) in enumerate(sheets, start=first + 1):
        sheet.write_url(row, 0, f"internal:'{name}'!A1", styles["link"], name)
        sheet.write_string(row, 1, title)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 90)


def _notes_sheet(sheet, notes: list[Note], f: FileLabels, styles: dict) -> None:
    sheet.write_string(0, 0, f.notes, styles["title"])
    sheet.add_table(1, 0, 1 + len(notes), 1, {
        "name": "notlar", "style": None, "autofilter": False,
        "columns": [{"header": f.marker, "header_format": styles["header"]},
                    {"header": f.explanation, "header_format": styles["header"]}]})
    for row, note in enumerate(notes, start=2):
        sheet.write_string(row, 0, note.marker)
        sheet.write_string(row, 1, note.text)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 120)


def _table_sheet(sheet, table: DataTable, markers: list[str], config: Config, styles: dict) -> None:
    f = config.labels.files
    sheet.write_string(0, 0, table.title, styles["title"])
    sheet.write_string(1, 0, f"{f.unit}: {table.unit}")
    sheet.write_string(2, 0, f"{f.source}: {config.source}")
    sheet.write_string(3, 0, f"{f.table_notes}: {', '.join(markers)}")
    sheet.add_table(HEADER_ROW, 0, HEADER_ROW + len(table.rows), len(table.columns) - 1, {
        "name": excel_name(table.name), "style": None, "autofilter": False,
        "columns": [{"header": c.label, "header_format": styles["header"], "format": styles[c.kind]}
                    for c in table.columns]})
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for c, (cell, column) in enumerate(zip(row, table.columns)):
            if isinstance(cell, Missing):
                sheet.write_string(r, c, cell.value, styles["marker"])
            elif isinstance(cell, (int, Decimal)):
                sheet.write_number(r, c, float(cell), styles[column.kind])
            else:
                sheet.write_string(r, c, cell, styles[column.kind])
    for c, column in enumerate(table.columns):
        sheet.set_column(c, c, 12 if column.kind in ("code", "int") else max(16, min(40, len(column.label) + 2)))


def with_language(xlsx: bytes, language: str) -> bytes:
    """The workbook with ``dc:language`` in its core properties (xlsxwriter has no such
    property); every other part and the entries' dates are kept, so the bytes stay the
    same for the same workbook."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = data.replace(b"</cp:coreProperties>",
                                    f"<dc:language>{language}</dc:language></cp:coreProperties>".encode())
            target.writestr(info, data)
    return out.getvalue()
