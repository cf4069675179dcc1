"""An XLSX sheet read into an Arrow table with the sheet's row numbers.

Three readers, fastest first, each used only where it gives the table the next one would:

- fastexcel (calamine into Arrow columns, no Python object per cell) reads a sheet whose
  header is texts in row 1, with distinct names, and whose columns are each all numbers
  or all texts: the usual export. Its own rules differ elsewhere (it starts at the first
  row holding a value, names unnamed or repeated columns, formats mixed columns), so any
  other sheet goes on to
- calamine's rows (python-calamine), turned into columns here.
- Both read a cell that holds an Excel error (``#DIV/0!``, ``#N/A``) as empty
  (python-calamine issue 105). Such a cell must reach validation as the value it shows,
  so when an empty cell was read, the workbook's XML is searched for error cells, and a
  workbook that holds any is read again with openpyxl, which gives the error's text.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from functools import reduce
from itertools import islice
from pathlib import Path
from typing import Optional
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError
from ..processes import uncollected

WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATION = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
RELATION_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ROWS_AT_ONCE = 65_536
"""rows turned into columns at a time, so that a large sheet is not held twice"""
ERROR_CELL = (b't="e"', b"t='e'")
"""how a sheet's XML marks a cell whose value is an Excel error"""


def read_sheet(path: Path, sheet_name: Optional[str]) -> pa.Table:
    """The sheet named (the first worksheet when None) as a table: a column for each named
    header cell, and ``_xlsx_row``. A column whose cells are all numbers stays numeric; any other
    column is text, with whole numbers written without a decimal part. Empty rows are
    left out; an empty cell, or one holding an empty text, is null."""
    try:
        name = _worksheet(path, sheet_name)
        read = _arrow_table(path, name)
        if read is None:
            with _calamine_rows(path, name) as rows, uncollected():
                read = _table(path, rows)
        table, gaps = read
        if gaps and _has_error_cells(path):
            with _openpyxl_rows(path, name) as rows, uncollected():
                table, _ = _table(path, rows)
        return table
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - zip, XML and the readers' own error types
        raise DataError(f"XLSX dosyası açılamadı (bozuk ya da XLSX değil: {type(exc).__name__})", file=path) from None


def _has_error_cells(path: Path) -> bool:
    """Whether any worksheet's XML marks a cell as an error, read in pieces. (A text
    that spells the mark only sends the workbook to the slower reader.)"""
    with zipfile.ZipFile(path) as archive:
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
        parts = [o.get("PartName", "").lstrip("/") for o in types.iter(CONTENT_TYPES) if o.get("ContentType") == WORKSHEET]
        for part in parts:
            with archive.open(part) as xml:
                tail = b""
                while piece := xml.read(1 << 20):
                    window = tail + piece
                    if any(mark in window for mark in ERROR_CELL):
                        return True
                    tail = window[-8:]
    return False


def _worksheet(path: Path, wanted: Optional[str]) -> str:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    with CalamineWorkbook.from_path(str(path)) as workbook:
        names = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    if wanted is None:
        if not names:
            raise DataError("XLSX dosyasında çalışma sayfası yok", file=path)
        return names[0]
    if wanted not in names:
        raise DataError(f"'{wanted}' adlı sayfa yok (sayfalar: {', '.join(names)})", file=path)
    return wanted


def _arrow_table(path: Path, name: str) -> Optional[tuple[pa.Table, bool]]:
    """The sheet read by fastexcel, as ``_table`` gives it, or None where fastexcel's rules
    would give another table. Its column types are inferred from every row and must not
    be mixed (``strict``), so a column of numbers holds only numbers. It is read straight
    into one Arrow batch (``eager``; a tenth faster than through its sheet object), so
    each column's name is known to be its header cell's from the count: a sheet whose
    columns are as many as row 1's adjacent header cells has no column fastexcel named."""
    headers = _text_headers_in_row_one(path, name)
    if headers is None:
        return None
    import fastexcel
    import numpy as np

    # its one warning says an empty column became text, which is this reader's rule too
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        batch = fastexcel.read_excel(str(path)).load_sheet(name, schema_sample_rows=None, dtype_coercion="strict",
                                                           eager=True)
    except fastexcel.FastExcelError:
        return None
    names = batch.schema.names
    if len(names) != headers or not all(names) or _renamed(names):
        return None
    columns = {}
    for name, column in zip(names, batch.columns):
        if column.type in (pa.null(), pa.string()):
            column = column.cast(pa.string())
            columns[name] = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        elif column.type == pa.float64():
            columns[name] = column
        else:
            return None
    numbers = pa.array(np.arange(2, batch.num_rows + 2, dtype=np.int64))
    table = pa.table({**columns, "_xlsx_row": numbers})
    empty = reduce(pc.and_, [pc.is_null(column) for column in columns.values()])
    gaps = any(column.null_count for column in columns.values())
    return (table.filter(pc.invert(empty)) if gaps else table), gaps


