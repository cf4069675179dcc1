"""The pipeline, one way: data → validate → aggregate → compute → charts → render →
PDF and tables → publish. Each stage is its own module; this one only connects them.

``prepare`` (the data half) and ``render_files`` (the presentation half) are separate so
the live preview can keep the figures and charts while an editor changes templates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .charts import Chart
from .compute import Figures
from .config import Config
from .errors import ConfigError, DataError
from .profiles import Profile, build_profiles
from .period import Period, check_period_text, creation_date, parse_period

Progress = Callable[..., None]
"""``progress(stage)`` when a stage starts; ``progress(stage, done, total)`` as it advances."""
PROFILE_TEMPLATE = "profile.html"
PROFILE_BATCH = 4


@dataclass(frozen=True)
class Prepared:
    """Everything computed from the data: what the templates and tables show."""

    figures: Figures
    charts: dict[str, Chart]
    inputs: list[Path]
    rows: int
    warnings: list[str]
    profiles: list[Profile]

    @property
    def period(self) -> Period:
        return self.figures.period


@dataclass(frozen=True)
class BuildResult:
    period: Period
    target: Path
    files: list[Path]
    rows: int
    warnings: list[str]


def prepare(config: Config, progress: Progress = lambda *args: None) -> Prepared:
    from . import charts, checks, compute
    from .data.aggregate import aggregate
    from .data.validate import validate
    from .reference import chapter_words, chapters, country_names, regions
    from .technology import LEVELS

    check_period_text(config.period)
    progress("load")
    with _engine(config) as (engine, sources, paths):
        progress("validate")
        validated = validate(engine, sources)
        progress("aggregate")
        aggregates = aggregate(engine, validated)

    progress("compute")
    period = parse_period(config.period, aggregates.months())
    settings = compute.Settings(top_provinces=config.top_provinces, leaders=config.leaders,
                                leader_items=config.leader_items, highlights=config.highlights)
    names = compute.Names(chapters=chapters(), chapter_words=chapter_words(),
                          countries=country_names(config.country_names), regions=regions())
    figures = compute.compute(aggregates, period, settings, names, LEVELS)
    warnings = validated.warnings + checks.data_warnings(figures, aggregates)
    if config.strict and warnings:
        raise DataError("--strict: uyarılar hata sayılır: " + "; ".join(warnings))

    plates = profile_plates(config)
    chosen = build_profiles(figures, aggregates, names, LEVELS, plates) if plates else []
    progress("charts")
    return Prepared(figures=figures, charts=charts.draw_charts(figures, config.labels), inputs=paths,
                    rows=validated.rows, warnings=warnings, profiles=chosen)


@contextmanager
def _engine(config: Config):
    """The engine that groups the records, the opened sources and the input files:
    DuckDB over files, or the configured database."""
    import duckdb

    from .config import DatabaseSource
    from .data.engine import DatabaseEngine, DuckDBEngine
    from .data.sources import SourceOptions, find_files, open_database, open_sources

    if isinstance(config.data, DatabaseSource):
        engine = DatabaseEngine(config.data.url)
        try:
            yield engine, open_database(engine, config.data, config.columns), []
        finally:
            engine.close()
        return
    paths = find_files(config.data, config.resolve)
    with duckdb.connect() as con, tempfile.TemporaryDirectory(prefix="reportgen-") as scratch:
        engine = DuckDBEngine(con)
        yield engine, open_sources(engine, paths, SourceOptions(config.columns, config.csv, config.xlsx,
                                                                Path(scratch))), paths


def profile_plates(config: Config) -> list[int]:
    """All 81 provinces with ``profiles``, or the ones named by ``provinces``."""
    from .reference import provinces, resolve_province

    if config.profiles:
        return [p.plate for p in provinces()]
    plates = []
    for name in config.provinces:
        plate = resolve_province(name)
        if plate is None:
            raise ConfigError(f"bilinmeyen il: {name!r}", key="provinces")
        plates.append(plate)
    return plates


def render_html(config: Config, prepared: Prepared, medium: str = "html") -> str:
    from . import render

    context = render.Context(prepared.figures, prepared.charts, config,
                             creation_date(prepared.period).date(), medium=medium)
    return render.render_html(render.environment(config.templates_path()), context)


def render_files(config: Config, prepared: Prepared, progress: Progress = lambda *args: None
                 ) -> tuple[dict[str, bytes], list[str]]:
    """Every output file's name and bytes, and the rendering warnings."""
    from . import tables
    from .pdf import html_to_pdf

    period = prepared.period
    created = creation_date(period)
    progress("render")
    html = render_html(config, prepared)
    print_html = render_html(config, prepared, medium="pdf")
    progress("pdf")
    pdf, warnings = html_to_pdf(print_html, created)
    if config.strict and warnings:
        raise DataError("--strict: PDF uyarıları hata sayılır: " + "; ".join(warnings))

    progress("tables")
    data_tables = tables.build_tables(prepared.figures, config.labels)
    stem = f"{config.file_stem}-{period.slug}"
    files = {
        f"{stem}.html": html.encode("utf-8"),
        f"{stem}.pdf": pdf,
        f"tablolar-{period.slug}.xlsx": tables.to_xlsx(data_tables, config, created.replace(tzinfo=None)),
        **{f"{t.name}.csv": tables.to_csv(t) for t in data_tables},
        **{f"{c.name}.svg": c.svg.encode("utf-8") for c in prepared.charts.values()},
        **{f"{c.name}.png": c.png for c in prepared.charts.values()},
    }
    if prepared.profiles:
        progress("profiles", 0, len(prepared.profiles))
        files.update(render_profiles(config, prepared, created, progress))
    files["manifest.json"] = manifest(files, prepared.inputs, config)
    return files, warnings


