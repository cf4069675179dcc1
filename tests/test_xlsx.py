"""XLSX sheets: fastexcel where it applies, calamine's rows, and openpyxl, the reader for
workbooks with error cells, give the same table; an error cell reaches validation as the
text it shows."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from pathlib import Path
from unittest.mock import patch

import pytest
import xlsxwriter
from hypothesis import example, given, settings, strategies as st
from openpyxl import Workbook

from conftest import run_cli
from reportgen.data import xlsx
from reportgen.data.xlsx import _calamine_rows, _openpyxl_rows, _table
from reportgen.errors import DataError
from test_validation import HEADER, assert_rejected, valid_rows

TEXTS = st.text(alphabet="0123456789.-e_ abcçğıİöşüÇĞŞ", max_size=8)
"""openpyxl stores a text starting with '=' as a formula and an error code's text as an error"""
NUMBERS = st.one_of(st.integers(-2**53, 2**53), st.floats(allow_nan=False, allow_infinity=False))
DATES = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 1, 1))
CELLS = {"numbers": st.one_of(st.none(), NUMBERS), "texts": st.one_of(st.none(), TEXTS),
         "any": st.one_of(st.none(), st.booleans(), NUMBERS, DATES, TEXTS)}
HEADERS = st.one_of(st.sampled_from(["yıl", "değer", "not", "değer_1"]), st.none(), TEXTS, NUMBERS)


@st.composite
def sheets(draw) -> tuple[int, list, list[list]]:
    """Empty rows above the header, the header, and records whose columns are each of
    numbers, of texts or of anything (the sheet one of each reader's rules)."""
    header = draw(st.lists(HEADERS, min_size=1, max_size=3))
    kinds = [draw(st.sampled_from(sorted(CELLS))) for _ in header]
    rows = draw(st.lists(st.tuples(*(CELLS[kind] for kind in kinds)).map(list), max_size=6))
    return draw(st.sampled_from([0, 0, 0, 1])), header, rows


def fast_reader_applies(above: int, header: list, rows: list[list]) -> bool:
    """Where the fastest reader must be the one used: distinct names, none a repeated
    one as fastexcel would rename it, in texts in row 1, and each column all numbers or
    all texts."""
    names = [name for name in header if isinstance(name, str) and name]
    renamed = [name for name in names if (match := re.fullmatch(r"(.+)_[0-9]+", name)) and match.group(1) in names]
    kinds = [{type(v) for v in column} - {type(None)} for column in zip(*rows)]
    return (not above and len(names) == len(header) == len(set(names)) and not renamed
            and all(kind <= {str} or kind <= {int, float} for kind in kinds))


@settings(max_examples=120, deadline=None)
@given(sheets(), st.booleans())
@example((0, ["yıl", "değer"], [[2023, "a"], [None, None], [2024, "b"]]), True)
@example((0, ["yıl", "değer"], [[2023, "a"], [None, None], [2024, "b"]]), False)
def test_the_three_readers_give_the_same_table(sheet, shared_strings):
    """fastexcel where it applies, calamine's rows taken two at a time and openpyxl's all
    at once give one table; the sheet written with inline texts (openpyxl) or shared ones
    (xlsxwriter, as Excel writes them)."""
    above, header, rows = sheet
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "veri.xlsx"
        write_sheet(path, [[None] * len(header)] * above + [header, *rows], shared_strings)
        fast = xlsx._arrow_table(path, "Veri")
        with patch.object(xlsx, "ROWS_AT_ONCE", 2):
            calamine = table_or_error(path, _calamine_rows)
        exact = table_or_error(path, _openpyxl_rows)
    assert fast is not None or not fast_reader_applies(above, header, rows)
    if isinstance(exact, str):
        assert calamine == exact and fast is None
        return
    (calamine_table, gaps), (exact_table, _) = calamine, exact
    assert calamine_table.equals(exact_table), (calamine_table.to_pydict(), exact_table.to_pydict())
    if fast is not None:
        assert fast[0].equals(exact_table), (fast[0].to_pydict(), exact_table.to_pydict())
        assert fast[1] == gaps
    kept = [n for n, row in enumerate(rows, start=2 + above) if any(v is not None and v != "" for v in row)]
    if not above:
        assert exact_table["_xlsx_row"].to_pylist() == kept
    # an error cell reads as empty in calamine: any empty cell in a record, between the
    # first and the last column holding a value (where an error cell could be), must be reported
    used = [c for row in [header, *rows] for c, v in enumerate(row) if v is not None and v != ""]
    assert gaps or all(v is not None and v != "" for n in kept for v in rows[n - 2 - above][min(used):max(used) + 1])


