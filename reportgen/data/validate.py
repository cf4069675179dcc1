"""Validate all records from the one scan's grouped result: its keys are the distinct
values of every column and its counts say how many values did not parse. Only when
something is wrong is the data read again, to find the first offending record in file
order and name its file, row, column and value."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Callable, Optional, Sequence, Union

from sqlglot import exp

from ..errors import DataError
from ..reference import chapters, country_codes, resolve_province
from ..turkish import number
from .aggregate import Grouped
from .engine import Engine
from .queries import (BAD_CODE, BAD_VALUE, ODD_CODE, RECORD, SPELLINGS, VALUE_LIMIT, WHOLE_NUMBER, bad_code,
                      chapter_in, duplicates_query, first_match, hashed_as, is_in, is_null, odd_code_example, repeated_rows)
from .sources import Source

if TYPE_CHECKING:
    import pandas as pd

UNKNOWN_PROVINCE = "(resmî il adı ya da 1-81 arası plaka kodu olmalı)"
SHOWN_REPEATS = 5
MANY_REPEATS = 10_000
"""beyond this many records with a repeated hash, records are compared in the engine throughout"""

@dataclass(frozen=True)
class Validated:
    """What validation learnt that aggregation needs: how each raw province text maps
    to a plate code."""

    plates: dict[str, int]
    has_hq: bool
    rows: int
    warnings: list[str]
    """valid but suspicious: worth a warning, a failure under --strict"""


Message = Union[str, Callable[[Optional[str]], str]]


@dataclass(frozen=True)
class _Problem:
    column: str
    condition: exp.Expression
    """true for the offending records, over the canonical columns"""
    message: Message
    """what is wrong, or a function of the offending raw value that says it"""


def _distinct(frame: pd.DataFrame, column: str) -> list:
    return sorted(frame[column].dropna().unique().tolist(), key=str)


def _nulls(frame: pd.DataFrame, column: str) -> int:
    return int(frame.loc[frame[column].isna(), "records"].sum())


def _flagged(main: pd.DataFrame, bit: int) -> int:
    """How many records have a ``flags`` bit set (the scan's first grouping set)."""
    return int(main.loc[(main["flags"].astype("int64") & bit) != 0, "records"].sum())


def _empty_or(word_empty: str, word_bad: str) -> Callable[[Optional[str]], str]:
    return lambda raw: word_empty if raw is None or not str(raw).strip() else word_bad


def _value_problem(raw: Optional[str]) -> str:
    """Why a value was refused: empty, too large (rounded to the six decimals kept, half away
    from zero as the engine rounds), NaN or infinite, or not a number."""
    if raw is None or not str(raw).strip():
        return "değer boş"
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return "değer boş ya da sayı değil"
    if value.is_nan() or value.is_infinite():
        return "değer sayı değil (NaN ya da sonsuz)"
    if abs(value) >= VALUE_LIMIT - Decimal("0.0000005"):
        return f"değer olağan dışı büyük (bir kayıt en çok ±{number(VALUE_LIMIT - 1)} dolar olabilir)"
    return "değer boş ya da sayı değil"


def _when(column: str, bad: list, message: Message) -> list[_Problem]:
    return [_Problem(column, is_in(column, bad), message)] if bad else []


def _when_counted(column: str, count: int, condition: exp.Expression, message: Message) -> list[_Problem]:
    return [_Problem(column, condition, message)] if count else []


def _when_misspelled(column: str, main: pd.DataFrame, message: str) -> list[_Problem]:
    """A text year or month that the engine's cast read but that is not written as a whole
    number (``0x7E7``, ``2023.0``): each distinct spelling is checked, not each record."""
    spelled = SPELLINGS[column]
    bad = [text for text in _distinct(main, spelled) if not re.fullmatch(WHOLE_NUMBER, text)]
    return _when_counted(column, len(bad), is_in(spelled, bad), message)


def _problems(grouped: Grouped) -> tuple[list[_Problem], dict[str, int]]:
    """Checks in column order; the first that fails is reported."""
    main, by_country, by_hq = grouped.part("chapter"), grouped.part("country"), grouped.part("hq")
    provinces, hq_provinces = _distinct(main, "province"), _distinct(by_hq, "hq_province")
    plates = {raw: resolve_province(str(raw)) for raw in provinces + hq_provinces}
    years, months = _distinct(main, "year"), _distinct(main, "month")
    problems = [
        *_when_counted("year", _nulls(main, "year"), is_null("year"),
                       _empty_or("yıl boş", "yıl dört haneli bir sayı olmalı")),
        *_when_misspelled("year", main, "yıl dört haneli bir sayı olmalı"),
        *_when("year", [y for y in years if not 1000 <= y <= 9999], "yıl dört haneli bir sayı olmalı"),
        *_when_counted("month", _nulls(main, "month"), is_null("month"),
                       _empty_or("ay boş", "ay 1 ile 12 arasında bir sayı olmalı")),
        *_when_misspelled("month", main, "ay 1 ile 12 arasında bir sayı olmalı"),
        *_when("month", [m for m in months if not 1 <= m <= 12], "ay 1 ile 12 arasında bir sayı olmalı"),
        *_when_counted("province", _nulls(main, "province"), is_null("province"), "il boş"),
        *_when("province", [raw for raw in provinces if plates[raw] is None], f"bilinmeyen il {UNKNOWN_PROVINCE}"),
        *_when_counted("hs_code", _flagged(main, BAD_CODE), bad_code(),
                       "GTİP kodu 2-12 haneli bir sayı metni olmalı"),
        *_when_counted("hs_code", 1 if set(_distinct(main, "chapter")) - chapters().keys() else 0,
                       chapter_in(sorted(set(_distinct(main, "chapter")) - chapters().keys())),
                       "GTİP kodunun ilk iki hanesi geçerli bir fasıl (01-99) değil"),
        *_when_counted("country", _nulls(by_country, "country"), is_null("country"), "ülke kodu boş"),
        *_when("country", [c for c in _distinct(by_country, "country") if c not in country_codes()],
               "bilinmeyen ülke kodu (ISO 3166-1 alfa-2, büyük harfle, ör. DE)"),
        *_when_counted("value_usd", _flagged(main, BAD_VALUE), is_null("value_usd"), _value_problem),
        *_when("hq_province", [raw for raw in hq_provinces if plates[raw] is None],
               f"bilinmeyen merkez ili {UNKNOWN_PROVINCE}"),
    ]
    return problems, {str(raw): plate for raw, plate in plates.items() if plate is not None}


def _locate(engine: Engine, sources: list[Source], problem: _Problem) -> DataError:
    for source in sources:
        ordered = source.row is not None
        _, found = engine.rows(first_match(source.records(raw=True), problem.condition, problem.column, ordered))
        if found:
            raw = found[0][0]
            message = problem.message(raw) if callable(problem.message) else problem.message
            return DataError(message, file=source.label, row=found[0][1] if ordered else None,
                             column=source.header(problem.column), value="" if raw is None else raw)
    return DataError(problem.message(None) if callable(problem.message) else problem.message)


def validate(engine: Engine, sources: list[Source], grouped: Grouped) -> Validated:
    main = grouped.part("chapter")
    total = int(main["records"].sum())
    if total == 0:
        raise DataError("veri dosyalarında hiç kayıt yok", file=", ".join(s.label for s in sources))
    problems, plates = _problems(grouped)
    if problems:
        raise _locate(engine, sources, problems[0])
    has_hq = bool(grouped.part("hq")["hq_province"].notna().any())
    return Validated(plates=plates, has_hq=has_hq, rows=total, warnings=_odd_codes(engine, sources, main))


def _odd_codes(engine: Engine, sources: list[Source], main: pd.DataFrame) -> list[str]:
    """Every HS nomenclature level has an even number of digits: an odd one has most
    likely lost its leading zero to a spreadsheet (``80211`` for ``080211``)."""
    count = _flagged(main, ODD_CODE)
    if not count:
        return []
    example = engine.rows(odd_code_example([s.records() for s in sources]))[1][0][0]
    return [f"{number(count)} kayıtta GTİP kodu tek sayıda haneli (ör. {example}); baştaki sıfır kaybolmuş olabilir"]


@dataclass(frozen=True)
class _Repeats:
    groups: int
    """records that occur more than once"""
    copies: int
    """all their occurrences"""
    where: list[tuple[str, list[int]]]
    """each file's first rows that repeat an earlier row of the file"""


def repeated_records(engine: Engine, sources: list[Source], hashes: Optional[Sequence[tuple[int, int]]]
                     ) -> list[str]:
    """Records that repeat another one exactly are kept (a declaration can repeat) but
    said, with the first row numbers where the file has them. The scan found the record
    hashes more than one record has (``hashes``, with their counts; None where the engine
    hashes no records): none means no repeats, and nothing more is read. Otherwise this is
    a pass over the data of its own, so the build runs it beside the figures and charts;
    it runs after validation, so its numbers are cast without the validation guards."""
    if hashes is not None and not hashes:
        return []
    if hashes and sum(count for _, count in hashes) <= MANY_REPEATS:
        repeats = _compared_here(engine, sources, [h for h, _ in hashes], engine.record_hash)
    else:
        repeats = _compared_in_engine(engine, sources)
    if not repeats.groups:
        return []
    where = "; ".join(f"{label} satır {', '.join(str(r) for r in rows)}" for label, rows in repeats.where)
    shown = f"; ilk tekrarlar: {where}" if where else ""
    return [f"{number(repeats.copies - repeats.groups)} kayıt başka bir kaydın birebir aynısı "
            f"({number(repeats.groups)} kayıt birden çok kez var); hepsi toplamlara eklendi{shown}"]


def _compared_here(engine: Engine, sources: list[Source], hashes: list[int], function: str) -> _Repeats:
    """The few records whose hash repeats, read in one more pass and compared column by
    column here (a hash can collide; equal records always hash alike)."""
    counts: Counter = Counter()
    where: list[tuple[str, list[int]]] = []
    for source in sources:
        numbered = source.row is not None
        rows = engine.rows(hashed_as(source.records(raw=numbered, checked=False), hashes, function, numbered))[1]
        seen, again = set(), []
        for row in sorted(rows, key=lambda r: r[-1]) if numbered else rows:
            record = tuple(row[:len(RECORD)])
            counts[record] += 1
            if record in seen:
                again.append(row[-1])
            seen.add(record)
        left = SHOWN_REPEATS - sum(len(rows) for _, rows in where)
        if again and left > 0:
            where.append((source.label, again[:left]))
    repeated = [n for n in counts.values() if n > 1]
    return _Repeats(groups=len(repeated), copies=sum(repeated), where=where)


def _compared_in_engine(engine: Engine, sources: list[Source]) -> _Repeats:
    """Every record compared column by column in the engine: with many repeats, or an
    engine without a record hash."""
    _, found = engine.rows(duplicates_query([s.records(checked=False) for s in sources]))
    groups, copies = (int(v or 0) for v in found[0])
    where: list[tuple[str, list[int]]] = []
    for source in sources:
        left = SHOWN_REPEATS - sum(len(rows) for _, rows in where)
        if groups and source.row is not None and left > 0:
            _, rows = engine.rows(repeated_rows(source.records(raw=True, checked=False), left))
            if rows:
                where.append((source.label, [r[0] for r in rows]))
    return _Repeats(groups=groups, copies=copies, where=where)
