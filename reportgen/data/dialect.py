"""How a CSV file is written, as Turkish Excel and staff's systems write them: encoding
(UTF-8, UTF-8 with BOM, Windows-1254, UTF-16 as Excel's "Unicode text"), field separator
and decimal mark. Each is either declared in config.yaml or detected by a fixed,
explainable rule; a file that fits no rule is an error naming its line."""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ..config import CsvOptions
from ..errors import DataError

BLOCK = 1 << 20
DELIMITERS = (";", ",", "\t")
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True)
class Dialect:
    encoding: str
    delimiter: str
    decimal: str
    detected: bool = False
    """the encoding was detected, not declared"""


def detect_encoding(path: Path, *, first_block_decides: bool = False) -> str:
    """A byte-order mark says UTF-8 (``utf-8-sig``) or UTF-16; a file that decodes as
    UTF-8 from end to end is ``utf-8``; a file with no UTF-8 letters at all is Turkish
    Windows (``windows-1254``). A file that mixes both is an error naming the line of
    the first byte that is not UTF-8.

    With ``first_block_decides``, a first block that decodes as UTF-8 and has a UTF-8
    letter settles it: the rest can only be UTF-8 or mixed, and the engine's reading
    checks it on the way (a pass over the file saved); when it finds a byte that is
    not UTF-8, ``first_unreadable_line`` runs the whole check to name it."""
    with open(path, "rb") as handle:
        first = handle.read(BLOCK)
        if first.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")()
        block, offset, seen_utf8 = first, 0, False
        try:
            while block:
                seen_utf8 = seen_utf8 or bool(_UTF8_LETTER.search(block))
                decoder.decode(block)
                if first_block_decides and seen_utf8:
                    return "utf-8"
                offset += len(block)
                block = handle.read(BLOCK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            position = offset + exc.start - (len(exc.object) - len(block))
            if seen_utf8 or _UTF8_LETTER.search(block[exc.end:] + handle.read(BLOCK)):
                raise DataError(_mixed(path, position), file=path, row=_line_of(path, position)) from None
            return "windows-1254"
    if first.count(b"\x00") > len(first) // 4:
        raise DataError("dosya bayt sırası işareti (BOM) olmadan UTF-16 olarak yazılmış görünüyor; dosyayı UTF-8 "
                        "ya da BOM'lu UTF-16 (Excel'in 'Unicode Metin' biçimi) olarak kaydedin", file=path)
    return "utf-8"


def _line_of(path: Path, position: int) -> int:
    with open(path, "rb") as handle:
        return handle.read(position).count(b"\n") + 1


def _byte_at(path: Path, position: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(position)
        byte = handle.read(1)
    return f"0x{byte[0]:02X} baytı" if byte else "dosya yarım bir karakterle bitiyor"


def _mixed(path: Path, position: int) -> str:
    return (f"dosya hem UTF-8 hem başka bir kodlamayla (muhtemelen Windows-1254) yazılmış; bu satırdaki "
            f"{_byte_at(path, position)} UTF-8 değil. Dosyayı tek bir kodlamayla kaydedin")


def detect_delimiter(header: str, wanted: Iterable[str]) -> str:
    """The separator that splits the header line into all the expected column names."""
    wanted = set(wanted)
    for delimiter in DELIMITERS:
        names = {name.strip().strip('"') for name in header.split(delimiter)}
        if wanted <= names:
            return delimiter
    return max(DELIMITERS, key=header.count)


def dialect(path: Path, options: CsvOptions, wanted: Iterable[str], *, reader_checks_utf8: bool = False) -> Dialect:
    """``reader_checks_utf8``: the engine's CSV reader refuses a byte that is not UTF-8
    (DuckDB does; Spark replaces it), so the encoding may be judged from the first block."""
    encoding = (detect_encoding(path, first_block_decides=reader_checks_utf8) if options.encoding == "auto"
                else options.encoding)
    try:
        with open(path, encoding=encoding, newline="") as handle:
            header = handle.readline().lstrip("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise DataError(f"dosya {encoding} olarak okunamadı (0x{exc.object[exc.start]:02X} baytı)", file=path,
                        row=1) from None
    delimiter = detect_delimiter(header, wanted) if options.delimiter == "auto" else options.delimiter
    decimal = ("," if delimiter == ";" else ".") if options.decimal == "auto" else options.decimal
    return Dialect(encoding=encoding, delimiter=delimiter, decimal=decimal, detected=options.encoding == "auto")


def header_names(path: Path, found: Dialect) -> list[str]:
    """The column names of the header line of a UTF-8 file."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle, delimiter=found.delimiter, quotechar='"'), [])


def transcode(path: Path, encoding: str, folder: Path) -> Path:
    """A UTF-8 copy, line for line (row numbers stay the file's own), for DuckDB, which
    reads only UTF-8 here. A byte that is not valid in the encoding is an error naming
    its line."""
    target = folder / f"{len(list(folder.iterdir()))}-{path.stem}.csv"
    line = 1
    try:
        with open(path, encoding=encoding, newline="") as source, open(target, "w", encoding="utf-8",
                                                                        newline="") as copy:
            for block in iter(lambda: source.read(BLOCK), ""):
                copy.write(block.lstrip("\ufeff") if line == 1 else block)
                line += block.count("\n")
    except UnicodeDecodeError:
        raise DataError(f"dosya {encoding} olarak okunamadı", file=path, row=line) from None
    return target


def first_unreadable_line(path: Path, found: Dialect) -> Optional[tuple[int, str]]:
    """The first line Python's CSV reader finds broken (a field count other than the
    header's, an unclosed quote, a byte the encoding does not have), and what is wrong
    with it; None if it finds none. A detected encoding is checked whole first, so a
    file that mixes encodings gets that error."""
    if found.detected:
        detect_encoding(path)
    with open(path, encoding="utf-8-sig" if found.encoding.startswith("utf-8") else found.encoding,
              newline="") as handle:
        reader = csv.reader(handle, delimiter=found.delimiter, quotechar='"', strict=True)
        try:
            header = next(reader, [])
            for fields in reader:
                if fields and len(fields) != len(header):
                    return reader.line_num, f"satırda {len(fields)} alan var, başlıkta {len(header)} sütun var"
        except csv.Error as exc:
            return reader.line_num, f"satır CSV olarak okunamadı ({_csv_problem(str(exc))})"
        except UnicodeDecodeError:
            position = _undecodable(path, found.encoding)
            return _line_of(path, position), f"dosya {found.encoding} olarak okunamadı ({_byte_at(path, position)})"
    return None


def _undecodable(path: Path, encoding: str) -> int:
    """The position of the first byte that is not valid in the encoding (the file is
    known to have one)."""
    decoder, offset = codecs.getincrementaldecoder(encoding)(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return offset + exc.start - (len(exc.object) - len(block))
            offset += len(block)
    return offset


def _csv_problem(message: str) -> str:
    if "EOF" in message or "unexpected end of data" in message:
        return "tırnak kapanmamış"
    if "expected" in message and "delimiter" in message:
        return "kapanan tırnaktan sonra ayırıcı bekleniyordu"
    return message
