"""The data files for machines and for people: the per-table CSVs (standard, or the
Excel-friendly variant), the tidy ``veriler-<period>`` file as CSV and Parquet, and a W3C
CSV on the Web (CSVW) ``<file>.csv-metadata.json`` beside each CSV describing its columns,
datatypes, units and key.

A text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading apostrophe, as OWASP
advises for CSV; the Parquet file, which no spreadsheet runs, keeps it as it is."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Optional

from .config import Config
from .tables import Column, DataTable, Missing
from .tidy import COLUMNS, KEY, Figure

CsvFormat = Literal["standard", "excel"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PATTERNS = {
    "period": r"\d{4}(-\d{2}(/\d{4}-\d{2})?)?",
    "previous_period": r"\d{4}(-\d{2}(/\d{4}-\d{2})?)?",
    "province_code": r"\d{2}|TR|DIGER",
    "region_code": r"TR[1-9A-C]",
    "chapter_code": r"\d{2}",
    "country_code": r"[A-Z]{2}",
}
"""what the code columns hold, as CSVW ``format`` patterns"""
TIDY_PARQUET_DECIMAL = (38, 6)


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    decimal: str
    encoding: str
    """Python's codec name; ``utf-8-sig`` writes the byte-order mark Excel looks for"""
    line_end: str


DIALECTS = {"standard": Dialect(",", ".", "utf-8", "\n"), "excel": Dialect(";", ",", "utf-8-sig", "\r\n")}


def safe_text(text: str) -> str:
    """Text a spreadsheet will not run: ``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_cell(cell, dialect: Dialect) -> str:
    if isinstance(cell, Missing):
        return ""
    if isinstance(cell, Decimal):
        return format(cell, "f").replace(".", dialect.decimal)
    if isinstance(cell, int):
        return str(cell)
    return safe_text(cell)


def _write_csv(header: list[str], rows, dialect: Dialect) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator=dialect.line_end)
    writer.writerow(header)
    writer.writerows([_csv_cell(cell, dialect) for cell in row] for row in rows)
    return buffer.getvalue().encode(dialect.encoding)


def table_csv(table: DataTable, csv_format: CsvFormat) -> bytes:
    """A table for people: the Turkish heads, published figures, empty cells empty."""
    return _write_csv([c.label for c in table.columns], table.rows, DIALECTS[csv_format])


def tidy_csv(figures: list[Figure]) -> bytes:
    """The tidy file, always standard CSV; the value is plain decimal text."""
    return _write_csv(list(COLUMNS), ([getattr(f, c) for c in COLUMNS] for f in figures), DIALECTS["standard"])


_OPTIONAL = set(COLUMNS) - {"period", "measure", "value", "unit"}
"""tidy columns that are empty (null) when a figure is not about that dimension"""


def _parquet_text(value: str, column: str) -> Optional[str]:
    """An empty dimension is null in Parquet, as it is (an empty field) in the CSV."""
    return None if column in _OPTIONAL and value == "" else value


def tidy_parquet(figures: list[Figure]) -> bytes:
    """The tidy file as Parquet: codes as text, the value as an exact decimal. The same
    figures give the same bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    precision, scale = TIDY_PARQUET_DECIMAL
    arrays = {c: pa.array([_parquet_text(getattr(f, c), c) for f in figures], pa.string())
              for c in COLUMNS if c != "value"}
    arrays["value"] = pa.array([Decimal(f.value) for f in figures], pa.decimal128(precision, scale))
    table = pa.table({c: arrays[c] for c in COLUMNS})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", write_statistics=True, store_schema=False)
    return buffer.getvalue()


def _datatype(column: Column, dialect: Dialect) -> dict | str:
    if column.kind in ("usd", "pct", "number"):
        return {"base": "decimal", "format": {"decimalChar": dialect.decimal}}
    if column.kind == "int":
        return "integer"
    if column.name in PATTERNS:
        return {"base": "string", "format": PATTERNS[column.name]}
    return "string"


UNIT_TEXT = {"usd": "USD", "pct": "percent"}


def _metadata(url: str, title: str, config: Config, release: dt.date, dialect: Dialect, columns: list[dict],
              key: list[str]) -> bytes:
    document = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "tr"}],
        "url": url,
        "dc:title": title,
        "dc:publisher": config.publisher,
        "dc:source": config.source,
        "dc:issued": {"@value": release.isoformat(), "@type": "xsd:date"},
        "dc:language": "tr",
        "dialect": {"delimiter": dialect.delimiter, "encoding": "utf-8", "header": True,
                    "lineTerminators": [dialect.line_end], "skipInitialSpace": False, "trim": False},
        "tableSchema": {"columns": columns, **({"primaryKey": key} if key else {})},
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def table_metadata(table: DataTable, url: str, config: Config, release: dt.date) -> bytes:
    """CSVW metadata of a per-table CSV in the configured format."""
    dialect = DIALECTS[config.csv_format]
    columns = []
    for column in table.columns:
        described = {"name": column.name, "titles": column.label, "datatype": _datatype(column, dialect),
                     "required": column.name in table.key or column.kind in ("code", "text")}
        if column.kind in UNIT_TEXT:
            described["schema:unitText"] = UNIT_TEXT[column.kind]
        columns.append(described)
    return _metadata(url, table.title, config, release, dialect, columns, list(table.key))


def tidy_metadata(url: str, title: str, config: Config, release: dt.date) -> bytes:
    """CSVW metadata of the tidy CSV: what each measure and unit code means."""
    f = config.labels.files
    dialect = DIALECTS["standard"]
    measures, units = f.measures, f.units
    columns = [{"name": c, "titles": c, "datatype": _tidy_datatype(c, measures, units),
                "required": c not in _OPTIONAL} for c in COLUMNS]
    for column in columns:
        if column["name"] == "measure":
            column["dc:description"] = "; ".join(f"{code}: {text}" for code, text in measures.items())
        elif column["name"] == "unit":
            column["dc:description"] = "; ".join(f"{code}: {text}" for code, text in units.items())
    return _metadata(url, title, config, release, dialect, columns, list(KEY))


def _tidy_datatype(name: str, measures: dict, units: dict) -> dict | str:
    if name == "value":
        return {"base": "decimal", "format": {"decimalChar": "."}}
    if name == "measure":
        return {"base": "string", "format": "|".join(measures)}
    if name == "unit":
        return {"base": "string", "format": "|".join(units)}
    if name == "technology_level":
        return "string"
    return {"base": "string", "format": PATTERNS[name]} if name in PATTERNS else "string"


def metadata_name(csv_name: str) -> str:
    """Where CSVW processors look for a file's metadata: ``<file>.csv-metadata.json``."""
    return f"{csv_name}-metadata.json"


def data_files(tables: list[DataTable], figures: list[Figure], config: Config, slug: str, release: dt.date
               ) -> dict[str, bytes]:
    """The per-table CSVs, the tidy CSV and Parquet, and each CSV's CSVW metadata."""
    files: dict[str, bytes] = {}
    for table in tables:
        name = f"{table.name}.csv"
        files[name] = table_csv(table, config.csv_format)
        files[metadata_name(name)] = table_metadata(table, name, config, release)
    tidy = tidy_name(slug)
    files[f"{tidy}.csv"] = tidy_csv(figures)
    files[metadata_name(f"{tidy}.csv")] = tidy_metadata(f"{tidy}.csv", config.title, config, release)
    files[f"{tidy}.parquet"] = tidy_parquet(figures)
    return files


def tidy_name(slug: str) -> str:
    return f"veriler-{slug}"


def workbook_name(slug: str) -> str:
    return f"tablolar-{slug}.xlsx"
