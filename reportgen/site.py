"""The release site: static pages made from the release store alone, never from data.

An index of every release (newest first) with its files and key figures as it printed
them, one page per province with its series across all releases, a release calendar and
an Atom feed. Each release's files are copied in as its manifest lists them (a file
changed since is refused), so the bulletin pages keep their own links. Every link is
relative, so the site reads the same from ``file://``, from a server's root or from any
sub-path, and no page needs JavaScript. The same store and config give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Mapping, Optional

from .config import Config
from .errors import DataError
from .manifest import GENERATOR, MANIFEST, listing
from .opendata import tidy_name, workbook_name
from .period import Period, month_index, month_pairs, period_form
from .graphics import Chart
from .reference import provinces, regions
from .store import FigureKey, Published, StoredRelease, latest_figures, releases
from .turkish import month_abbreviation

PAGES = {"index.html": "site/index.html", "takvim.html": "site/calendar.html", "atom.xml": "site/atom.xml"}
PROVINCE_PAGE = "site/province.html"
RELEASES_FOLDER = "yayinlar"
PROVINCES_FOLDER = "iller"
TOTAL_CODE = "TR"


@dataclass(frozen=True)
class Link:
    """A file of a release, by its path inside the site."""

    file: str
    kind: str
    """``html``, ``pdf``, ``xlsx``, ``tidy-csv`` or ``parquet``"""


@dataclass(frozen=True)
class KeyFigure:
    """Türkiye's exports in a span as the release printed them, and their change."""

    span: str
    """the span as the data files write it: ``2024-06``, ``2024-01/2024-06``, ``2023``"""
    value: Optional[Decimal]
    change: Optional[Decimal]


@dataclass(frozen=True)
class ReleaseEntry:
    period: Period
    issued: dt.date
    id: str
    """the Atom entry's id: a name-based UUID of the title and period, stable wherever
    the site is served"""
    links: tuple[Link, ...]
    main: KeyFigure
    cumulative: Optional[KeyFigure]
    leader: str
    """the province ranked first in the main span"""

    @property
    def page(self) -> Optional[str]:
        return next((link.file for link in self.links if link.kind == "html"), None)


@dataclass(frozen=True)
class Point:
    """A province's figure for one month or year: the value from the latest release that
    printed it, and the change, share and rank as the period's own bulletin printed them."""

    period: Period
    value: Decimal
    release: str
    change: Optional[Decimal] = None
    share: Optional[Decimal] = None
    rank: Optional[int] = None


@dataclass(frozen=True)
class ProvinceSeries:
    plate: int
    name: str
    region: str
    file: str
    """its page inside the site: ``iller/34-istanbul.html``"""
    months: tuple[Point, ...]
    years: tuple[Point, ...]
    chart: Optional[Chart]


@dataclass(frozen=True)
class CalendarDate:
    date: dt.date
    release: Optional[ReleaseEntry]
    """the release published that day, when it is in the store"""


@dataclass(frozen=True)
class Site:
    releases: tuple[ReleaseEntry, ...]
    """newest first"""
    provinces: tuple[ProvinceSeries, ...]
    calendar: tuple[CalendarDate, ...]
    feed_id: str

    @property
    def pages(self) -> dict[str, str]:
        """Each release's bulletin page, by its period."""
        return {r.period.slug: r.page for r in self.releases if r.page}

    @property
    def updated(self) -> dt.date:
        return max(r.issued for r in self.releases)


def read_site(config: Config, stored: list[StoredRelease]) -> Site:
    """Everything the pages show, from the store's releases."""
    printed = [(release, release.figures()) for release in stored]
    entries = [release_entry(release, rows, config.title) for release, rows in printed]
    figures = _province_figures(latest_figures((release.slug, rows) for release, rows in printed))
    series = tuple(province_series(p.plate, p.name, figures.get(f"{p.plate:02d}", {})) for p in provinces())
    by_date = {entry.issued: entry for entry in entries}
    calendar = tuple(CalendarDate(day, by_date.get(day)) for day in sorted(set(config.release.calendar)))
    return Site(tuple(reversed(entries)), series, calendar, _uuid(config.title, ""))


def _uuid(title: str, name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"reportgen:{title}:{name}").urn


def release_entry(release: StoredRelease, rows: list[dict], title: str) -> ReleaseEntry:
    """A release's line of the index and entry of the feed, from its own figures."""
    totals = {(row["period"], row["measure"]): Decimal(row["value"]) for row in rows
              if row["province_code"] == TOTAL_CODE and _overall(row)}
    period = release.period

    def key_figure(span: str) -> KeyFigure:
        return KeyFigure(span, totals.get((span, "export_value")), totals.get((span, "export_change")))

    cumulative = None if period.is_annual else f"{period.year}-01/{period.slug}"
    leader = next((row["province"] for row in rows if row["measure"] == "rank" and row["period"] == period.slug
                   and _is_province(row) and _overall(row) and Decimal(row["value"]) == 1), "")
    return ReleaseEntry(period, release.issued(), _uuid(title, period.slug), _links(release), key_figure(period.slug),
                        key_figure(cumulative) if cumulative else None, leader)


def _overall(row: Mapping) -> bool:
    """A figure about a whole province (or Türkiye), not one chapter, country or level."""
    return not (row["chapter_code"] or row["country_code"] or row["technology_level"])


def _is_province(row: Mapping) -> bool:
    return (row["province_code"] or "").isdigit()


