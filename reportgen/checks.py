"""Plausibility checks on valid data: facts worth a warning, and a failure under --strict."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .compute import Figures
from .turkish import number

if TYPE_CHECKING:
    from .data.aggregate import Aggregates

CHANGE_LIMIT = Decimal(1000)
RESERVED_CHAPTERS = frozenset({"77"})


def data_warnings(figures: Figures, aggregates: Aggregates) -> list[str]:
    period = figures.period
    warnings = []
    ranking = figures.summary.ranking
    silent = [r.name for r in ranking if r.current == 0 and r.previous == 0]
    if silent:
        warnings.append(f"{period.slug} ve bir yıl önceki dönemde hiç verisi olmayan iller: {', '.join(silent)}")
    for row in ranking:
        if row.change is not None and abs(row.change) > CHANGE_LIMIT:
            warnings.append(f"{row.name} ilinin değişimi %{number(row.change, 1)} (%1.000'in üzerinde)")
    reserved = sorted(RESERVED_CHAPTERS.intersection(aggregates.by_chapter["chapter"].unique()))
    if reserved:
        warnings.append(f"gümrük tarifesinde kullanılmayan fasıl kodları: {', '.join(reserved)}")
    return warnings
