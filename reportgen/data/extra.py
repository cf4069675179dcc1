"""Editors' sections: their queries run over the view ``kayitlar`` of the validated records.

Safe by construction, in two layers. Before anything runs, the query must parse (SQLGlot
and DuckDB's own parser agree) as exactly one SELECT whose tables are ``kayitlar`` or its
own WITH names, with no table functions and no settings functions. Then the engine is
locked: DuckDB may read only the build's input files and scratch folder, other file and
network access is switched off, and the configuration cannot be changed back. Parameters
(``:year`` …) are bound by the engine, never pasted into the text; a row limit and a time
limit (the query is interrupted) bound what a query may cost.

Only DuckDB runs editors' queries: the database and Spark engines cannot be locked the
same way, so a build with both is refused with a clear message.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from sqlglot import Dialect, exp, tokens
from sqlglot.errors import ParseError, TokenError

from ..config import Config, ExtraSection
from ..errors import ConfigError, one_line
from ..notices import warn
from ..period import Period
from .engine import DuckDBEngine, Engine
from .queries import Names, compile_sql, records_view
from .sections import ExtraColumn, ExtraTable
from .sources import Source

VIEW = "kayitlar"
PARAMETERS = ("year", "month", "first_month", "previous_year")
VIEW_COLUMNS = (
    ("year", "INTEGER", "yıl", "2024"),
    ("month", "INTEGER", "ay (1-12)", "6"),
    ("plate", "INTEGER", "faaliyet ilinin plaka kodu", "16"),
    ("province", "VARCHAR", "faaliyet ili, resmî adıyla", "Bursa"),
    ("region_code", "VARCHAR", "İBBS Düzey-1 bölge kodu", "TR4"),
    ("region", "VARCHAR", "İBBS Düzey-1 bölgesi", "Doğu Marmara"),
    ("hs_code", "VARCHAR", "GTİP kodu, verideki gibi", "870323"),
    ("chapter", "VARCHAR", "fasıl kodu (GTİP'in ilk iki hanesi)", "87"),
    ("chapter_name", "VARCHAR", "faslın adı", "Motorlu kara taşıtları"),
    ("country", "VARCHAR", "ülkenin ISO kodu", "DE"),
    ("country_name", "VARCHAR", "ülkenin Türkçe adı", "Almanya"),
    ("technology", "VARCHAR", "teknoloji düzeyinin anahtarı", "orta-yuksek"),
    ("technology_name", "VARCHAR", "teknoloji düzeyinin adı", "Orta-yüksek teknoloji"),
    ("hq_plate", "INTEGER", "şirket merkezinin plaka kodu (veride yoksa boş)", "34"),
    ("hq_province", "VARCHAR", "şirket merkezinin ili (veride yoksa boş)", "İstanbul"),
    ("value_usd", "DECIMAL(38,6)", "ihracat değeri, ABD doları, tam", "1250.50"),
)
"""the view's columns: name, type, meaning and an example, for editors' reference"""
_SETTINGS_FUNCTIONS = re.compile(r"(duckdb_|pragma_|current_setting$|getenv$|which_secret$|load_|install_)", re.I)
_POSITION = re.compile(r"LINE (\d+): (.*)\n( *)\^")


def parameters(period: Period) -> dict[str, int]:
    """What a query may name: the bulletin's year, its (last) month, the first month of
    its cumulative span and the year before."""
    return {"year": period.year, "month": period.month or 12, "first_month": 1, "previous_year": period.year - 1}


def names_of(config: Config, plates: dict[str, int]) -> Names:
    """The view's reference names: official provinces and regions, chapters, CLDR's Turkish
    country names (with the config's overrides) and the technology levels' labels."""
    from ..reference import chapters, country_names, provinces, regions
    from ..technology import chapter_defaults

    region = regions()
    return Names(plates=plates,
                 provinces={p.plate: (p.name, region[p.plate].code, region[p.plate].name) for p in provinces()},
                 chapters=chapters(), countries=country_names(config.country_names),
                 chapter_levels=chapter_defaults(), levels=config.labels.technology)


def runs_queries(config: Config) -> bool:
    """Whether this config's engine can run editors' queries: DuckDB over files."""
    from ..config import DatabaseSource

    return config.engine == "duckdb" and not isinstance(config.data, DatabaseSource)


def check_engine(config: Config) -> None:
    """Editors' queries need DuckDB over files; say so before reading any data."""
    if config.extra_sections and not runs_queries(config):
        raise ConfigError("ek bölümlerin sorguları yalnızca DuckDB motorunda, dosyalardan okunan veride çalışır "
                          "(veritabanı ve Spark oturumları dosya erişimine kapatılamaz)", key="extra_sections")


def query_text(section: ExtraSection, config: Config) -> str:
    """The section's query: from the config, or ``sections/<name>.sql`` in the template folder."""
    if section.query is not None:
        return section.query
    folder = config.templates_path()
    path = folder / "sections" / f"{section.name}.sql" if folder else None
    if path is None or not path.is_file():
        raise ConfigError(f"'{section.name}' bölümünün sorgusu yok: 'query' verin ya da şablon klasörüne "
                          f"sections/{section.name}.sql koyun", key=_key(section))
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"'{section.name}' bölümünün sorgu dosyası okunamadı ({exc})", file=path) from None


