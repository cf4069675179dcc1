"""XLSX sheets: calamine, the fast reader, and openpyxl, the reader for workbooks with error
cells, give the same table; an error cell reaches validation as the text it shows."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from unittest.mock import patch

from hypothesis import given, settings, strategies as st
from openpyxl import Workbook

from reportgen.data import xlsx
from reportgen.data.xlsx import _calamine_rows, _openpyxl_rows, _table
from test_validation import HEADER, assert_rejected, valid_rows

CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-2**53, 2**53), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 1, 1)),
    # openpyxl stores a text starting with '=' as a formula and an error code's text as an error
    st.text(alphabet="0123456789.-e abcçğıİöşüÇĞŞ", max_size=8))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=6))
def test_both_readers_give_the_same_table(rows):
    """calamine's rows taken two at a time, openpyxl's all at once."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "veri.xlsx"
        workbook = Workbook()
        workbook.active.append(["yıl", "değer", "not"])
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
        with _calamine_rows(path, None) as fast, patch.object(xlsx, "ROWS_AT_ONCE", 2):
            fast_table, gaps = _table(path, fast)
        with _openpyxl_rows(path, None) as exact:
            exact_table, _ = _table(path, exact)
    assert fast_table.equals(exact_table), (fast_table.to_pydict(), exact_table.to_pydict())
    kept = [n for n, row in enumerate(rows, start=2) if any(v is not None and v != "" for v in row)]
    assert fast_table["_xlsx_row"].to_pylist() == kept
    # an error cell reads as empty in calamine: any empty cell in a record must be reported
    assert gaps or all(None not in rows[n - 2] and "" not in rows[n - 2] for n in kept)


def test_an_error_cell_is_named_with_the_error_it_shows(tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in valid_rows():
        workbook.active.append(row)
    workbook.active["F6"] = "#DIV/0!"
    workbook.save(tmp_path / "veri.xlsx")
    assert_rejected(tmp_path, tmp_path / "veri.xlsx", "satır 6", "sütun 'value_usd'", "değer '#DIV/0!'")


def test_an_error_cell_alone_in_the_last_row_is_named(tmp_path):
    """A sheet whose records are full but for one error cell below them: calamine reads a
    row of empty cells, which must still send the workbook to the reader that shows errors."""
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in valid_rows():
        workbook.active.append(row)
    workbook.active["A30"] = "#N/A"
    workbook.save(tmp_path / "veri.xlsx")
    assert_rejected(tmp_path, tmp_path / "veri.xlsx", "satır 30", "sütun 'year'", "değer '#N/A'")


def test_a_column_named_twice_is_rejected(tmp_path):
    workbook = Workbook()
    workbook.active.append([*HEADER, "value_usd"])
    for row in valid_rows():
        workbook.active.append([*row, row[-1]])
    workbook.save(tmp_path / "veri.xlsx")
    assert_rejected(tmp_path, tmp_path / "veri.xlsx", "satır 1", "başlıkta aynı sütun adı birden çok kez var: value_usd")