def test_an_empty_column_is_read_without_a_word_from_the_reader(tmp_path):
    """fastexcel logs (in English) that it took an empty column as text: the build says
    nothing but its own Turkish warnings."""
    workbook = Workbook()
    workbook.active.append([*HEADER, "not"])
    for row in valid_rows():
        workbook.active.append(typed(row))
    workbook.save(tmp_path / "veri.xlsx")
    result = run_cli("build", "-q", "--data", "veri.xlsx", "--period", "2023", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert all(line.startswith("Uyarı: ") for line in result.stderr.splitlines()), result.stderr


def test_a_shared_empty_text_is_null_in_every_reader(tmp_path):
    """Excel can store an empty text as a shared string, which fastexcel reads as ''."""
    with xlsxwriter.Workbook(tmp_path / "yer.xlsx") as workbook:
        sheet = workbook.add_worksheet("Veri")
        sheet.write_column(0, 0, ["not", "BOŞ", "dolu"])
        sheet.write_column(0, 1, ["değer", 1, 2])
    with zipfile.ZipFile(tmp_path / "yer.xlsx") as source, zipfile.ZipFile(tmp_path / "veri.xlsx", "w") as target:
        for part in source.namelist():
            target.writestr(part, source.read(part).replace("BOŞ".encode(), b""))
    fast, gaps = xlsx._arrow_table(tmp_path / "veri.xlsx", "Veri")
    assert fast.to_pydict() == {"not": [None, "dolu"], "değer": [1.0, 2.0], "_xlsx_row": [2, 3]} and gaps
    assert fast.equals(table_or_error(tmp_path / "veri.xlsx", _openpyxl_rows)[0])


@pytest.mark.parametrize("header, rows, fast", [
    (["yıl", "değer"], [[2023, 1.5], [2024, 2.5]], True),
    (["yıl", None, "değer"], [[2023, 7, 1.5], [2024, 8, 2.5]], False),
    (["yıl", "değer"], [[2023, 1.5, "not"], [2024, 2.5, None]], False),
    ([None, "yıl", "değer"], [[None, 2023, 1.5], [None, 2024, 2.5]], True),
], ids=["header-over-every-column", "a-gap-in-the-header", "a-column-past-the-header", "from-column-b"])
@pytest.mark.parametrize("references", [True, False], ids=["cell-references", "no-cell-references"])
def test_the_fast_reader_reads_only_a_sheet_whose_every_column_has_a_header_cell(tmp_path, header, rows, fast,
                                                                                references):
    """fastexcel names a column that has no header cell itself; the sheet then goes to
    calamine's rows, which say so. A writer may leave out the cells' references (``A1``),
    which are optional: the cells then follow one another."""
    write_sheet(tmp_path / "yer.xlsx", [header, *rows], shared_strings=True)
    with zipfile.ZipFile(tmp_path / "yer.xlsx") as source, zipfile.ZipFile(tmp_path / "veri.xlsx", "w") as target:
        for part in source.namelist():
            data = source.read(part)
            target.writestr(part, data if references or "worksheets/" not in part else re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", data))
    assert references or b' r="A' not in zipfile.ZipFile(tmp_path / "veri.xlsx").read("xl/worksheets/sheet1.xml")
    read = xlsx._arrow_table(tmp_path / "veri.xlsx", "Veri")
    calamine = table_or_error(tmp_path / "veri.xlsx", _calamine_rows)
    if not fast:
        assert read is None and isinstance(calamine, tuple)
        return
    assert read is not None and read[0].equals(calamine[0]), (read, calamine)
    assert read[0].column_names == [name for name in header if name] + ["_xlsx_row"]


def table_or_error(path: Path, reader) -> tuple | str:
    try:
        with reader(path, "Veri") as rows:
            return _table(path, rows)
    except DataError as error:
        return str(error)


def write_sheet(path: Path, rows: list[list], shared_strings: bool) -> None:
    if not shared_strings:
        workbook = Workbook()
        workbook.active.title = "Veri"
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
        return
    with xlsxwriter.Workbook(path, {"default_date_format": "yyyy-mm-dd", "strings_to_numbers": False,
                                    "strings_to_formulas": False, "strings_to_urls": False}) as workbook:
        sheet = workbook.add_worksheet("Veri")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)


def typed(row: list[str]) -> list:
    """A record as a spreadsheet program stores it: year, month and value as numbers."""
    year, month, province, code, country, value = row
    return [int(year), int(month), province, code, country, float(value)]


@pytest.mark.parametrize("stored", [list, typed], ids=["texts", "numbers"])
def test_an_error_cell_is_named_with_the_error_it_shows(tmp_path, stored):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in valid_rows():
        workbook.active.append(stored(row))
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