def run_sections(engine: Engine, sources: list[Source], names: Names, refinements, config: Config, period: Period,
             wanted: list[str]) -> dict[str, ExtraTable]:
    """The ``wanted`` sections of the config, by name (the preview re-runs just a changed one)."""
    sections = [s for s in config.extra_sections if s.name in wanted]
    if not sections:
        return {}
    if not isinstance(engine, DuckDBEngine):
        check_engine(config)
    texts = {s.name: checked_query(query_text(s, config), s) for s in sections}
    _create_view(engine, sources, names, refinements)
    values = parameters(period)
    tables = {s.name: _run(engine, s, texts[s.name], values, config.query_limits) for s in sections}
    for table in tables.values():
        if not table.rows:
            warn("data", f"'{table.name}' bölümünün sorgusu bu dönem için hiç satır döndürmedi")
    return tables


def _create_view(engine: DuckDBEngine, sources: list[Source], names: Names, refinements) -> None:
    """``kayitlar`` made on this connection, which is then locked (``DuckDBEngine.lock``)."""
    view = exp.Create(this=exp.to_table(VIEW), kind="VIEW", replace=True,
                      expression=records_view([s.records() for s in sources], refinements, names),
                      properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
    engine.con.execute(compile_sql(view, "duckdb"))
    engine.lock()


@dataclass(frozen=True)
class ViewColumn:
    name: str
    type: str
    meaning: str
    example: object
    """a value from the build's data (the documented example when the data has none)"""


def documented_columns() -> list[ViewColumn]:
    return [ViewColumn(name, type_, meaning, example) for name, type_, meaning, example in VIEW_COLUMNS]


def view_columns(engine: DuckDBEngine, sources: list[Source], names: Names, refinements) -> list[ViewColumn]:
    """The view's columns, each with a value from the first record that has one, for the
    editors' reference (``reportgen context``, ``templates reference``)."""
    _create_view(engine, sources, names, refinements)
    found = exp.select(*[exp.func("any_value", exp.column(name)) for name, *_ in VIEW_COLUMNS]).from_(VIEW)
    row = engine.con.execute(compile_sql(found, "duckdb")).fetchone()
    return [ViewColumn(name, type_, meaning, documented if value is None else value)
            for (name, type_, meaning, documented), value in zip(VIEW_COLUMNS, row)]


def checked_query(text: str, section: ExtraSection) -> "Checked":
    """The query as DuckDB will run it, ``:name`` parameters written ``$name`` (same
    length, so positions in errors are the editor's), once it is known to be one SELECT
    over ``kayitlar``; otherwise an ``Ayar hatası`` naming the section."""
    runnable = _dollar_parameters(text, section)
    import sqlglot

    try:
        statements = [s for s in sqlglot.parse(runnable, read="duckdb") if s is not None]
    except (ParseError, TokenError) as exc:
        raise _error(section, f"sorgu çözümlenemedi{_parse_position(exc)}: {_first_line(exc)}") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise _error(section, "sorgu tek bir SELECT olmalı; yazan, silen ya da ayar değiştiren komutlara "
                              "ve ';' ile ayrılmış ikinci bir sorguya izin verilmez")
    query = statements[0]
    own = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    for table in query.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier) or table.args.get("db") or table.args.get("catalog"):
            raise _error(section, f"sorgu yalnızca '{VIEW}' görünümünü okuyabilir; dosya ya da tablo okuyan "
                                  f"işlevlere izin verilmez ({table.sql('duckdb')[:80]})")
        if table.name not in own and table.name.lower() != VIEW:
            raise _error(section, f"sorgu yalnızca '{VIEW}' görünümünü okuyabilir; '{table.name}' okunamaz")
    for function in query.find_all(exp.Anonymous):
        if _SETTINGS_FUNCTIONS.match(str(function.this)):
            raise _error(section, f"'{function.this}' işlevine izin verilmez; sorgu yalnızca kayıtları okuyabilir")
    used = {placeholder.name for placeholder in query.find_all(exp.Placeholder)}
    if not all(used) or used - set(PARAMETERS):
        raise _error(section, f"bilinmeyen parametre ({', '.join(sorted(repr(u) for u in used - set(PARAMETERS)))}); "
                              f"kullanılabilenler: {', '.join(':' + p for p in PARAMETERS)}")
    return Checked(runnable, tuple(sorted(used)))


@dataclass(frozen=True)
class Checked:
    """A query known to be one SELECT over the view, as DuckDB runs it."""

    text: str
    parameters: tuple[str, ...]