def _profile_files(config: Config, figures: Figures, profiles: list[Profile], created: dt.datetime
                   ) -> dict[str, bytes]:
    """HTML and PDF of some profiles; runs in a worker process."""
    from . import render
    from .charts import profile_chart
    from .pdf import html_to_pdf

    env = render.environment(config.templates_path())
    files = {}
    for profile in profiles:
        chart = profile_chart(f"{profile.slug}-egilim", profile.trend)
        variables = render.Context(figures, {"trend": chart}, config, created.date(), "html").as_dict()
        variables["profile"] = profile
        html = render.render_template(env, PROFILE_TEMPLATE, variables)
        print_html = render.render_template(env, PROFILE_TEMPLATE, {**variables, "medium": "pdf"})
        files[f"iller/{profile.slug}.html"] = html.encode("utf-8")
        files[f"iller/{profile.slug}.pdf"] = html_to_pdf(print_html, created)[0]
    return files


def render_profiles(config: Config, prepared: Prepared, created: dt.datetime,
                    progress: Progress = lambda *args: None) -> dict[str, bytes]:
    """Profiles rendered in parallel, one process per core, in small batches so progress
    can be shown; files in a fixed order whatever finishes first."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    profiles = prepared.profiles
    batches = [profiles[i:i + PROFILE_BATCH] for i in range(0, len(profiles), PROFILE_BATCH)]
    merged: dict[str, bytes] = {}
    workers = max(1, min(os.cpu_count() or 1, len(batches)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_profile_files, config, prepared.figures, batch, created) for batch in batches]
        done = 0
        for future in as_completed(futures):
            merged.update(future.result())
            done += 1
            progress("profiles", min(done * PROFILE_BATCH, len(profiles)), len(profiles))
    return {name: merged[name] for name in sorted(merged)}


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(files: dict[str, bytes], inputs: list[Path], config: Config) -> bytes:
    """What was built from what: each output's and each input's SHA-256. Inputs are
    listed by file name so the manifest is the same in any folder."""
    templates = config.templates_path()
    overrides = sorted(p for p in templates.rglob("*") if p.is_file()) if templates else []
    document = {
        "period": config.period,
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in sorted(files.items())},
        "inputs": {
            "data": _database(config.data) or [{"name": p.name, "sha256": _sha256_file(p)} for p in inputs],
            "config": hashlib.sha256(config.model_dump_json(exclude={"base_dir", "data", "templates_dir"})
                                     .encode("utf-8")).hexdigest(),
            "templates": [{"name": str(p.relative_to(templates)), "sha256": _sha256_file(p)} for p in overrides],
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _database(data) -> list[dict]:
    """A database input by its table or query (never its URL, which may hold a password)."""
    from .config import DatabaseSource

    if not isinstance(data, DatabaseSource):
        return []
    return [{"table": data.table} if data.table else {"query": data.query}]


def build(config: Config, *, out: Optional[Path] = None, progress: Progress = lambda *args: None) -> BuildResult:
    from .publish import publish

    prepared = prepare(config, progress)
    files, render_warnings = render_files(config, prepared, progress)
    progress("publish")
    target = out or config.resolve(config.output_dir) / prepared.period.slug
    written = publish(files, target)
    return BuildResult(period=prepared.period, target=target.resolve(), files=written, rows=prepared.rows,
                       warnings=prepared.warnings + render_warnings)

