"""One channel for warnings: valid but suspicious data, implausible figures, and template
or CSS problems all go through the ``reportgen`` logger with a category, are collected
once per build, and are turned into a failed build in one place under ``--strict``."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Literal, Optional

from .errors import ConfigError, DataError, ReportgenError, TemplateError

Category = Literal["data", "plausibility", "template", "config"]
LOGGER = logging.getLogger("reportgen")
_STRICT_ERRORS: dict[str, type[ReportgenError]] = {"data": DataError, "plausibility": DataError,
                                                   "template": TemplateError, "config": ConfigError}
_ABOUT: list[str] = []


@dataclass(frozen=True)
class Notice:
    category: Category
    text: str


def warn(category: Category, text: str) -> None:
    LOGGER.warning(f"{_ABOUT[-1]}: {text}" if _ABOUT else text, extra={"category": category})


@contextmanager
def about(label: Optional[str]) -> Iterator[None]:
    """Warnings raised inside the block say what they are about (``2024-05: …``), for
    a run that builds several bulletins; with None they are left as they are."""
    if label is None:
        yield
        return
    _ABOUT.append(label)
    try:
        yield
    finally:
        _ABOUT.pop()


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.notices: list[Notice] = []

    def emit(self, record: logging.LogRecord) -> None:
        notice = Notice(getattr(record, "category", "template"), record.getMessage())
        if notice not in self.notices:
            self.notices.append(notice)


@contextmanager
def collecting() -> Iterator[list[Notice]]:
    """The warnings raised inside the block, each once, in order."""
    collector = _Collector()
    LOGGER.addHandler(collector)
    propagate, LOGGER.propagate = LOGGER.propagate, False
    try:
        yield collector.notices
    finally:
        LOGGER.removeHandler(collector)
        LOGGER.propagate = propagate


def enforce_strict(notices: list[Notice]) -> None:
    """Under ``--strict`` any warning fails the build: data and plausibility warnings as a
    data error (exit 3), a config warning as a config error (exit 4), template and CSS
    warnings as a template error (exit 5)."""
    if not notices:
        return
    error = max((_STRICT_ERRORS[n.category] for n in notices), key=lambda kind: kind.exit_code)
    raise error("--strict: uyarılar hata sayılır: " + "; ".join(n.text for n in notices))
