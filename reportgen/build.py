"""The pipeline, one way: data → validate → aggregate → compute → charts → render →
PDF and tables → publish. Each stage is its own module; this one only connects them."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from .config import Config
from .period import Period, parse_period

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    period: Period
    target: Path
    files: list[Path]
    rows: int
    warnings: list[str]


def creation_date(period: Period) -> dt.datetime:
    """The bulletin's date: ``SOURCE_DATE_EPOCH`` when set, otherwise the day after the
    period ends — never the wall clock, so identical inputs give identical files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime(period.year + 1, 1, 1, tzinfo=dt.timezone.utc)


def build(config: Config, *, data: Optional[Sequence[str]] = None, out: Optional[Path] = None,
          templates: Optional[Path] = None, progress: Progress = lambda stage: None) -> BuildResult:
    import duckdb

    from . import charts, compute, render, tables
    from .data.aggregate import aggregate
    from .data.sources import find_files, open_sources
    from .data.validate import validate
    from .pdf import html_to_pdf
    from .publish import publish
    from .reference import chapter_words, chapters, country_names

    period = parse_period(config.period)
    env = render.environment(templates or (config.resolve(config.templates_dir) if config.templates_dir else None))

    progress("load")
    paths = find_files(data, Path.cwd().joinpath) if data else find_files(config.data, config.resolve)
    con = duckdb.connect()
    sources = open_sources(con, paths, config.columns, config.csv)
    progress("validate")
    validated = validate(con, sources)
    progress("aggregate")
    aggregates = aggregate(con, validated)
    con.close()

    progress("compute")
    figures = compute.compute(
        aggregates, period, top_provinces=config.top_provinces, leaders=config.leaders,
        leader_items=config.leader_items, chapter_names=chapters(), chapter_words=chapter_words(),
        country_names=country_names(config.country_names))

    progress("charts")
    drawn = charts.draw_charts(figures)

    progress("render")
    created = creation_date(period)
    context = render.Context(figures, drawn, config, created.date(), medium="html")
    html = render.render_html(env, context)
    print_html = render.render_html(env, replace(context, medium="pdf"))

    progress("pdf")
    pdf, warnings = html_to_pdf(print_html, created)

    progress("tables")
    data_tables = tables.build_tables(figures, config.labels)
    stem = f"{config.file_stem}-{period.slug}"
    files = {
        f"{stem}.html": html.encode("utf-8"),
        f"{stem}.pdf": pdf,
        f"tablolar-{period.slug}.xlsx": tables.to_xlsx(
            data_tables, title=f"{config.title} {period.slug}", author=config.publisher,
            created=created.replace(tzinfo=None)),
        **{f"{t.name}.csv": tables.to_csv(t) for t in data_tables},
        **{f"{c.name}.svg": c.svg.encode("utf-8") for c in drawn.values()},
        **{f"{c.name}.png": c.png for c in drawn.values()},
    }

    progress("publish")
    target = out or config.resolve(config.output_dir) / period.slug
    written = publish(files, target)
    return BuildResult(period=period, target=target.resolve(), files=written, rows=validated.rows,
                       warnings=warnings)