def _dollar_parameters(text: str, section: ExtraSection) -> str:
    """``:year`` → ``$year``; an unknown ``:name`` is named with the ones there are."""
    try:
        found = Dialect.get_or_raise("duckdb").tokenize(text)
    except TokenError as exc:
        raise _error(section, f"sorgu çözümlenemedi: {_first_line(exc)}") from None
    characters = list(text)
    for colon, name in zip(found, found[1:]):
        if colon.token_type == tokens.TokenType.COLON and name.start == colon.end + 1 \
                and name.token_type == tokens.TokenType.VAR:
            if name.text not in PARAMETERS:
                raise _error(section, f"bilinmeyen parametre ':{name.text}' ({_line_col(text, colon.start)}); "
                                      f"kullanılabilenler: {', '.join(':' + p for p in PARAMETERS)}")
            characters[colon.start] = "$"
    return "".join(characters)


def _run(engine: DuckDBEngine, section: ExtraSection, query: Checked, values: dict[str, int], limits) -> ExtraTable:
    text = query.text
    try:
        statements = engine.con.extract_statements(text)
    except Exception as exc:  # noqa: BLE001 - DuckDB's parser errors
        raise _error(section, _engine_problem(exc, text)) from None
    if len(statements) != 1 or statements[0].type.name != "SELECT":
        raise _error(section, "sorgu tek bir SELECT olmalı")
    named = {name: values[name] for name in query.parameters}
    timer = threading.Timer(limits.seconds, engine.interrupt)
    timer.start()
    try:
        result = engine.con.execute(text, named)
        rows = result.fetchmany(limits.rows + 1)
        columns = [d[0] for d in result.description]
    except Exception as exc:  # noqa: BLE001 - DuckDB's many error types
        if not timer.is_alive():
            raise _error(section, f"sorgu {limits.seconds:g} saniyelik süre sınırını aştı ve durduruldu "
                                  "(query_limits.seconds)") from None
        raise _error(section, _engine_problem(exc, text)) from None
    finally:
        timer.cancel()
    if len(rows) > limits.rows:
        raise _error(section, f"sorgu {limits.rows} satırdan fazla döndürdü (query_limits.rows); "
                              "LIMIT ya da GROUP BY ile daraltın")
    if len(set(columns)) != len(columns):
        raise _error(section, "sorgunun iki sütunu aynı adı taşıyor; AS ile ayrı adlar verin")
    unknown = [name for name in [*section.columns, *filter(None, [section.chart_value])] if name not in columns]
    if unknown:
        raise _error(section, f"'columns' ya da 'chart_value' içindeki {', '.join(map(repr, unknown))} sorgunun sonucunda yok "
                              f"(sütunlar: {', '.join(map(repr, columns))})")
    return ExtraTable(name=section.name, title=section.title, after=section.after,
                      columns=[_column(name, i, rows, section.columns.get(name)) for i, name in enumerate(columns)],
                      rows=[tuple(row) for row in rows], chart=section.chart, chart_value=section.chart_value,
                      unit=section.unit, note=section.note)


def _column(name: str, index: int, rows: list[tuple], format_name: Optional[str]) -> ExtraColumn:
    from ..turkish import default_format

    present = [row[index] for row in rows if row[index] is not None]
    numeric = bool(present) and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
                                    for v in present)
    return ExtraColumn(name=name, format=format_name or (default_format(present[0]) if present else "text"),
                       numeric=numeric)


def _engine_problem(exc: Exception, text: str) -> str:
    """DuckDB's message in Turkish words: where in the query (line and column, counted in
    the editor's text) and what the engine said."""
    message = str(exc)
    position = _POSITION.search(message)
    where = ""
    if position:
        line, shown = int(position.group(1)), position.group(2)
        column = len(position.group(3)) - len(f"LINE {line}: ") + 1
        if 1 <= line <= len(text.splitlines()) and shown.strip() in text.splitlines()[line - 1]:
            lead = len(text.splitlines()[line - 1]) - len(shown)
            column += max(lead, 0)
        where = f" (sorgunun {line}. satırı, {column}. sütunu)"
    said = message.split("\n\nLINE")[0].split("\nLINE")[0].strip()
    return f"sorgu çalıştırılamadı{where}; DuckDB'nin iletisi: {_first_line(said)}"


def _parse_position(exc: Exception) -> str:
    errors = getattr(exc, "errors", None) or []
    if errors and errors[0].get("line"):
        return f" (sorgunun {errors[0]['line']}. satırı, {errors[0]['col']}. sütunu)"
    return ""


def _line_col(text: str, offset: int) -> str:
    before = text[:offset]
    return f"sorgunun {before.count(chr(10)) + 1}. satırı, {offset - (before.rfind(chr(10)) + 1) + 1}. sütunu"


def _first_line(value: Any) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else type(value).__name__


def _key(section: ExtraSection) -> str:
    return f"extra_sections.{section.name}"


def _error(section: ExtraSection, problem: str) -> ConfigError:
    return ConfigError(one_line(f"'{section.name}' bölümü: {problem}"), key=_key(section))


