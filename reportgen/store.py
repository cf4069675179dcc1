"""The release store: one folder per published bulletin (``build --release``), named by
its period, holding what the bulletin's build wrote, its manifest and its figures as
printed (``veriler-<period>.parquet``). Revisions and the release site read it here."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Optional

from .errors import DataError
from .manifest import MANIFEST, listed_files, sha256_file
from .period import Period, period_form


@dataclass(frozen=True)
class StoredRelease:
    period: Period
    folder: Path

    @property
    def slug(self) -> str:
        return self.period.slug

    @property
    def figures_file(self) -> Path:
        from .opendata import tidy_name

        return self.folder / f"{tidy_name(self.slug)}.parquet"

    def files(self) -> dict[str, str]:
        """What the release's manifest lists, name → SHA-256."""
        listed = listed_files(self.folder / MANIFEST)
        if listed is None:
            raise DataError("yayının manifest.json dosyası okunamadı", file=self.folder / MANIFEST)
        return listed

    def issued(self) -> dt.date:
        """The release date its open-data metadata states (``dc:issued``)."""
        from .opendata import metadata_name, tidy_name

        path = self.folder / metadata_name(f"{tidy_name(self.slug)}.csv")
        try:
            return dt.date.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["dc:issued"]["@value"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataError(f"yayım tarihi okunamadı ({type(exc).__name__})", file=path) from None

    def figures(self) -> list[dict]:
        """The tidy figures as printed, one dict per row."""
        import pyarrow.parquet as pq

        try:
            return pq.read_table(self.figures_file).to_pylist()
        except Exception as exc:  # noqa: BLE001 - any unreadable Parquet file
            raise DataError(f"yayın deposundaki rakamlar okunamadı ({type(exc).__name__})",
                            file=self.figures_file) from None

    def checked_bytes(self, name: str, sha256: str) -> bytes:
        """A file of the release, refused when it is no longer what the manifest lists."""
        path = self.folder / name
        if not path.is_file() or path.is_symlink() or sha256_file(path) != sha256:
            raise DataError("yayın deposundaki dosya, yayının manifest.json'daki hâli değil "
                            "(silinmiş ya da sonradan değiştirilmiş)", file=path)
        return path.read_bytes()


def releases(store: Path) -> list[StoredRelease]:
    """The store's releases in time order (a year after its December); other entries are
    not releases and are left alone."""
    if not store.is_dir():
        return []
    found = []
    for folder in store.iterdir():
        try:
            period = period_form(folder.name) if folder.is_dir() else None
        except ValueError:
            continue
        if period is not None and period.slug == folder.name:
            release = StoredRelease(period, folder)
            if release.figures_file.is_file() and (folder / MANIFEST).is_file():
                found.append(release)
    return sorted(found, key=lambda r: (r.period.year, r.period.month or 13))


@dataclass(frozen=True)
class Published:
    value: Decimal
    release: str
    """the period of the release that printed it (its folder in the store)"""


FigureKey = tuple[str, ...]


def latest_figures(printed: Iterable[tuple[str, list[dict]]], unit: Optional[str] = None
                   ) -> dict[FigureKey, Published]:
    """Every figure some releases printed (of one unit, when given), with the value of the
    latest release that printed it; ``printed`` is each release's period and its figures,
    in time order."""
    from .tidy import KEY

    latest: dict[FigureKey, Published] = {}
    for slug, rows in printed:
        for row in rows:
            if unit is None or row["unit"] == unit:
                latest[tuple(row[c] or "" for c in KEY)] = Published(Decimal(row["value"]), slug)
    return latest
