"""The pipeline, one way: data → validate → aggregate → compute → charts → render →
PDF and tables → publish. Each stage is its own module; this one only connects them.

``prepare`` (the data half) and ``render_files`` (the presentation half) are separate so
the live preview can keep the figures and charts while an editor changes templates.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional

from .config import Config
from .errors import ReportgenError
from .notices import Notice, about, collecting, enforce_strict, warn
from .period import Period, creation_date, only_one, parse_periods, require_period
from .processes import Ahead, Beside, Idle, import_all, in_processes, long_lived

if TYPE_CHECKING:
    from .data.sections import ExtraTable
    from .revisions import Revision
    from .graphics import Chart
    from .compute import Figures
    from .profiles import Profile

Progress = Callable[..., None]
"""``progress(stage)`` when a stage starts; ``progress(stage, done, total)`` as it advances."""
PROFILE_TEMPLATE = "profile.html"
PROFILE_BATCH = 4
CHART_MODULES = ("matplotlib.figure", "matplotlib.backends.backend_svg", "matplotlib.backends.backend_agg")
PDF_MODULES = (*CHART_MODULES, f"{__package__}.charts", f"{__package__}.maps",
               "weasyprint", f"{__package__}.render", f"{__package__}.pdf")
"""what the PDF's process imports while the data is read: first what its charts are drawn
with, so that the charts can start before the rest is imported, on small data (not
pandas: the figures it is given are plain dataclasses)"""


@dataclass(frozen=True)
class Prepared:
    """Everything computed from the data: what the templates and tables show."""

    figures: "Figures"
    charts: dict[str, "Chart"]
    inputs: list[Path]
    rows: int
    profiles: list["Profile"]
    created: dt.datetime
    """the bulletin's date, from the period (or SOURCE_DATE_EPOCH), never the clock"""
    extras: dict[str, "ExtraTable"] = field(default_factory=dict)
    """editors' sections: what each one's query returned, by name"""
    plates: dict[str, int] = field(default_factory=dict)
    """each province spelling of the data and its plate: what re-running a query needs"""
    revisions: list["Revision"] = field(default_factory=list)
    """figures an earlier release in the store printed differently"""

    @property
    def period(self) -> Period:
        return self.figures.period


@dataclass(frozen=True)
class BuildResult:
    period: Period
    target: Path
    files: list[Path]
    rows: int
    warnings: list[Notice]


def prepare(config: Config, progress: Progress = lambda *args: None) -> Prepared:
    """One bulletin's figures and charts (the preview and ``context`` show one)."""
    with preparing(config, progress) as prepared:
        return drawn(config, only_one(prepared, config.period))


@contextmanager
def preparing(config: Config, progress: Progress = lambda *args: None) -> Iterator[list[Prepared]]:
    """Data to figures for every period the config names, from one reading and one
    aggregation of the records; warnings go to the warning channel. The block gets the
    figures while the engine still searches for repeated records, and renders meanwhile;
    that search's warning is given as the block ends, and a block that fails stops it.
    Workers forked later (profiles, several bulletins) inherit the presentation modules
    imported here while the engine reads; a single bulletin's PDF process imports its
    own, and draws its charts (``start_pdf``)."""
    forks_renderers = config.profiles or names_several(config.period)
    warming = _import_in_background("pandas", *((*CHART_MODULES, "weasyprint") if forks_renderers else ()))
    from .data.aggregate import aggregate, scan
    from .data.extra import check_engine
    from .data.inputs import open_inputs
    from .data.validate import repeated_records, validate
    from .revisions import published_figures

    require_period(config.period)
    check_engine(config)
    progress("load")
    with open_inputs(config) as (engine, sources, paths), ThreadPoolExecutor(1) as beside:
        progress("aggregate")
        grouped = scan(engine, sources)
        progress("validate")
        validated = validate(engine, sources, grouped)
        concurrent = engine.concurrent()
        repeats = beside.submit(repeated_records, concurrent, sources, grouped.repeated)
        try:
            progress("compute")
            aggregates = aggregate(grouped, validated.plates, validated.has_hq)
            periods = parse_periods(config.period, aggregates.months())
            published = published_figures(config.resolve(config.release_store))
            computed = []
            for period in periods:
                with about(period.slug if len(periods) > 1 else None), _naming(period, len(periods) > 1):
                    figures, profiles = _figures(config, aggregates, period)
                    extras = run_extra_sections(engine, sources, validated.plates, config, period)
                    revised = _revisions(config, figures, published)
                computed.append((figures, profiles, extras, creation_date(period), revised))
            warming.join()
            for text in validated.warnings:
                warn("data", text)
            yield [Prepared(figures=figures, charts={}, inputs=paths, rows=validated.rows, profiles=profiles,
                            created=created, extras=extras, plates=validated.plates, revisions=revised)
                   for figures, profiles, extras, created, revised in computed]
        except BaseException:
            concurrent.interrupt()
            raise
        for text in repeats.result():
            warn("data", text)


