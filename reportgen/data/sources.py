"""Find the input files and open each one in DuckDB with its own column types.

Typed columns stay typed (a Parquet double, an integer year); text columns (CSV, text
cells) are checked against a strict grammar (each value, or each distinct spelling of a
year and month), so validation sees exactly what the file holds (``0802`` keeps its zero,
``NA`` stays Namibia) and can name the offending value. A file is opened through DuckDB's
relational API: no path is ever pasted into SQL.
"""

from __future__ import annotations

import glob
import mmap
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Union

import duckdb
import numpy as np
from sqlglot import exp

from ..config import Columns, CsvOptions, DatabaseSource, XlsxOptions
from ..errors import ConfigError, DataError
from .dialect import Dialect, dialect, header_names, transcode
from .engine import DatabaseEngine, DuckDBEngine
from .queries import Column, canonical, carried, kind_of
from .xlsx import read_sheet

if TYPE_CHECKING:
    from .spark import SparkEngine

REQUIRED = ("year", "month", "province", "hs_code", "country", "value_usd")
OPTIONAL = ("hq_province",)
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}
KINDS = ("integer", "float", "decimal", "text")
COUNTED_BYTES = 1 << 24
"""a CSV file's line ends are counted this many bytes at a time"""


@dataclass(frozen=True)
class Source:
    """One opened file (or the database table or query): where its records come from and
    how each canonical column is read."""

    label: str
    """the file, or a description of the database table or query"""
    relation: exp.Expression
    columns: dict[str, Column]
    """canonical column → the source's own column and its kind"""
    guarded: bool
    """the engine's cast raises on text it cannot read (a database's CAST, where DuckDB's
    and Spark's TRY_CAST give NULL), so text is checked against its grammar before every cast"""
    row: Optional[exp.Expression] = None
    """the file's own row number of each record (what a user sees in the file); None for
    a database, whose rows have no order"""
    decimal: str = "."
    path: Optional[Path] = None
    dialect: Optional[Dialect] = field(default=None, compare=False)
    """how a CSV file is written, to find a line DuckDB cannot read"""
    columnar: bool = False
    """one column can be read without the others (Parquet, a sheet already in memory), so
    a pass over the codes alone is cheap"""
    most_records: Optional[int] = None
    """how many records the file holds at most, known before reading it: a Parquet file's
    or a sheet's rows, a CSV file's lines (None: a database)"""

    def records(self, raw: bool = False, checked: bool = True) -> exp.Select:
        return canonical(self.relation, self.columns, self.decimal, self.row, raw=raw, checked=checked,
                         guarded=self.guarded)

    @property
    def keys(self) -> frozenset[str]:
        """the optional grouping keys this source's columns give"""
        return carried(self.columns)

    def header(self, canonical_name: str) -> str:
        return self.columns[canonical_name].name or canonical_name


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
                raise DataError("desteklenmeyen dosya türü (CSV, XLSX veya Parquet olmalı)", file=match)
            if match not in files:
                files.append(match)
    if not files:
        raise DataError("hiç veri dosyası verilmedi (config.yaml'da 'data' ya da --data)")
    return files


def canonical_columns(label: str, types: dict[str, str], columns: Columns, dialect_name: str) -> dict[str, Column]:
    """Each canonical column's source column and kind; a missing required column, a
    product code that is not text, or a type no column can hold is an error."""
    wanted = columns.model_dump()
    names = [n for n in types if n not in ("file_row_number", "_xlsx_row")]
    found: dict[str, Column] = {}
    for name in REQUIRED + OPTIONAL:
        header = wanted[name]
        if header not in names:
            if name in REQUIRED:
                raise DataError(f"zorunlu sütun yok (dosyadaki sütunlar: {', '.join(names)})",
                                file=label, row=1, column=header)
            continue
        kind = kind_of(types[header], dialect_name)
        if name == "hs_code" and kind != "text":
            raise DataError(f"GTİP kodu metin olarak saklanmalı; sütun türü {types[header]} "
                            "(baştaki sıfırlar kaybolmuş olabilir)", file=label, column=header)
        if name in ("year", "month", "value_usd") and kind not in KINDS:
            raise DataError(f"sütun türü {types[header]} sayı değil", file=label, column=header)
        found[name] = Column(header, kind if kind in KINDS else "other")
    return found


@dataclass(frozen=True)
class SourceOptions:
    columns: Columns
    csv: CsvOptions
    xlsx: XlsxOptions
    scratch: Path
    """a temporary folder for UTF-8 copies of other encodings, removed after the build"""


