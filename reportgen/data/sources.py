"""Find the input files and open each one in DuckDB as rows of canonical text columns.

Every column is read as text so that validation sees exactly what the file holds
(``0802`` keeps its zero, ``NA`` stays Namibia) and can name the offending value.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import duckdb
import pyarrow as pa

from ..config import Columns, CsvOptions, DatabaseSource, XlsxOptions
from ..errors import DataError
from .dialect import dialect, transcode
from .engine import DuckDBEngine, Engine

REQUIRED = ("year", "month", "province", "hs_code", "country", "value_usd")
OPTIONAL = ("hq_province",)
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}
COMMA_NUMBER = r"-?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?"


@dataclass(frozen=True)
class Source:
    """One opened file: the SQL that reads it and where its records sit in the file."""

    path: Path | str
    """the file, or a description of the database table or query"""
    relation: str
    header: dict[str, str]
    """canonical column → the file's own header"""
    row_expr: Optional[str]
    """SQL giving the file's own row number of each record (what a user sees in the file);
    None for a database, whose rows have no order"""
    decimal: str = "."
    """the file's decimal mark; values are read with a point whatever it is"""

    def _column(self, canonical: str) -> str:
        if canonical not in self.header:
            return f"NULL::VARCHAR AS {canonical}"
        text = f'CAST("{self.header[canonical]}" AS VARCHAR)'
        if canonical == "value_usd" and self.decimal == ",":
            # 1234,56 and 1.234,56 become 1234.56; anything else stays as written, so
            # validation rejects it and shows it as the file has it.
            text = (f"CASE WHEN regexp_full_match(trim({text}), '{COMMA_NUMBER}') "
                    f"THEN replace(replace(trim({text}), '.', ''), ',', '.') ELSE {text} END")
        return f"{text} AS {canonical}"

    def select(self, numbered: bool = False) -> str:
        cols = [self._column(c) for c in REQUIRED + OPTIONAL]
        if numbered:
            cols.append(f"{self.row_expr} AS _row")
        return f"SELECT {', '.join(cols)} FROM {self.relation}"


def find_files(patterns: Iterable[str], resolve: Callable[[str], Path]) -> list[Path]:
    """Expand the configured paths and globs, in a stable order; a pattern that matches
    nothing is an error, not an empty year."""
    files: list[Path] = []
    for pattern in patterns:
        full = resolve(pattern)
        matches = sorted(Path(p) for p in glob.glob(str(full))) if glob.has_magic(str(full)) else [full]
        if not matches or not all(m.is_file() for m in matches):
            raise DataError("veri dosyası bulunamadı", file=full)
        for match in matches:
            if match.suffix.lower() not in FORMATS:
                raise DataError(
                    "desteklenmeyen dosya türü (CSV, XLSX veya Parquet olmalı)", file=match
                )
            if match not in files:
                files.append(match)
    if not files:
        raise DataError("hiç veri dosyası verilmedi (config.yaml'da 'data' ya da --data)")
    return files


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _map_header(path: Path | str, names: list[str], columns: Columns) -> dict[str, str]:
    wanted = columns.model_dump()
    header = {}
    for canonical in REQUIRED + OPTIONAL:
        if wanted[canonical] in names:
            header[canonical] = wanted[canonical]
        elif canonical in REQUIRED:
            raise DataError(
                f"zorunlu sütun yok (dosyadaki sütunlar: {', '.join(names)})",
                file=path, row=1, column=wanted[canonical],
            )
    return header