def _revisions(config: Config, figures: "Figures", published: dict) -> list["Revision"]:
    """The bulletin's figures that the release store printed differently; a warning for
    those above the threshold with no reason given."""
    from .revisions import find_revisions, unexplained
    from .tidy import tidy_figures
    from .turkish import number

    if not published:
        return []
    revised = find_revisions(tidy_figures(figures, config.labels), published, config.revisions.reasons)
    open_ones = unexplained(revised, config.revisions.threshold_pct)
    if open_ones:
        first = open_ones[0]
        about_what = " ".join(filter(None, [first.figure.period, first.figure.province or first.figure.region,
                                            first.figure.chapter, first.figure.country]))
        warn("data", f"revizyon eşiğini (%{number(config.revisions.threshold_pct, 1)}) aşan {len(open_ones)} rakam "
                     f"açıklamasız revize edildi (en büyüğü {about_what}: {number(first.published, 2)} → "
                     f"{number(first.value, 2)} dolar, {first.release} bülteninde yayımlanmıştı); nedenini "
                     f"revisions.reasons altında dönemiyle yazın")
    return revised


@contextmanager
def _naming(period: Period, several: bool) -> Iterator[None]:
    """In a run of several bulletins, an error says whose it is: ``Veri hatası: 2022-12
    bülteni: …``."""
    try:
        yield
    except ReportgenError as error:
        if several and error.args:
            kind, _, problem = str(error.args[0]).partition(": ")
            error.args = (f"{kind}: {period.slug} bülteni: {problem}",)
        raise


def drawn(config: Config, prepared: Prepared) -> Prepared:
    """A bulletin with its charts drawn. One bulletin's are drawn as soon as its figures
    are known; each of several bulletins' in the process that renders it, so their charts
    are drawn in parallel too. A profile's chart is drawn by the worker that renders the
    profile."""
    from .charts import draw_charts, draw_extra_charts

    if prepared.charts:
        return prepared
    return replace(prepared, charts={**draw_charts(prepared.figures, config.labels),
                                     **draw_extra_charts(prepared.extras.values())})


def run_extra_sections(engine, sources, plates: dict[str, int], config: Config, period: Period,
                       wanted: Optional[list[str]] = None) -> dict[str, "ExtraTable"]:
    """Editors' sections (all, or the ``wanted`` ones), their queries run over the
    records view with the build's reference names."""
    from .data.extra import names_of, run_sections
    from .technology import refinements

    if not config.extra_sections:
        return {}
    if wanted is None:
        wanted = [s.name for s in config.extra_sections]
        shown = config.sections if period.is_annual else config.monthly_sections
        for section in config.extra_sections:
            if section.after not in shown:
                warn("config", f"'{section.name}' ek bölümü bu bültende gösterilmiyor: '{section.after}' bölümü "
                               f"{'yıllık' if period.is_annual else 'aylık'} bültenin bölümleri arasında yok")
    return run_sections(engine, sources, names_of(config, plates), refinements(), config, period, wanted)