def _open_relation(con: duckdb.DuckDBPyConnection, path: Path, options: SourceOptions):
    """The DuckDB relation of a file, its row-number column, its CSV dialect and the most
    records it can hold (``Source.most_records``)."""
    kind = FORMATS[path.suffix.lower()]
    if kind == "csv":
        found = dialect(path, options.csv, [getattr(options.columns, c) for c in REQUIRED], reader_checks_utf8=True)
        readable = path if found.encoding in ("utf-8", "utf-8-sig") else transcode(path, found.encoding,
                                                                                    options.scratch)
        names = header_names(readable, found)
        if len(set(names)) != len(names):
            raise DataError("başlıkta aynı sütun adı birden çok kez var", file=path, row=1)
        relation = con.read_csv(str(readable), header=True, auto_detect=False, sep=found.delimiter, quotechar='"',
                                escapechar='"', encoding="utf-8", columns={n: "VARCHAR" for n in names},
                                strict_mode=True)
        return relation, exp.Window(this=exp.RowNumber()) + exp.Literal.number(1), found, lines(readable)
    if kind == "parquet":
        (rows,), = con.sql("SELECT sum(num_rows) FROM parquet_file_metadata($path)", params={"path": str(path)}).fetchall()
        return con.read_parquet(str(path), file_row_number=True), exp.column("file_row_number") + 1, None, rows
    sheet = read_sheet(path, options.xlsx.sheet)
    return con.from_arrow(sheet), exp.column("_xlsx_row"), None, sheet.num_rows


def lines(path: Path) -> int:
    """How many lines a file has, at least as many as its records (a quoted field may hold
    a line end): counted in the mapped file by numpy, a slice at a time."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return 0
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            data = np.frombuffer(mapped, np.uint8)
            ends = sum(int(np.count_nonzero(data[i:i + COUNTED_BYTES] == ord("\n")))
                       for i in range(0, len(data), COUNTED_BYTES))
            del data
    return ends + 1


def open_source(engine: DuckDBEngine, path: Path, index: int, options: SourceOptions) -> Source:
    try:
        relation, row, found, most = _open_relation(engine.con, path, options)
        name = f"kaynak_{index}"
        relation.create_view(name)
        table = exp.to_table(name)
        types = engine.column_types(table)
    except (duckdb.Error, OSError, UnicodeError) as exc:
        if FORMATS[path.suffix.lower()] == "parquet":
            raise DataError("Parquet dosyası açılamadı (bozuk ya da Parquet değil)", file=path) from None
        raise DataError(f"dosya okunamadı: {str(exc).splitlines()[0]}", file=path) from None
    return Source(label=str(path), relation=table,
                  columns=canonical_columns(str(path), types, options.columns, "duckdb"),
                  guarded=not engine.try_cast, row=row, decimal=found.decimal if found else ".", path=path,
                  dialect=found, columnar=found is None, most_records=most)


def open_sources(engine: DuckDBEngine, paths: list[Path], options: SourceOptions) -> list[Source]:
    return [open_source(engine, path, i, options) for i, path in enumerate(paths)]


def user_query(text: str, dialect_name: str) -> exp.Expression:
    """A configured query, parsed: exactly one SELECT, or a configuration error. The
    query that runs is generated from this tree, so nothing can be appended to it."""
    import sqlglot
    from sqlglot.errors import ParseError

    try:
        statements = [s for s in sqlglot.parse(text, read=dialect_name) if s is not None]
    except ParseError as exc:
        raise ConfigError(f"sorgu çözümlenemedi: {str(exc).splitlines()[0]}", key="data.query") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise ConfigError("sorgu tek bir SELECT olmalı (başka komut ya da ';' ile ayrılmış ikinci bir "
                          "sorgu olamaz)", key="data.query")
    return statements[0]


def open_database(engine: Union[DatabaseEngine, "SparkEngine"], database: DatabaseSource,
                  columns: Columns) -> list[Source]:
    """A database (or Spark catalog) table or query; it stays where it is."""
    if database.query:
        relation: exp.Expression = exp.alias_(exp.Subquery(this=user_query(database.query, engine.dialect)),
                                              "kaynak")
        label = "veritabanı sorgusu"
    else:
        relation, label = engine.table(database.table), f"veritabanı tablosu {database.table}"
    try:
        types = engine.column_types(relation)
    except Exception as exc:  # noqa: BLE001 - the driver's own error types
        raise DataError(f"tablo ya da sorgu okunamadı: {str(exc).strip().splitlines()[0]}", file=label) from None
    return [Source(label=label, relation=relation, columns=canonical_columns(label, types, columns, engine.dialect),
                   guarded=not engine.try_cast)]