def _renamed(names: list[str]) -> bool:
    """Whether fastexcel may have renamed a repeated name (``a``, ``a_1``), which
    ``_table`` rejects."""
    return any((match := re.fullmatch(r"(.+)_\d+", name)) and match.group(1) in names for name in names)


def _text_headers_in_row_one(path: Path, name: str) -> Optional[int]:
    """How many cells of the sheet's first row hold a value, where that row is row 1 and
    those cells hold texts and stand side by side; else None. fastexcel starts at the
    first row that holds a value, and names a column by that row's cell as it formats it;
    with texts in row 1, that is the header ``_table`` reads. Only the workbook's part
    list and the sheet's first row are read."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            relation = next(s.get(RELATION_ID) for s in book.iter(f"{MAIN}sheet") if s.get("name") == name)
            relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            target = next(r.get("Target", "") for r in relations.iter(RELATION) if r.get("Id") == relation)
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            with archive.open(part) as xml:
                for _, element in ElementTree.iterparse(xml):
                    if element.tag == f"{MAIN}row":
                        places = _columns(element)
                        if element.get("r") != "1" or places is None:
                            return None
                        filled = [(place, c) for place, c in places
                                  if c.find(f"{MAIN}v") is not None or c.find(f"{MAIN}is") is not None]
                        if not filled or not all(_holds_text(cell) for _, cell in filled):
                            return None
                        columns = [place for place, _ in filled]
                        return len(columns) if columns == list(range(columns[0], columns[0] + len(columns))) else None
    except (KeyError, StopIteration, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    return None


def _columns(row: ElementTree.Element) -> Optional[list[tuple[int, ElementTree.Element]]]:
    """Each cell of a row with its column number, from its reference (``AB1``) or, where a
    writer left that out, one after the cell before; None where a reference is not one."""
    placed, column = [], -1
    for cell in row.iter(f"{MAIN}c"):
        reference = cell.get("r")
        if reference is None:
            column += 1
        else:
            letters = re.fullmatch(r"([A-Z]{1,3})[0-9]+", reference)
            if letters is None:
                return None
            column = reduce(lambda number, letter: number * 26 + ord(letter) - 64, letters.group(1), 0) - 1
        placed.append((column, cell))
    return placed


def _holds_text(cell: ElementTree.Element) -> bool:
    kind = cell.get("t")
    return (kind == "s" and bool(cell.findtext(f"{MAIN}v"))) or (kind == "inlineStr" and cell.find(f"{MAIN}is") is not None)


@contextmanager
def _calamine_rows(path: Path, name: str) -> Iterator[Iterator[list]]:
    """The sheet's rows from its first row on (calamine leaves out empty columns before
    the first used one, which hold no header and no value)."""
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as workbook:
        yield workbook.get_sheet_by_name(name).iter_rows()


@contextmanager
def _openpyxl_rows(path: Path, name: str) -> Iterator[Iterator[tuple]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        yield workbook[name].iter_rows(values_only=True)
    finally:
        workbook.close()


def _table(path: Path, rows: Iterator) -> tuple[pa.Table, bool]:
    """The table, and whether any cell read was empty: only such a cell can be an error
    cell that calamine could not show."""
    header = list(next(rows, ()))
    gaps = header.count(None) + header.count("") > 0
    names = [_text(name) or "" for name in header]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise DataError(f"başlıkta aynı sütun adı birden çok kez var: {', '.join(repeated)}", file=path, row=1)
    width = len(names)
    columns: list[list] = [[] for _ in names]
    numbers: list[int] = []
    number = 1
    while chunk := list(islice(rows, ROWS_AT_ONCE)):
        kept = []
        for values in chunk:
            number += 1
            empty = values.count(None) + values.count("")
            gaps = gaps or empty > 0
            if empty < len(values):
                kept.append(values if len(values) == width else (*values[:width], *(None,) * (width - len(values))))
                numbers.append(number)
        for column, values in zip(columns, zip(*kept)):
            column.extend(values)
    table = {}
    for name, column in zip(names, columns):
        if name:
            table[name] = _column(column)
        column.clear()
    return pa.table({**table, "_xlsx_row": pa.array(numbers, pa.int64())}), gaps


def _column(values: list) -> pa.Array:
    if "" in values:
        values = [None if v == "" else v for v in values]
    kinds = set(map(type, values)) - {type(None)}
    if kinds and kinds <= {int, float}:
        return pa.array([None if v is None else float(v) for v in values] if int in kinds else values, pa.float64())
    if kinds <= {str}:
        return pa.array(values, pa.string())
    return pa.array([_text(v) for v in values], pa.string())


def _text(value) -> Optional[str]:
    """A cell as text, as both readers show it: a whole number without a decimal part, a
    date cell as its date (calamine reads it as a date, openpyxl as midnight of it)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime) and value == datetime.combine(value.date(), time()):
        value = value.date()
    return None if value is None or value == "" else str(value)
