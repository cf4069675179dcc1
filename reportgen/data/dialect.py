"""How a CSV file is written, as Turkish Excel and staff's systems write them: encoding
(UTF-8, UTF-8 with BOM, Windows-1254), field separator and decimal mark. Each is either
declared in config.yaml or detected by a fixed, explainable rule."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..config import CsvOptions
from ..errors import DataError

BLOCK = 1 << 20
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class Dialect:
    encoding: str
    delimiter: str
    decimal: str


def detect_encoding(path: Path) -> str:
    """A UTF-8 byte-order mark means ``utf-8-sig``; a file that decodes as UTF-8 from end
    to end is ``utf-8``; anything else is taken as Turkish Windows (``windows-1254``)."""
    with open(path, "rb") as handle:
        first = handle.read(BLOCK)
        if first.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-8")()
        block = first
        try:
            while block:
                decoder.decode(block)
                block = handle.read(BLOCK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "windows-1254"
    return "utf-8"


def detect_delimiter(header: str, wanted: Iterable[str]) -> str:
    """The separator that splits the header line into all the expected column names."""
    wanted = set(wanted)
    for delimiter in DELIMITERS:
        names = {name.strip().strip('"') for name in header.split(delimiter)}
        if wanted <= names:
            return delimiter
    return max(DELIMITERS, key=header.count)


def dialect(path: Path, options: CsvOptions, wanted: Iterable[str]) -> Dialect:
    encoding = detect_encoding(path) if options.encoding == "auto" else options.encoding
    try:
        with open(path, encoding=encoding, newline="") as handle:
            header = handle.readline().lstrip("\ufeff").rstrip("\r\n")
    except (UnicodeDecodeError, LookupError) as exc:
        raise DataError(f"dosya {encoding} olarak okunamadı: {exc}", file=path) from None
    delimiter = detect_delimiter(header, wanted) if options.delimiter == "auto" else options.delimiter
    decimal = ("," if delimiter == ";" else ".") if options.decimal == "auto" else options.decimal
    return Dialect(encoding=encoding, delimiter=delimiter, decimal=decimal)


def transcode(path: Path, encoding: str, folder: Path) -> Path:
    """A UTF-8 copy, line for line (row numbers stay the file's own), for DuckDB, which
    reads only UTF-8 here."""
    target = folder / f"{len(list(folder.iterdir()))}-{path.stem}.csv"
    with open(path, encoding=encoding, newline="") as source, open(target, "w", encoding="utf-8",
                                                                    newline="") as copy:
        for block in iter(lambda: source.read(BLOCK), ""):
            copy.write(block)
    return target
