"""An XLSX sheet read into an Arrow table with the sheet's row numbers.

calamine (Rust) reads a sheet several times as fast as openpyxl, but it reads a cell
that holds an Excel error (``#DIV/0!``, ``#N/A``) as an empty cell (python-calamine
issue 105). Such a cell must reach validation as the value it shows, so when calamine
read any empty cell, the workbook's XML is searched for error cells, and a workbook that
holds any is read again with openpyxl, which gives the error's text.
"""

from __future__ import annotations

import gc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from itertools import islice
from pathlib import Path
from typing import Optional
from xml.etree import ElementTree

import pyarrow as pa

from ..errors import DataError

WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
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
        with _calamine_rows(path, sheet_name) as rows, _uncollected():
            table, gaps = _table(path, rows)
        if gaps and _has_error_cells(path):
            with _openpyxl_rows(path, sheet_name) as rows, _uncollected():
                table, _ = _table(path, rows)
        return table
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - zip, XML and both readers' own error types
        raise DataError(f"XLSX dosyası açılamadı (bozuk ya da XLSX değil: {type(exc).__name__})", file=path) from None


@contextmanager
def _uncollected() -> Iterator[None]:
    """The garbage collector held off while rows become columns: a list for each row and
    a tuple for each column hold no cycles, and the collector would otherwise walk them
    again and again as they pile up (a fifth of the read of a large sheet)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def _pick(names: list[str], wanted: Optional[str], path: Path) -> str:
    if wanted is None:
        if not names:
            raise DataError("XLSX dosyasında çalışma sayfası yok", file=path)
        return names[0]
    if wanted not in names:
        raise DataError(f"'{wanted}' adlı sayfa yok (sayfalar: {', '.join(names)})", file=path)
    return wanted


@contextmanager
def _calamine_rows(path: Path, sheet_name: Optional[str]) -> Iterator[Iterator[list]]:
    """The sheet's rows from its first row on (calamine leaves out empty columns before
    the first used one, which hold no header and no value)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    with CalamineWorkbook.from_path(str(path)) as workbook:
        sheets = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        yield workbook.get_sheet_by_name(_pick(sheets, sheet_name, path)).iter_rows()


@contextmanager
def _openpyxl_rows(path: Path, sheet_name: Optional[str]) -> Iterator[Iterator[tuple]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = {sheet.title: sheet for sheet in workbook.worksheets}
        yield sheets[_pick(list(sheets), sheet_name, path)].iter_rows(values_only=True)
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