def view_columns(config: Config, prepared: Prepared) -> list:
    """The columns of the view editors' queries read, with examples from this data."""
    from .data import extra
    from .data.inputs import open_inputs
    from .technology import refinements

    if not extra.runs_queries(config):
        return extra.documented_columns()
    with open_inputs(config) as (engine, sources, _):
        return extra.view_columns(engine, sources, extra.names_of(config, prepared.plates), refinements())


def rerun_extra_sections(config: Config, prepared: Prepared, wanted: list[str]) -> Prepared:
    """The preview's path when only queries changed: the inputs opened again, the view
    made, and just the ``wanted`` queries run; every other figure and chart is kept."""
    from .charts import draw_extra_charts
    from .data.sections import file_name
    from .data.inputs import open_inputs

    with open_inputs(config) as (engine, sources, _):
        fresh = run_extra_sections(engine, sources, prepared.plates, config, prepared.period, wanted)
    names = [s.name for s in config.extra_sections]
    extras = {name: fresh[name] if name in fresh else prepared.extras[name] for name in names}
    unchanged = {file_name(name) for name in names if name not in wanted}
    charts = {key: chart for key, chart in prepared.charts.items() if not key.startswith("ek-") or key in unchanged}
    charts.update(draw_extra_charts(fresh.values()))
    return replace(prepared, extras=extras, charts=charts)


def _figures(config: Config, aggregates, period: Period) -> tuple["Figures", list["Profile"]]:
    """A bulletin's figures and the chosen provinces' profiles; plausibility warnings."""
    from . import checks, compute
    from .profiles import build_profiles
    from .reference import chapter_words, chapters, country_names, regions
    from .technology import LEVELS

    settings = compute.Settings(top_provinces=config.top_provinces, leaders=config.leaders,
                                leader_items=config.leader_items, highlights=config.highlights)
    names = compute.Names(chapters=chapters(), chapter_words=chapter_words(),
                          countries=country_names(config.country_names), regions=regions())
    figures = compute.compute(aggregates, period, settings, names, LEVELS)
    for text in checks.data_warnings(figures, aggregates):
        warn("plausibility", text)
    plates = profile_plates(config)
    return figures, build_profiles(figures, aggregates, names, LEVELS, plates) if plates else []


def _import_in_background(*modules: str) -> threading.Thread:
    """Import the presentation stage's heavy modules while the engine reads the data: the
    engine works outside Python's lock, so the two overlap on two cores."""
    thread = threading.Thread(target=import_all, args=(modules,), daemon=True)
    thread.start()
    return thread


def profile_plates(config: Config) -> list[int]:
    """All 81 provinces with ``profiles``, or the ones named by ``provinces``."""
    from .reference import provinces, resolve_province

    if config.profiles:
        return [p.plate for p in provinces()]
    return [resolve_province(str(name)) for name in config.provinces]


def template_context(config: Config, prepared: Prepared, medium: str = "html", profile: Optional["Profile"] = None,
                     downloads: tuple = (), trend: Optional["Chart"] = None):
    """The one place a template context is made: the bulletin's, or a profile's with its
    ``trend`` chart."""
    from .render import Context

    charts = {"trend": trend} if profile else prepared.charts
    return Context(prepared.figures, charts, config, prepared.created.date(), medium=medium, profile=profile,
                   downloads=downloads, extra={} if profile else prepared.extras,
                   revisions=[] if profile else prepared.revisions)


def render_html(config: Config, prepared: Prepared, medium: str = "html", downloads: tuple = (),
                env=None) -> str:
    """The page for one medium; ``env``, when given, is a Jinja environment whose compiled
    templates the other medium's page already used."""
    from . import render

    return render.render_html(env or render.environment(config.templates_path()),
                              template_context(config, prepared, medium, downloads=downloads))