def _links(release: StoredRelease) -> tuple[Link, ...]:
    """The release's bulletin page and PDF, workbook and tidy data, as the index links them."""
    slug, folder = release.slug, f"{RELEASES_FOLDER}/{release.slug}"
    kinds = []
    for name in release.files():
        path = PurePosixPath(name)
        if len(path.parts) > 1:
            continue
        if path.suffix in (".html", ".pdf"):
            kinds.append((path.suffix[1:], name))
        elif name == workbook_name(slug):
            kinds.append(("xlsx", name))
        elif name == f"{tidy_name(slug)}.csv":
            kinds.append(("tidy-csv", name))
        elif name == f"{tidy_name(slug)}.parquet":
            kinds.append(("parquet", name))
    order = ("html", "pdf", "xlsx", "tidy-csv", "parquet")
    return tuple(Link(f"{folder}/{name}", kind) for kind, name in sorted(kinds, key=lambda k: order.index(k[0])))


ProvinceFigures = dict[str, dict[tuple[str, str], Published]]
"""province code → (period, measure) → the latest printed value"""


def _province_figures(latest: Mapping[FigureKey, Published]) -> ProvinceFigures:
    from .tidy import KEY

    found: ProvinceFigures = {}
    for key, published in latest.items():
        row = dict(zip(KEY, key))
        if _is_province(row) and _overall(row):
            found.setdefault(row["province_code"], {})[(row["period"], row["measure"])] = published
    return found


def province_series(plate: int, name: str, figures: Mapping[tuple[str, str], Published]) -> ProvinceSeries:
    """A province's months and years across the store, oldest first, and a chart of its
    months (of its years when the store holds no monthly release)."""
    from .charts import series_chart
    from .profiles import province_slug

    def printed(span: str, measure: str) -> Optional[Decimal]:
        found = figures.get((span, measure))
        return found.value if found else None

    points = []
    for (span, measure), value in figures.items():
        if measure == "export_value" and "/" not in span:
            rank = printed(span, "rank")
            points.append(Point(period_form(span), value.value, value.release, printed(span, "export_change"),
                                printed(span, "export_share"), None if rank is None else int(rank)))
    points.sort(key=lambda p: (p.period.year, p.period.month or 0))
    months = tuple(p for p in points if not p.period.is_annual)
    years = tuple(p for p in points if p.period.is_annual)
    slug = province_slug(plate, name)
    shown = _every_month(months) or [(str(p.period.year), p.value) for p in years]
    chart = series_chart(f"seri-{slug}", shown) if shown else None
    return ProvinceSeries(plate, name, regions()[plate].name, f"{PROVINCES_FOLDER}/{slug}.html", months, years, chart)


def release_files(stored: list[StoredRelease]) -> dict[str, bytes]:
    """Each release's files as its manifest lists them, and the manifest, under
    ``yayinlar/<period>/``; a file changed or removed since it was published is refused."""
    files = {}
    for release in stored:
        for name, sha256 in sorted(release.files().items()):
            files[f"{RELEASES_FOLDER}/{release.slug}/{name}"] = release.checked_bytes(name, sha256)
        files[f"{RELEASES_FOLDER}/{release.slug}/{MANIFEST}"] = (release.folder / MANIFEST).read_bytes()
    return files


def _every_month(points: tuple[Point, ...]) -> list[tuple[str, Optional[Decimal]]]:
    """Months from the first to the last point, labelled; a month no release printed has no
    value, so the chart leaves its place empty instead of closing the gap."""
    if not points:
        return []
    values = {(p.period.year, p.period.month): p.value for p in points}
    first, last = points[0].period, points[-1].period
    return [(f"{month_abbreviation(month)}\n{year}", values.get((year, month)))
            for year, month in month_pairs(month_index(first.year, first.month), month_index(last.year, last.month))]


def site_pages(config: Config, site: Site) -> dict[str, bytes]:
    """The index, the calendar, the feed and the province pages."""
    from . import render

    env = render.environment(config.templates_path())
    shown = config.for_templates()
    common = {"site": site, "config": shown, "labels": shown["labels"]}
    pages = {name: render.render_template(env, template, {**common, "root": ""}) for name, template in PAGES.items()}
    for province in site.provinces:
        pages[province.file] = render.render_template(env, PROVINCE_PAGE,
                                                      {**common, "root": "../", "province": province})
    return {name: page.encode("utf-8") for name, page in pages.items()}


def _manifest(files: Mapping[str, bytes]) -> bytes:
    """The site's manifest: what publishing checks before it replaces the site; its
    inputs are the releases' manifests."""
    document = {
        "generator": GENERATOR,
        "site": True,
        "files": listing(files),
        "inputs": {"releases": [{"manifest": name, "sha256": hashlib.sha256(content).hexdigest()}
                                for name, content in sorted(files.items())
                                if name.startswith(f"{RELEASES_FOLDER}/") and name.count("/") == 2
                                and name.endswith(f"/{MANIFEST}")]},
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def site_folder(config: Config, out: Optional[Path]) -> Path:
    return out if out is not None else config.resolve(config.output_dir) / "site"


def build_site(config: Config, out: Optional[Path] = None) -> tuple[Path, list[Path], Site]:
    """Read the store, render the site and publish it in one move; the store and the
    inputs are never inside the folder that is replaced."""
    from .build import protected_paths
    from .publish import check_target, publish

    target = site_folder(config, out)
    store = config.resolve(config.release_store)
    protected = [*protected_paths(config), store]
    check_target(target, protected)
    stored = releases(store)
    if not stored:
        raise DataError("yayın deposunda yayın yok; önce 'reportgen build --release' ile bir bülten yayımlayın",
                        file=store)
    files = release_files(stored)
    site = read_site(config, stored)
    files.update(site_pages(config, site))
    files[MANIFEST] = _manifest(files)
    written = publish(dict(sorted(files.items())), target, protected)
    return target.resolve(), written, site
