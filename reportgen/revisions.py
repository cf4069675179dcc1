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

from .store import FigureKey, Published, latest_figures, releases

if TYPE_CHECKING:
    from .tidy import Figure

VALUE_UNIT = "USD"


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


def published_figures(store: Path) -> dict[FigureKey, Published]:
    """Every dollar figure the store's releases printed, with the value of the latest."""
    return latest_figures(((release.slug, release.figures()) for release in releases(store)), VALUE_UNIT)


def find_revisions(figures: list[Figure], published: Mapping[tuple[str, ...], Published],
                   reasons: Mapping[str, str]) -> list[Revision]:
    """This bulletin's dollar figures that differ from what was last published, largest
    revision first."""
    found = [Revision(f, p.value, p.release, reason_for(f.period, reasons))
             for f in figures if f.unit == VALUE_UNIT and (p := published.get(f.key)) and p.value != f.value]
    return sorted(found, key=lambda r: (-abs(r.difference), r.figure.key))


def reason_for(period: str, reasons: Mapping[str, str]) -> str:
    """The reason given for a figure's period or, failing that, for the months it covers:
    why May changed is also why January–June and the year changed."""
    if period in reasons:
        return reasons[period]
    first, _, last = period.partition("/")
    if "-" in first:
        year, start = int(first[:4]), int(first[5:])
        end = int(last[5:]) if last else start
    else:
        year, start, end = int(first), 1, 12
    covered = (reasons.get(f"{year}-{month:02d}") for month in range(start, end + 1))
    return "; ".join(dict.fromkeys(reason for reason in covered if reason))


def unexplained(revisions: list[Revision], threshold_pct: float) -> list[Revision]:
    return [r for r in revisions if not r.reason and r.above(threshold_pct)]