def downloads_of(config: Config, prepared: Prepared, data_tables: list) -> tuple:
    """The files a bulletin's page links to, by relative name: its PDF, the workbook, the
    tidy data as CSV and Parquet, and the per-table CSVs."""
    from .opendata import tidy_name, workbook_name
    from .render import Download

    slug = prepared.period.slug
    return (Download(f"{config.file_stem}-{slug}.pdf", "pdf"), Download(workbook_name(slug), "xlsx"),
            Download(f"{tidy_name(slug)}.csv", "tidy-csv"), Download(f"{tidy_name(slug)}.parquet", "parquet"),
            *(Download(f"{t.name}.csv", "csv", t.title) for t in data_tables))


def render_files(config: Config, prepared: Prepared, progress: Progress = lambda *args: None,
                 pdf: Optional[Ahead] = None) -> dict[str, bytes]:
    """Every output file's name and bytes; rendering warnings go to the warning channel.
    The PDF, the longest step, is made by ``pdf``, a process already given the bulletin
    (see ``start_pdf``), which has its charts drawn beside it and sent here, then their
    PNGs and the PDF: this process makes the tables, data files, page and profiles
    meanwhile.
    Without one (each of several bulletins is rendered in a worker already) the charts
    and the PDF are made here."""
    from . import render, tables
    from .manifest import manifest
    from .opendata import data_files, workbook_name
    from .render import release_of
    from .tidy import tidy_figures
    from .workbook import to_xlsx

    period = prepared.period
    progress("tables")
    data_tables = tables.build_tables(prepared.figures, config.labels, prepared.extras.values())
    if prepared.revisions:
        data_tables.append(tables.revisions_table(prepared.revisions, config.labels))
    stem = f"{config.file_stem}-{period.slug}"
    files = {
        workbook_name(period.slug): to_xlsx(data_tables, config, period, prepared.created.replace(tzinfo=None)),
        **data_files(data_tables, tidy_figures(prepared.figures, config.labels), config, period.slug,
                     release_of(config, prepared.created.date()).date),
    }
    progress("charts")
    prepared = replace(prepared, charts=pdf.result()) if pdf else drawn(config, prepared)
    progress("render")
    env = render.environment(config.templates_path())
    html = render_html(config, prepared, downloads=downloads_of(config, prepared, data_tables), env=env)
    files[f"{stem}.html"] = html.encode("utf-8")
    if prepared.profiles:
        progress("profiles", 0, len(prepared.profiles))
        files.update(render_profiles(config, prepared, progress))
    progress("pdf")
    files.update(_chart_files(prepared, pdf.result() if pdf else _rasters_of(config, prepared)))
    files[f"{stem}.pdf"] = _collect(pdf.result() if pdf else _pdf_of(config, prepared, env))
    return manifest(dict(sorted(files.items())), prepared.inputs, config)


def _chart_files(prepared: Prepared, rasters: dict[str, "Chart"]) -> dict[str, bytes]:
    """Each chart as an SVG file (its fonts embedded) and as a PNG at print resolution."""
    return {**{f"{c.name}.svg": c.standalone.encode("utf-8") for c in prepared.charts.values()},
            **{f"{c.name}.png": c.png for c in rasters.values()}}


def _rasters_of(config: Config, prepared: Prepared) -> dict[str, "Chart"]:
    """The bulletin's charts as PNG, for the files that go with it."""
    from .charts import draw_charts, draw_extra_charts

    return {**draw_charts(prepared.figures, config.labels, raster=True),
            **draw_extra_charts(prepared.extras.values(), raster=True)}


def _pdf_of(config: Config, prepared: Prepared, env=None, charts: Optional[Callable[[str], str]] = None
            ) -> tuple[bytes, list[Notice]]:
    """The bulletin's PDF and its warnings; its charts drawn first where they are not yet,
    or, where they are ``PendingChart`` still being drawn, given by name by ``charts``."""
    from .pdf import html_to_pdf

    prepared = drawn(config, prepared)
    with collecting() as notices:
        pdf = html_to_pdf(render_html(config, prepared, medium="pdf", env=env), prepared.created, charts)
    return pdf, list(notices)


