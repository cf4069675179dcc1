"""One exception family. Each error carries a Turkish message that says where it happened,
so the CLI can print one line and exit non-zero instead of a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Optional


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


class DataError(ReportgenError):
    """Bad input data: names the file, and where known the row, column and value."""

    exit_code = 3

    def __init__(
        self,
        problem: str,
        *,
        file: Optional[Path | str] = None,
        row: Optional[int] = None,
        column: Optional[str] = None,
        value: object = None,
    ) -> None:
        self.problem, self.file, self.row, self.column, self.value = problem, file, row, column, value
        where = []
        if file is not None:
            where.append(f"dosya {file}")
        if row is not None:
            where.append(f"satır {row}")
        if column is not None:
            where.append(f"sütun '{column}'")
        if value is not None:
            where.append(f"değer '{value}'")
        prefix = "Veri hatası" + (f" ({', '.join(where)})" if where else "")
        super().__init__(f"{prefix}: {problem}")


class ConfigError(ReportgenError):
    """A config key with the wrong type or value; names the key path."""

    exit_code = 4

    def __init__(self, problem: str, *, file: Optional[Path | str] = None, key: Optional[str] = None):
        self.file, self.key = file, key
        where = ", ".join(p for p in (f"dosya {file}" if file else "", f"anahtar '{key}'" if key else "") if p)
        super().__init__(f"Ayar hatası{f' ({where})' if where else ''}: {problem}")


class TemplateError(ReportgenError):
    """A template that does not render; names the template file and line."""

    exit_code = 5

    def __init__(self, problem: str, *, template: Optional[str] = None, line: Optional[int] = None):
        self.template, self.line = template, line
        where = ", ".join(p for p in (f"şablon {template}" if template else "", f"satır {line}" if line else "") if p)
        super().__init__(f"Şablon hatası{f' ({where})' if where else ''}: {problem}")


class OutputError(ReportgenError):
    """The output folder cannot be written (permissions, a full disk)."""

    exit_code = 6

    def __init__(self, problem: str, *, folder: Optional[Path | str] = None):
        self.folder = folder
        super().__init__(f"Çıktı hatası{f' (klasör {folder})' if folder else ''}: {problem}")
