"""One exception family. Each error carries a Turkish message that says where it happened,
so the CLI can print one line and exit with a documented code instead of a traceback."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Optional

SHOWN_VALUE = 80
"""characters of an offending value shown in a message"""


class ReportgenError(Exception):
    """Base of every error the user should see; ``exit_code`` lets CI tell them apart."""

    exit_code = 1

    def __new__(cls, *args, **kwargs):
        error = super().__new__(cls, *args)
        error._arguments = (args, kwargs)
        return error

    def __reduce__(self):
        """Rebuild from the original arguments, so an error raised in a worker process
        reaches the CLI with its message unchanged."""
        args, kwargs = self._arguments
        return (_rebuild, (type(self), args, kwargs))


def _rebuild(cls, args, kwargs):
    return cls(*args, **kwargs)


def _escaped(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def shown(value: object) -> str:
    """A value as a message may show it: invisible and control characters written as
    escapes (``Ankara\\x00``), one line, cut after ``SHOWN_VALUE`` characters."""
    text = "".join(ch if ch == " " or unicodedata.category(ch)[0] not in "CZ" else _escaped(ch) for ch in str(value))
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE] + "…"


def one_line(text: str) -> str:
    """A message as one terminal line: control characters and line breaks escaped."""
    return "".join(_escaped(ch) if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def _where(*parts: str) -> str:
    present = [p for p in parts if p]
    return f" ({', '.join(present)})" if present else ""


class DataError(ReportgenError):
    """Bad input data: names the file, and where known the row, column and value."""

    exit_code = 3

    def __init__(self, problem: str, *, file: Optional[Path | str] = None, row: Optional[int] = None,
                 column: Optional[str] = None, value: object = None) -> None:
        where = _where(f"dosya {file}" if file is not None else "", f"satır {row}" if row is not None else "",
                       f"sütun '{column}'" if column is not None else "",
                       f"değer '{shown(value)}'" if value is not None else "")
        super().__init__(f"Veri hatası{where}: {problem}")


class ConfigError(ReportgenError):
    """A config key with the wrong type or value; names the file, line and key path."""

    exit_code = 4

    def __init__(self, problem: str, *, file: Optional[Path | str] = None, key: Optional[str] = None,
                 line: Optional[int] = None) -> None:
        where = _where(f"dosya {file}" if file else "", f"satır {line}" if line else "",
                       f"anahtar '{key}'" if key else "")
        super().__init__(f"Ayar hatası{where}: {problem}")


class TemplateError(ReportgenError):
    """A template that does not render; names the template file and line."""

    exit_code = 5

    def __init__(self, problem: str, *, template: Optional[str] = None, line: Optional[int] = None) -> None:
        where = _where(f"şablon {template}" if template else "", f"satır {line}" if line else "")
        super().__init__(f"Şablon hatası{where}: {problem}")


class OutputError(ReportgenError):
    """The output folder cannot or may not be written."""

    exit_code = 6

    def __init__(self, problem: str, *, folder: Optional[Path | str] = None) -> None:
        super().__init__(f"Çıktı hatası{_where(f'klasör {folder}' if folder else '')}: {problem}")