def _collect(made: tuple[object, list[Notice]]):
    """A result made in another process, its warnings passed on to this process's channel."""
    result, notices = made
    for notice in notices:
        warn(notice.category, notice.text)
    return result


def _profile_files(profiles: list["Profile"], config: Config, prepared: Prepared
                   ) -> tuple[dict[str, bytes], list[Notice]]:
    """HTML and PDF of some profiles, and their warnings; runs in a worker process, which
    also draws each profile's chart."""
    from . import render
    from .charts import profile_chart
    from .pdf import html_to_pdf

    env = render.environment(config.templates_path())
    files = {}
    with collecting() as notices:
        for profile in profiles:
            trend = profile_chart(f"{profile.slug}-egilim", profile.trend)
            for medium, suffix in (("html", "html"), ("pdf", "pdf")):
                context = template_context(config, prepared, medium, profile, trend=trend)
                page = render.render_page(env, PROFILE_TEMPLATE, context.as_dict())
                files[f"iller/{profile.slug}.{suffix}"] = (page.encode("utf-8") if medium == "html"
                                                           else html_to_pdf(page, prepared.created, shared_style=True))
    return files, list(notices)


def render_profiles(config: Config, prepared: Prepared, progress: Progress = lambda *args: None
                    ) -> dict[str, bytes]:
    """Profiles rendered in parallel, in small batches so progress can be shown; files in
    a fixed order whatever finishes first."""
    total = len(prepared.profiles)
    results = in_processes(_profile_files, _batches(prepared.profiles), config, prepared,
                           done=lambda count: progress("profiles", min(count * PROFILE_BATCH, total), total))
    merged: dict[str, bytes] = {}
    for files, notices in results:
        merged.update(files)
        for notice in notices:
            warn(notice.category, notice.text)
    return dict(sorted(merged.items()))


def _batches(items: list) -> list[list]:
    return [items[i:i + PROFILE_BATCH] for i in range(0, len(items), PROFILE_BATCH)]


def output_folder(config: Config, out: Optional[Path], period: Period, release: bool = False) -> Path:
    """Where a bulletin goes: ``--out`` itself for one period; for a text that names
    several, ``<out or output_dir>/<period>/``; a release, ``<release_store>/<period>/``."""
    if release:
        return config.resolve(config.release_store) / period.slug
    if out is not None and not names_several(config.period):
        return out
    return (out or config.resolve(config.output_dir)) / period.slug


def protected_paths(config: Config) -> list[Path]:
    """What an output folder must never hold: the inputs, the config and the templates."""
    from .data.sources import find_files
    from .errors import DataError

    paths = [config.file] if config.file else []
    if config.templates_path():
        paths.append(config.templates_path())
    if isinstance(config.data, list):
        try:
            paths += find_files(config.data, config.resolve)
        except DataError:
            pass
    return paths


def build(config: Config, *, out: Optional[Path] = None, progress: Progress = lambda *args: None) -> BuildResult:
    """One bulletin: the whole pipeline (see ``build_all``)."""
    return only_one(build_all(config, out=out, progress=progress), config.period)


