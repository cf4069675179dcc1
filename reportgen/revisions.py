"""Revisions: figures a bulletin prints that an earlier published bulletin printed
differently. Export figures of earlier months change as declarations close; official
statistics say so where they publish (the OECD/Eurostat guidelines on revision policy,
TÜİK's revision notes), so the bulletin lists what changed, by how much and why.

What was published is read from the release store (``release_store``, one folder per
period that ``build --release`` wrote), from each release's tidy figures: for every figure
the value of the latest release that printed it. Dollar figures are compared as printed,
to the cent; shares, ranks and changes follow from them and are not listed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional

from .errors import DataError
from .period import period_form

if TYPE_CHECKING:
    from .tidy import Figure

VALUE_UNIT = "USD"


@dataclass(frozen=True)
class Published:
    value: Decimal
    release: str
    """the period of the release that printed it (its folder in the store)"""


@dataclass(frozen=True)
class Revision:
    """A figure of this bulletin and what an earlier release printed for it."""

    figure: Figure
    published: Decimal
    release: str
    reason: str = ""
    """why it changed, from ``revisions.reasons`` (empty: not explained)"""

    @property
    def value(self) -> Decimal:
        return Decimal(self.figure.value)

    @property
    def difference(self) -> Decimal:
        return self.value - self.published

    @property
    def change_pct(self) -> Optional[Decimal]:
        """The revision as a share of the published figure; None when that was zero."""
        return None if self.published == 0 else 100 * self.difference / abs(self.published)

    def above(self, threshold_pct: float) -> bool:
        change = self.change_pct
        return change is None or abs(change) > Decimal(str(threshold_pct))


def releases(store: Path) -> list[Path]:
    """The store's release folders in time order (a year after its December); other
    entries are not releases and are left alone."""
    if not store.is_dir():
        return []
    found = []
    for folder in store.iterdir():
        try:
            period = period_form(folder.name) if folder.is_dir() else None
        except ValueError:
            continue
        if period is not None and (folder / f"veriler-{folder.name}.parquet").is_file():
            found.append((period.year, period.month or 13, folder))
    return [folder for *_, folder in sorted(found)]


def published_figures(store: Path) -> dict[tuple[str, ...], Published]:
    """Every dollar figure the store's releases printed, with the value of the latest."""
    import pyarrow.parquet as pq

    from .tidy import KEY

    published: dict[tuple[str, ...], Published] = {}
    for folder in releases(store):
        path = folder / f"veriler-{folder.name}.parquet"
        try:
            rows = pq.read_table(path).to_pylist()
        except Exception as exc:  # noqa: BLE001 - any unreadable Parquet file
            raise DataError(f"yayın deposundaki rakamlar okunamadı ({type(exc).__name__})", file=path) from None
        for row in rows:
            if row["unit"] == VALUE_UNIT:
                published[tuple(row[c] or "" for c in KEY)] = Published(Decimal(row["value"]), folder.name)
    return published


def find_revisions(figures: list[Figure], published: Mapping[tuple[str, ...], Published],
                   reasons: Mapping[str, str]) -> list[Revision]:
    """This bulletin's dollar figures that differ from what was last published, largest
    revision first."""
    found = [Revision(f, p.value, p.release, reasons.get(f.period, ""))
             for f in figures if f.unit == VALUE_UNIT and (p := published.get(f.key)) and p.value != f.value]
    return sorted(found, key=lambda r: (-abs(r.difference), r.figure.key))


def unexplained(revisions: list[Revision], threshold_pct: float) -> list[Revision]:
    return [r for r in revisions if not r.reason and r.above(threshold_pct)]
