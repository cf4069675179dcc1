"""Validate all records with one scan over distinct values, then, only when something is
wrong, find the first offending record in file order to name its file, row and value."""

from __future__ import annotations

from dataclasses import dataclass
from ..errors import DataError
from ..reference import chapters, country_codes, resolve_province
from .engine import Engine
from .sources import Source

NUMBER_PATTERN = r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$"
HS_PATTERN = "^[0-9]{2,12}$"
LIST_KEYS = ("years", "months", "provinces", "hq_provinces", "countries", "chapters")


@dataclass(frozen=True)
class Validated:
    """What validation learnt that aggregation needs: how each raw province text maps
    to a plate code."""

    plates: dict[str, int]
    has_hq: bool
    rows: int
    warnings: list[str]
    """valid but suspicious: worth a warning, a failure under --strict"""


@dataclass(frozen=True)
class _Problem:
    column: str
    condition: str
    """SQL condition true for offending records"""
    message: str


def _in_list(column: str, values: list[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def _distinct(column: str, condition: str = "") -> str:
    return f"array_agg(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL{condition})"


def _scan(engine: Engine) -> dict:
    query = f"""
    SELECT
      {_distinct("year")} AS years,
      {_distinct("month")} AS months,
      {_distinct("province")} AS provinces,
      {_distinct("hq_province")} AS hq_provinces,
      {_distinct("country")} AS countries,
      array_agg(DISTINCT substr(hs_code, 1, 2)) FILTER (WHERE hs_code ~ '{HS_PATTERN}') AS chapters,
      count(*) FILTER (WHERE year IS NULL) AS null_year,
      count(*) FILTER (WHERE month IS NULL) AS null_month,
      count(*) FILTER (WHERE province IS NULL) AS null_province,
      count(*) FILTER (WHERE country IS NULL) AS null_country,
      count(*) FILTER (WHERE hs_code IS NULL OR NOT hs_code ~ '{HS_PATTERN}') AS bad_hs,
      count(*) FILTER (WHERE value_usd IS NULL OR NOT trim(value_usd) ~ '{NUMBER_PATTERN}') AS bad_value,
      count(*) FILTER (WHERE hq_province IS NOT NULL) AS hq_rows,
      count(*) FILTER (WHERE length(hs_code) % 2 = 1) AS odd_codes,
      min(hs_code) FILTER (WHERE length(hs_code) % 2 = 1) AS odd_example,
      count(*) AS n
    FROM rows
    """
    names, rows = engine.rows(query)
    scan = dict(zip(names, rows[0]))
    for key in LIST_KEYS:
        scan[key] = list(scan[key] or [])
    return scan


def _when_any(column: str, bad: list[str], message: str, expression: str = "") -> list[_Problem]:
    """A problem with the records holding any of the bad distinct values."""
    return [_Problem(column, _in_list(expression or column, bad), message)] if bad else []


def _when_counted(column: str, count: int, condition: str, message: str) -> list[_Problem]:
    """A problem with the records a counted condition matched."""
    return [_Problem(column, condition, message)] if count else []


def _problems(scan: dict) -> tuple[list[_Problem], dict[str, int]]:
    """Checks in column order; the first that fails is reported."""
    plates = {raw: resolve_province(raw) for raw in scan["provinces"] + scan["hq_provinces"]}
    unknown_province = "(resmî il adı ya da 1-81 arası plaka kodu olmalı)"
    problems = [
        *_when_counted("year", scan["null_year"], "year IS NULL", "yıl boş"),
        *_when_any("year", [y for y in scan["years"] if not (y.strip().isdigit() and len(y.strip()) == 4)],
                   "yıl dört haneli bir sayı olmalı"),
        *_when_counted("month", scan["null_month"], "month IS NULL", "ay boş"),
        *_when_any("month", [m for m in scan["months"] if not (m.strip().isdigit() and 1 <= int(m) <= 12)],
                   "ay 1 ile 12 arasında bir sayı olmalı"),
        *_when_counted("province", scan["null_province"], "province IS NULL", "il boş"),
        *_when_any("province", [raw for raw in scan["provinces"] if plates[raw] is None],
                   f"bilinmeyen il {unknown_province}"),
        *_when_counted("hs_code", scan["bad_hs"], f"hs_code IS NULL OR NOT hs_code ~ '{HS_PATTERN}'",
                       "GTİP kodu 2-12 haneli bir sayı metni olmalı"),
        *_when_any("hs_code", [c for c in scan["chapters"] if c not in chapters()],
                   "GTİP kodunun ilk iki hanesi geçerli bir fasıl (01-99) değil", "substr(hs_code, 1, 2)"),
        *_when_counted("country", scan["null_country"], "country IS NULL", "ülke kodu boş"),
        *_when_any("country", [c for c in scan["countries"] if c not in country_codes()],
                   "bilinmeyen ülke kodu (ISO 3166-1 alfa-2, büyük harfle, ör. DE)"),
        *_when_counted("value_usd", scan["bad_value"],
                       f"value_usd IS NULL OR NOT trim(value_usd) ~ '{NUMBER_PATTERN}'", "değer boş ya da sayı değil"),
        *_when_any("hq_province", [raw for raw in scan["hq_provinces"] if plates[raw] is None],
                   f"bilinmeyen merkez ili {unknown_province}"),
    ]
    return problems, {raw: plate for raw, plate in plates.items() if plate is not None}


def _locate(engine: Engine, sources: list[Source], problem: _Problem) -> DataError:
    for source in sources:
        order = "ORDER BY _row " if source.row_expr else ""
        names, found = engine.rows(
            f"SELECT {problem.column}{', _row' if source.row_expr else ''} "
            f"FROM ({source.select(numbered=bool(source.row_expr))}) AS records "
            f"WHERE {problem.condition} {order}LIMIT 1"
        )
        if found:
            value, row = found[0][0], (found[0][1] if source.row_expr else None)
            return DataError(problem.message, file=source.path, row=row,
                             column=source.header[problem.column], value="" if value is None else value)
    return DataError(problem.message)


def _first_unreadable(engine: Engine, sources: list[Source], error: Exception) -> DataError:
    """A record the engine cannot parse (a broken CSV line): find which file it is in."""
    for source in sources:
        try:
            engine.rows(f"SELECT count(*) FROM ({source.select()}) AS records")
        except Exception as exc:  # noqa: BLE001 - each engine has its own error types
            return DataError(f"dosya okunamadı: {str(exc).splitlines()[0]}", file=source.path)
    return DataError(f"veri okunamadı: {str(error).splitlines()[0]}")


def validate(engine: Engine, sources: list[Source]) -> Validated:
    try:
        scan = _scan(engine)
    except Exception as exc:  # noqa: BLE001 - DuckDB or database driver errors
        raise _first_unreadable(engine, sources, exc) from None
    if scan["n"] == 0:
        raise DataError("veri dosyalarında hiç kayıt yok", file=", ".join(str(s.path) for s in sources))
    problems, plates = _problems(scan)
    if problems:
        raise _locate(engine, sources, problems[0])
    return Validated(plates=plates, has_hq=scan["hq_rows"] > 0, rows=scan["n"], warnings=_warnings(scan))


def _warnings(scan: dict) -> list[str]:
    """Every HS nomenclature level has an even number of digits: an odd one has most
    likely lost its leading zero to a spreadsheet (``80211`` for ``080211``)."""
    if not scan["odd_codes"]:
        return []
    return [f"{scan['odd_codes']} kayıtta GTİP kodu tek sayıda haneli (ör. {scan['odd_example']}); "
            f"baştaki sıfır kaybolmuş olabilir"]