def build_all(config: Config, *, out: Optional[Path] = None, release: bool = False,
              progress: Progress = lambda *args: None) -> list[BuildResult]:
    """Every bulletin the period text names, from one reading of the data. Everything is
    rendered before anything is written, so a failure (or any warning under ``--strict``)
    leaves every output folder as it was; each bulletin is then published as one move.
    Every result carries the run's warnings. A ``release`` goes to the release store, one
    folder per period, never touching another period's folder. The PDF's process is forked
    first, before anything imports the data stage (listing the inputs does): it imports its
    own modules while this process imports the engine, on a core that would otherwise idle."""
    from .publish import check_target, publish

    with collecting() as notices, long_lived() as keep, _pdf_maker(config) as pdf:
        protected = protected_paths(config)
        if out is not None and not names_several(config.period):
            check_target(out, protected)
        with preparing(config, progress) as prepared:
            start_pdf(config, prepared, pdf)
            keep()
            targets = [output_folder(config, out, p.period, release) for p in prepared]
            for target in targets:
                check_target(target, protected)
            rendered = render_all(config, prepared, progress, pdf)
    if config.strict:
        enforce_strict(notices)
    progress("publish")
    return [BuildResult(period=p.period, target=target.resolve(), files=publish(files, target, protected),
                        rows=p.rows, warnings=list(notices))
            for p, target, files in zip(prepared, targets, rendered)]


def names_several(text: Optional[str]) -> bool:
    """Whether a period text is a range, ``all`` or a list: its bulletins then go to a
    folder each, even when the data supports just one."""
    items = [item.strip() for item in (text or "").split(",")]
    return len(items) > 1 or any(".." in item or item == "all" for item in items)


@contextmanager
def _pdf_maker(config: Config) -> Iterator[Optional[Ahead]]:
    """For a single bulletin, the process that will make its PDF, importing WeasyPrint,
    matplotlib and the modules that draw and render while the data is read."""
    if names_several(config.period):
        yield None
        return
    maker = Ahead(PDF_MODULES)
    try:
        yield maker
    finally:
        maker.close()


def start_pdf(config: Config, prepared: list[Prepared], pdf: Optional[Ahead]) -> None:
    """A single bulletin's PDF started in its process, whose charts are drawn beside it
    and sent here as they are drawn: the charts are drawn once, and this process never
    imports matplotlib."""
    if pdf is not None:
        pdf.submit(_pdf_beside_charts, config, prepared[0])


def _pdf_beside_charts(config: Config, prepared: Prepared) -> Iterator:
    """In the PDF's process: the bulletin's charts, drawn in a process of their own (the
    first result), their PNGs, drawn in another on the time the others leave, and its PDF
    and warnings. WeasyPrint works out the page's styles meanwhile and waits for the
    charts only when it loads the first one."""
    from .charts import chart_names
    from .graphics import PendingChart

    charts = yield Beside(_charts_of, config, prepared)
    rasters = yield Idle(_rasters_of, config, prepared)
    names = chart_names(prepared.figures, config.labels, prepared.extras.values())
    pending = {key: PendingChart(name) for key, name in names.items()}
    made = _pdf_of(config, replace(prepared, charts=pending),
                   charts=lambda name: {chart.name: chart.svg for chart in charts().values()}[name])
    yield rasters()
    yield made


def _charts_of(config: Config, prepared: Prepared) -> dict[str, "Chart"]:
    return drawn(config, prepared).charts


def render_all(config: Config, prepared: list[Prepared], progress: Progress = lambda *args: None,
               pdf: Optional[Ahead] = None) -> list[dict[str, bytes]]:
    """Each bulletin's files: one bulletin as ``render_files`` makes it; several in
    parallel, a process per core, each making its page and PDF in turn."""
    if len(prepared) == 1:
        return [render_files(config, prepared[0], progress, pdf)]
    progress("bulletins", 0, len(prepared))
    results = in_processes(_rendered, [[p] for p in prepared], config,
                            done=lambda count: progress("bulletins", count, len(prepared)))
    for _, notices in results:
        for notice in notices:
            warn(notice.category, notice.text)
    return [files for files, _ in results]


def _rendered(batch: list[Prepared], config: Config) -> tuple[dict[str, bytes], list[Notice]]:
    """One bulletin's files and its warnings, named by its period; runs in a worker. Its
    config names its own period, so its manifest is the one a build of it alone writes."""
    prepared = batch[0]
    with collecting() as notices, about(prepared.period.slug):
        files = render_files(config.model_copy(update={"period": prepared.period.slug}), prepared)
    return files, list(notices)
