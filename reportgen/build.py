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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .charts import Chart
from .compute import Figures
from .config import Config
from .errors import DataError
from .period import Period, creation_date, parse_period

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Prepared:
    """Everything computed from the data: what the templates and tables show."""

    figures: Figures
    charts: dict[str, Chart]
    inputs: list[Path]
    rows: int
    warnings: list[str]

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


def prepare(config: Config, progress: Progress = lambda stage: None) -> Prepared:
    import duckdb

    from . import charts, checks, compute
    from .data.aggregate import aggregate
    from .data.sources import find_files, open_sources
    from .data.validate import validate
    from .reference import chapter_words, chapters, country_names

    period = parse_period(config.period)
    progress("load")
    paths = find_files(config.data, config.resolve)
    with duckdb.connect() as con:
        sources = open_sources(con, paths, config.columns, config.csv)
        progress("validate")
        validated = validate(con, sources)
        progress("aggregate")
        aggregates = aggregate(con, validated)

    progress("compute")
    figures = compute.compute(
        aggregates, period, top_provinces=config.top_provinces, leaders=config.leaders,
        leader_items=config.leader_items, chapter_names=chapters(), chapter_words=chapter_words(),
        country_names=country_names(config.country_names))
    warnings = checks.data_warnings(figures, aggregates)
    if config.strict and warnings:
        raise DataError("--strict: uyarılar hata sayılır: " + "; ".join(warnings))

    progress("charts")
    return Prepared(figures=figures, charts=charts.draw_charts(figures), inputs=paths,
                    rows=validated.rows, warnings=warnings)


def render_html(config: Config, prepared: Prepared, medium: str = "html") -> str:
    from . import render

    context = render.Context(prepared.figures, prepared.charts, config,
                             creation_date(prepared.period).date(), medium=medium)
    return render.render_html(render.environment(config.templates_path()), context)


def render_files(config: Config, prepared: Prepared, progress: Progress = lambda stage: None
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
        f"tablolar-{period.slug}.xlsx": tables.to_xlsx(
            data_tables, title=f"{config.title} {period.slug}", author=config.publisher,
            created=created.replace(tzinfo=None)),
        **{f"{t.name}.csv": tables.to_csv(t) for t in data_tables},
        **{f"{c.name}.svg": c.svg.encode("utf-8") for c in prepared.charts.values()},
        **{f"{c.name}.png": c.png for c in prepared.charts.values()},
    }
    files["manifest.json"] = manifest(files, prepared.inputs, config)
    return files, warnings


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
            "data": [{"name": p.name, "sha256": _sha256_file(p)} for p in inputs],
            "config": hashlib.sha256(config.model_dump_json(exclude={"base_dir", "data", "templates_dir"})
                                     .encode("utf-8")).hexdigest(),
            "templates": [{"name": str(p.relative_to(templates)), "sha256": _sha256_file(p)} for p in overrides],
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build(config: Config, *, out: Optional[Path] = None, progress: Progress = lambda stage: None) -> BuildResult:
    from .publish import publish

    prepared = prepare(config, progress)
    files, render_warnings = render_files(config, prepared, progress)
    progress("publish")
    target = out or config.resolve(config.output_dir) / prepared.period.slug
    written = publish(files, target)
    return BuildResult(period=prepared.period, target=target.resolve(), files=written, rows=prepared.rows,
                       warnings=prepared.warnings + render_warnings)