def _xlsx_table(path: Path, sheet_name: Optional[str]) -> tuple[pa.Table, list[str]]:
    """XLSX read once with openpyxl into an Arrow table of text, with the sheet's row
    numbers. Whole numbers are written without a decimal part."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    if sheet_name is not None and sheet_name not in workbook.sheetnames:
        sheets = ", ".join(workbook.sheetnames)
        workbook.close()
        raise DataError(f"'{sheet_name}' adlı sayfa yok (sayfalar: {sheets})", file=path)
    sheet = workbook[sheet_name] if sheet_name is not None else workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    names = [str(n) if n is not None else "" for n in next(rows, ())]
    data: list[list] = [[] for _ in names]
    numbers: list[int] = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or v == "" for v in values):
            continue
        numbers.append(number)
        for i in range(len(names)):
            value = values[i] if i < len(values) else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            data[i].append(None if value is None else str(value))
    workbook.close()
    table = pa.table({**{n: pa.array(d, pa.string()) for n, d in zip(names, data)},
                      "_xlsx_row": pa.array(numbers, pa.int64())})
    return table, names


def open_source(con: duckdb.DuckDBPyConnection, path: Path, index: int, options: SourceOptions) -> Source:
    kind = FORMATS[path.suffix.lower()]
    decimal = "."
    try:
        if kind == "csv":
            found = dialect(path, options.csv, _wanted(options.columns))
            readable = transcode(path, found.encoding, options.scratch) if found.encoding == "windows-1254" else path
            decimal = found.decimal
            relation = (
                f"read_csv({_sql_string(str(readable))}, all_varchar=true, header=true, "
                f"delim={_sql_string(found.delimiter)}, quote='\"', escape='\"', encoding='utf-8', "
                f"strict_mode=true)"
            )
            row_expr = "row_number() OVER () + 1"
        elif kind == "parquet":
            relation = f"read_parquet({_sql_string(str(path))}, file_row_number=true)"
            row_expr = "file_row_number + 1"
        else:
            table, _ = _xlsx_table(path, options.xlsx.sheet)
            relation = f"xlsx_{index}"
            con.register(relation, table)
            row_expr = "_xlsx_row"
        described = con.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except (duckdb.Error, OSError, ValueError, KeyError, UnicodeError) as exc:
        raise DataError(f"dosya okunamadı: {str(exc).splitlines()[0]}", file=path) from None
    types = {name: type_ for name, type_, *_ in described}
    header = _map_header(path, [n for n in types if n not in ("file_row_number", "_xlsx_row")], options.columns)
    if kind == "parquet" and types[header["hs_code"]] != "VARCHAR":
        raise DataError(
            f"GTİP kodu metin olarak saklanmalı; sütun türü {types[header['hs_code']]} "
            "(baştaki sıfırlar kaybolmuş olabilir)",
            file=path, column=header["hs_code"],
        )
    return Source(path=path, relation=relation, header=header, row_expr=row_expr, decimal=decimal)


def _wanted(columns: Columns) -> list[str]:
    names = columns.model_dump()
    return [names[c] for c in REQUIRED]


@dataclass(frozen=True)
class SourceOptions:
    columns: Columns
    csv: CsvOptions
    xlsx: XlsxOptions
    scratch: Path
    """a temporary folder for UTF-8 copies of Windows-1254 files, removed after the build"""


def open_sources(engine: DuckDBEngine, paths: list[Path], options: SourceOptions) -> list[Source]:
    """Open every file and create the view ``rows``: all records of all files."""
    sources = [open_source(engine.con, path, i, options) for i, path in enumerate(paths)]
    engine.execute("CREATE OR REPLACE TEMP VIEW rows AS " + " UNION ALL ".join(s.select() for s in sources))
    return sources


def open_database(engine: Engine, database: DatabaseSource, columns: Columns) -> list[Source]:
    """A database table or query as the view ``rows``; it stays in the database."""
    if database.query:
        relation, label = f"({database.query}) AS source", "veritabanı sorgusu"
    else:
        relation = ".".join(f'"{part}"' for part in database.table.split("."))
        label = f"veritabanı tablosu {database.table}"
    try:
        names, _ = engine.rows(f"SELECT * FROM {relation} LIMIT 0")
    except Exception as exc:  # noqa: BLE001 - the driver's own error types
        raise DataError(f"tablo ya da sorgu okunamadı: {str(exc).splitlines()[0]}", file=label) from None
    source = Source(path=label, relation=relation, header=_map_header(label, names, columns), row_expr=None)
    engine.execute("CREATE TEMP VIEW rows AS " + source.select())
    return [source]
