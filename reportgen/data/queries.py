"""The data stage's SQL, written once and compiled for each engine by SQLGlot.

Every query is an expression tree: column names, file and table names and every value
taken from the data enter it as identifier or literal nodes that SQLGlot quotes for the
target dialect, never by pasting text. The SQL below is a portable subset (TRY_CAST where
the engine has one, CASE guards where its cast would raise, anchored regular expressions,
GROUPING SETS, one-column GROUPING) that DuckDB, PostgreSQL and Spark all run.

One scan does all the work: each source's columns are turned into canonical typed
columns (invalid values become NULL and are counted), every record is classified by
technology level with joins on its code's leading characters (or, where codes repeat, each
distinct code once, and the records join that table), and grouping sets give the
sums by chapter and level, by country and by head-office province (a key no source
carries, such as a head office or the spelling of a typed year, is not grouped). What
validation needs rides along as a small ``flags`` key of the first set rather than as
aggregates: an engine computes every aggregate in every grouping set, and each costs a
pass over the records. Only the rare paths read again: to name an offending row, or to
show an example of a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from sqlglot import exp, parse_one

VALUE_LIMIT = 10**15
"""no single record may be a quadrillion dollars or more: sums of DECIMAL(38,6) then
cannot overflow for any realistic number of records"""
VALUE_TYPE = "DECIMAL(38, 6)"
BOUNDED_TYPE = f"DECIMAL({len(str(VALUE_LIMIT)) - 1 + 6}, 6)"
"""holds every value under VALUE_LIMIT and none from it on, so a TRY_CAST of text to it
is the range check itself, exact to the last decimal (a DOUBLE is not, near the limit)"""
NUMBER = r"^ *-?([0-9]{1,21}(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,2})? *$"
"""a number in a text column; the spaces around it are allowed (every engine's cast skips
them), so no per-record TRIM is needed"""
COMMA_NUMBER = r"^-?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?$"
CANONICAL = ("year", "month", "province", "hs_code", "country", "value_usd", "hq_province")
SPELLINGS = {"year": "year_text", "month": "month_text"}
"""the column of a text year and month as the source writes them (NULL for a typed column):
a grouping key of the first set, so validation checks each distinct spelling instead of
every record"""
SETS = {"chapter": ("province", "chapter", "level", "flags", *SPELLINGS.values()), "country": ("province", "country"),
        "hq": ("hq_province",)}
"""the scan's grouping sets (each also by year and month)"""
GROUPED = ("province", "chapter", "level", "flags", "country", "hq_province")
OPTIONAL = ("hq_province", *SPELLINGS.values())
"""keys only some sources have: one that no source carries is not grouped (a constant key
still costs a hash per record), and a set left without keys is not computed at all"""
BAD_CODE, ODD_CODE, BAD_VALUE = 1, 2, 4
"""the bits of ``flags``: a code that is not 2-12 digits, a code with an odd number of
digits, a value that is missing or not a number"""


@dataclass(frozen=True)
class Column:
    """One canonical column of a source: the source's own column (None if absent) and
    what kind of values it stores."""

    name: Optional[str]
    kind: str = "text"
    """``integer``, ``float``, ``decimal`` or ``text``"""


def kind_of(type_name: str, dialect: str) -> str:
    """An engine's column type as the kind the canonical expressions need."""
    data_type = exp.DataType.build(type_name, dialect=dialect)
    if data_type.is_type(*exp.DataType.INTEGER_TYPES):
        return "integer"
    if data_type.is_type(*exp.DataType.REAL_TYPES) and data_type.this != exp.DataType.Type.DECIMAL:
        return "float"
    if data_type.this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL):
        return "decimal"
    if data_type.is_type(*exp.DataType.TEXT_TYPES):
        return "text"
    return data_type.sql(dialect=dialect).lower()


def _sql(text: str) -> exp.Expression:
    return parse_one(text, read="duckdb")


def _guard(condition: exp.Expression, value: exp.Expression) -> exp.Expression:
    return exp.Case(ifs=[exp.If(this=condition, true=value)])


def _cast(value: exp.Expression, to: str) -> exp.Expression:
    """A cast under a CASE guard. DuckDB may evaluate it before the guard (a Parquet NaN
    pushed into the scan), so it is a TRY_CAST where the engine has one (``safe``: Spark's
    too); the guard decides the value either way."""
    return exp.TryCast(this=value, to=exp.DataType.build(to), safe=True)


def _regex(value: exp.Expression, pattern: str) -> exp.Expression:
    return exp.RegexpLike(this=value, expression=exp.Literal.string(pattern))


def digits(shortest: int, longest: int, spaced: bool = False) -> str:
    """The pattern of ``shortest`` to ``longest`` characters, all digits (``spaced``: with
    any spaces around), the same for the engines' regular expressions and Python's."""
    pad = " *" if spaced else ""
    return f"^{pad}[0-9]{{{shortest},{longest}}}{pad}$"


WHOLE_NUMBER = digits(1, 9, spaced=True)
"""a year or month in a text column (nine digits fit an INTEGER)"""


def all_digits(value: exp.Expression, shortest: int, longest: int, spaced: bool = False) -> exp.Expression:
    return _regex(value, digits(shortest, longest, spaced))


def whole_number(column: exp.Expression, kind: str, checked: bool = True, guarded: bool = True) -> exp.Expression:
    """A year or month as INTEGER (a narrow key groups and hashes faster than BIGINT);
    NULL when it is not a whole number of at most nine digits. Without ``checked``, a
    plain cast: the same value for records already validated. Text without ``guarded``
    is cast as it is, for an engine whose TRY_CAST gives NULL for what it cannot read: it
    may read more forms (``0x7E7``, ``2_023``), so validation checks the distinct
    spellings (``SPELLINGS``), far fewer than the records a grammar check would test."""
    if not checked or (kind == "text" and not guarded):
        return _cast(column, "INTEGER")
    if kind == "text":
        return _guard(_regex(column, WHOLE_NUMBER), _cast(column.copy(), "INTEGER"))
    fits = exp.Abs(this=column.copy()) < exp.Literal.number(10**9)
    if kind != "integer":
        fits = exp.and_(fits, exp.EQ(this=column.copy(), expression=exp.Floor(this=column.copy())))
    return _guard(fits, _cast(column, "INTEGER"))


def exact_value(column: exp.Expression, kind: str, decimal_mark: str, checked: bool = True,
                guarded: bool = True) -> exp.Expression:
    """The value as DECIMAL(38,6); NULL when it is missing, not a number, NaN, infinite
    or out of range. Text is checked against the number grammar before any cast (without
    ``checked``, a value with a decimal point is cast as it is: the same value for records
    already validated). Its range is checked by a cast to ``BOUNDED_TYPE`` where the
    engine's TRY_CAST gives NULL (not ``guarded``); a database's CAST would raise, so there
    the range is checked on a DOUBLE first."""
    if not checked and kind in ("text", "integer", "float", "decimal") and decimal_mark == ".":
        return _cast(column, VALUE_TYPE)
    if kind == "text":
        text: exp.Expression = column
        if decimal_mark == ",":
            trimmed = exp.Trim(this=column)
            plain = exp.func("replace", exp.func("replace", trimmed.copy(), exp.Literal.string("."),
                                                 exp.Literal.string("")), exp.Literal.string(","), exp.Literal.string("."))
            text = _guard(_regex(trimmed, COMMA_NUMBER), plain)
        number = _regex(text.copy(), NUMBER)
        if not guarded:
            return _guard(number, _cast(_cast(text.copy(), BOUNDED_TYPE), VALUE_TYPE))
        small = exp.Abs(this=_cast(text.copy(), "DOUBLE")) < exp.Literal.number(VALUE_LIMIT)
        return _guard(number, _guard(small, _cast(text.copy(), VALUE_TYPE)))
    if kind not in ("integer", "float", "decimal"):
        return exp.Null()
    return _guard(exp.Abs(this=column.copy()) < exp.Literal.number(VALUE_LIMIT), _cast(column, VALUE_TYPE))


def as_text(column: exp.Expression, kind: str) -> exp.Expression:
    return column if kind == "text" else _cast(column, "VARCHAR")


def carried(columns: Mapping[str, Column]) -> frozenset[str]:
    """The ``OPTIONAL`` keys a source's columns give: a head-office province, and the
    spellings of a text year and month."""
    present = {name for name, column in columns.items() if column.name is not None}
    spelled = {key for name, key in SPELLINGS.items() if name in present and columns[name].kind == "text"}
    return frozenset(({"hq_province"} & present) | spelled)


def canonical(relation: exp.Expression, columns: Mapping[str, Column], decimal_mark: str = ".",
              row: Optional[exp.Expression] = None, raw: bool = False, checked: bool = True,
              guarded: bool = True) -> exp.Select:
    """A source's records as canonical columns: ``year`` and ``month`` INTEGER,
    ``province``, ``hs_code``, ``country`` and ``hq_province`` text, ``value_usd``
    DECIMAL(38,6), and the ``SPELLINGS`` of a text year and month. With ``raw``, each
    column also as the source holds it (``raw_NAME``) and the record's row number
    (``row_number``), for naming an offending record; the raw value is not cast, so Python
    writes it the same way whichever engine read it. Without ``checked``, numbers are cast
    without the validation guards: cheaper, and the same values once validation has
    passed (for passes that only compare records). ``guarded``: the engine's cast raises
    on text it cannot read, so text is checked against its grammar before every cast."""
    selected = []
    for name in CANONICAL:
        column = columns.get(name, Column(None))
        if column.name is None:
            selected.append(exp.alias_(exp.Null(), name))
            if raw:
                selected.append(exp.alias_(exp.Null(), f"raw_{name}"))
            continue
        source = exp.column(column.name, quoted=True)
        if name in ("year", "month"):
            value = whole_number(source, column.kind, checked, guarded)
        elif name == "value_usd":
            value = exact_value(source, column.kind, decimal_mark, checked, guarded)
        else:
            value = as_text(source, column.kind)
        selected.append(exp.alias_(value, name))
        if raw:
            selected.append(exp.alias_(source.copy(), f"raw_{name}"))
    keys = carried(columns)
    for spelled, name in SPELLINGS.items():
        selected.append(exp.alias_(exp.column(columns[spelled].name, quoted=True) if name in keys else exp.Null(),
                                   name))
    if raw and row is not None:
        selected.append(exp.alias_(row, "row_number"))
    return exp.select(*selected).from_(relation)


def _odd_length(code: exp.Expression) -> exp.Expression:
    return exp.EQ(this=exp.Mod(this=exp.Length(this=code), expression=exp.Literal.number(2)),
                  expression=exp.Literal.number(1))


def _flag(condition: exp.Expression, bit: int) -> exp.Expression:
    return exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(bit))], default=exp.Literal.number(0))


CODE_CLASS = "code_class"
"""with each distinct code classified once, the grouping key that stands for a code's
chapter and level: one small integer hashes faster than two texts"""


def _aggregated(keys: frozenset[str], by_code: bool = False) -> exp.Select:
    """The grouping sets over ``classified``, with only the optional ``keys`` some source
    carries: a column no set groups by is NULL, and its GROUPING bit is set in every row.
    ``grouping_set`` is ``GROUPING(province, …, hq_province)`` written as one-column
    GROUPINGs times their bits: the same number, and Spark's GROUPING takes one column.
    ``by_code``: grouped by ``CODE_CLASS``, its chapter and level looked up afterwards."""
    key = {"chapter": CODE_CLASS, "level": CODE_CLASS} if by_code else {}
    sets = {name: list(dict.fromkeys(key.get(c, c) for c in columns if c not in OPTIONAL or c in keys))
            for name, columns in SETS.items()}
    grouped = {c for columns in sets.values() for c in columns}
    names = list(dict.fromkeys(key.get(c, c) for c in (*GROUPED, *SPELLINGS.values())))
    shown = [exp.column(c) if c in grouped else exp.alias_(exp.Null(), c) for c in names]
    bits = []
    for i, column in enumerate(GROUPED):
        bit = exp.Literal.number(1 << (len(GROUPED) - 1 - i))
        column = key.get(column, column)
        bits.append(exp.Mul(this=exp.Grouping(expressions=[exp.column(column)]), expression=bit)
                    if column in grouped else bit)
    total = bits[0]
    for bit in bits[1:]:
        total = exp.Add(this=total, expression=bit)
    query = exp.select("year", "month", *shown, exp.alias_(exp.Sum(this=exp.column("value_usd")), "value"),
                       exp.alias_(exp.Count(this=exp.Star()), "records"),
                       exp.alias_(total, "grouping_set")).from_("classified").group_by(
        exp.GroupingSets(expressions=[exp.Tuple(expressions=[exp.column(c) for c in ("year", "month", *columns)])
                                      for columns in sets.values() if columns]))
    if not by_code:
        return query
    columns = ("year", "month", *GROUPED, *SPELLINGS.values(), "value", "records", "grouping_set")
    return exp.select(*[exp.column(c, table="k" if c in key else "g") for c in columns]).from_(
        exp.alias_(exp.Subquery(this=query), "g")).join(
        exp.alias_(exp.to_table("classes"), "k"), join_type="left",
        on=exp.EQ(this=exp.column(CODE_CLASS, table="k"), expression=exp.column(CODE_CLASS, table="g")))


def _classes(code: exp.Column, lengths: Sequence[int]) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """What a code decides: its chapter, its technology level (the lookup of the longest
    matching prefix; NULL where the chapter's default applies) and the ``flags`` bits of
    the code itself, and the joins to the lookup tables these need: the shortest prefix
    first, each longer one only where the shorter lookup says it is ``refined``
    (``lookup_rows``). Elsewhere the longer join's key is NULL, which costs an engine far
    less than a lookup: most records need one lookup, not one per prefix length."""
    chapter = _leading(code, 2)
    level = exp.Coalesce(this=exp.column("level", table=f"t{lengths[0]}"),
                         expressions=[exp.column("level", table=f"t{n}") for n in lengths[1:]])
    flags = exp.Add(this=_flag(exp.not_(exp.Coalesce(this=all_digits(code.copy(), 2, 12), expressions=[exp.false()])),
                               BAD_CODE),
                    expression=_flag(_odd_length(code.copy()), ODD_CODE))
    joins, shorter = [], None
    for n in reversed(lengths):
        key = _leading(code, n)
        if shorter is not None:
            key = _guard(exp.column("refined", table=f"t{shorter}"), key)
        joins.append(exp.Join(this=exp.alias_(exp.to_table(f"technology_{n}"), f"t{n}"), side="LEFT",
                              on=exp.EQ(this=exp.column("prefix", table=f"t{n}"), expression=key)))
        shorter = n
    return [chapter, level, flags], joins


def lookup_rows(refinements: Mapping[int, Mapping[str, str]]) -> dict[int, list[tuple[str, Optional[str], bool]]]:
    """Each prefix length's lookup table as ``(prefix, level, refined)`` rows. A shorter
    length also holds the start of every longer prefix (its level NULL where it decides
    none itself), ``refined`` where a longer prefix starts with it: every code a longer
    prefix matches finds its start here first, so the longer lookup is needed only there."""
    tables = {}
    for n in refinements:
        starts = {prefix[:n] for m in refinements if m > n for prefix in refinements[m]}
        levels: dict[str, Optional[str]] = {**dict.fromkeys(starts), **refinements[n]}
        tables[n] = [(prefix, level, prefix in starts) for prefix, level in levels.items()]
    return tables


def _classified(sources: Sequence[exp.Select], refinements: Mapping[int, Mapping[str, str]], by_code: bool = False
                ) -> tuple[exp.Select, dict[str, exp.Select]]:
    """The canonical records of every source with their ``chapter``, ``level`` and
    ``flags``, and the tables it joins. Each record's code is classified, or with
    ``by_code`` each distinct code once (a table ``codes`` the records join on the whole
    code, for its flags and ``CODE_CLASS`` in place of chapter and level; ``classes``
    gives those back after the grouping): cheaper when codes repeat and the sources can be
    read twice cheaply."""
    records = records_of(sources)
    lengths = sorted(refinements, reverse=True)
    lookups: dict[str, exp.Select] = {f"technology_{n}": exp.select("prefix", "level", "refined").from_(
        _values(rows, "technology", ["prefix", "level", "refined"])) for n, rows in lookup_rows(refinements).items()}
    columns = [exp.column(name, table="records") for name in (*CANONICAL, *SPELLINGS.values())]
    no_value = _flag(exp.column("value_usd", table="records").is_(exp.Null()), BAD_VALUE)
    if not by_code:
        (chapter, level, code_flags), joins = _classes(exp.column("hs_code", table="records"), lengths)
        classified = exp.select(*columns, exp.alias_(chapter, "chapter"), exp.alias_(level, "level"),
                                exp.alias_(exp.Add(this=code_flags, expression=no_value), "flags")).from_(records)
        classified.set("joins", joins)
        return classified, lookups
    (chapter, level, code_flags), joins = _classes(exp.column("hs_code", table="distinct_codes"), lengths)
    distinct = exp.select("hs_code").distinct().from_(records.copy())
    code_class = exp.Window(this=exp.DenseRank(), order=exp.Order(expressions=[
        exp.Ordered(this=chapter.copy()), exp.Ordered(this=level.copy())]))
    codes = exp.select(exp.column("hs_code", table="distinct_codes"), exp.alias_(chapter, "chapter"),
                       exp.alias_(level, "level"), exp.alias_(code_flags, "code_flags"),
                       exp.alias_(code_class, CODE_CLASS)).from_(
        exp.alias_(exp.Subquery(this=distinct), "distinct_codes"))
    codes.set("joins", joins)
    lookups["codes"] = codes
    lookups["classes"] = exp.select(CODE_CLASS, "chapter", "level").distinct().from_("codes")
    unknown = exp.Coalesce(this=exp.column("code_flags", table="c"), expressions=[exp.Literal.number(BAD_CODE)])
    classified = exp.select(*columns, exp.column(CODE_CLASS, table="c"),
                            exp.alias_(exp.Add(this=unknown, expression=no_value), "flags")).from_(records).join(
        exp.alias_(exp.to_table("codes"), "c"), join_type="left",
        on=exp.EQ(this=exp.column("hs_code", table="c"), expression=exp.column("hs_code", table="records")))
    return classified, lookups


REPEATED_HASHES = -1
"""the ``grouping_set`` of the scan's rows that carry record hashes (in ``h``)"""
HASH_LISTS = 16
"""lists the scan returns every record's hash in, by the hash modulo this: a repeated hash
is in one list, so the lists are sorted apart, each small enough to stay in cache"""


def aggregate_query(sources: Sequence[exp.Select], refinements: Mapping[int, Mapping[str, str]],
                    keys: frozenset[str], record_hash: Optional[str] = None, by_code: bool = False,
                    hashes_listed: bool = False) -> exp.Query:
    """The one scan: canonical records of every source, classified and grouped (by the
    optional ``keys`` the sources carry). With the engine's ``record_hash``, the same pass
    also gives what finds repeated records, in rows of the grouping set ``REPEATED_HASHES``:
    with ``hashes_listed``, every record's hash in ``HASH_LISTS`` lists (``h``), for the
    caller to sort; otherwise each hash that more than one record has (``h``) and how many
    records have it (``records``). Either way no second pass reads the data for repeats.
    ``by_code``: classify each distinct code once (``_classified``)."""
    classified, lookups = _classified(sources, refinements, by_code)
    query: exp.Query = _aggregated(keys, by_code)
    if record_hash:
        query = exp.union(query.select(exp.alias_(exp.Null(), "h")), _hashes(record_hash, hashes_listed),
                          distinct=False)
    for name, body in lookups.items():
        query = query.with_(name, as_=body, copy=False)
    return query.with_("classified", as_=classified, copy=False)


def _hashes(record_hash: str, listed: bool) -> exp.Select:
    """The scan's rows of record hashes (see ``aggregate_query``)."""
    hashed = _record_hash(record_hash)
    nulls = [exp.alias_(exp.Null(), name) for name in ("year", "month", *GROUPED, *SPELLINGS.values(), "value")]
    flagged = exp.alias_(exp.Literal.number(REPEATED_HASHES), "grouping_set")
    if listed:
        return exp.select(*nulls, exp.alias_(exp.Null(), "records"), flagged,
                          exp.alias_(exp.ArrayAgg(this=hashed), "h")).from_("classified").group_by(
            exp.Mod(this=hashed.copy(), expression=exp.Literal.number(HASH_LISTS)))
    count = exp.Count(this=exp.Star())
    return exp.select(*nulls, exp.alias_(count, "records"), flagged, exp.alias_(hashed, "h")).from_("classified") \
        .group_by(hashed.copy()).having(exp.GT(this=count.copy(), expression=exp.Literal.number(1)))


RECORDS_VIEW = """
SELECT c.year, c.month, p.plate, n.province, n.region_code, n.region, c.hs_code, c.chapter, h.chapter_name,
       c.country, k.country_name, COALESCE(c.level, d.level) AS technology, t.technology_name,
       q.plate AS hq_plate, m.province AS hq_province, c.value_usd
FROM classified AS c
JOIN plates AS p ON c.province = p.raw
JOIN province_names AS n ON p.plate = n.plate
LEFT JOIN chapter_names AS h ON c.chapter = h.chapter
LEFT JOIN country_names AS k ON c.country = k.country
LEFT JOIN chapter_levels AS d ON c.chapter = d.chapter
LEFT JOIN level_names AS t ON COALESCE(c.level, d.level) = t.level
LEFT JOIN plates AS q ON c.hq_province = q.raw
LEFT JOIN province_names AS m ON q.plate = m.plate
"""


@dataclass(frozen=True)
class Names:
    """What the records view spells out: each province spelling's plate, and the names
    of provinces, regions, chapters, countries and technology levels."""

    plates: Mapping[str, int]
    """a spelling in the data → its plate code"""
    provinces: Mapping[int, tuple[str, str, str]]
    """plate → (province, region code, region)"""
    chapters: Mapping[str, str]
    countries: Mapping[str, str]
    chapter_levels: Mapping[str, str]
    """chapter → the technology level of its codes that no prefix decides"""
    levels: Mapping[str, str]
    """technology level → its name"""


def records_view(sources: Sequence[exp.Select], refinements: Mapping[int, Mapping[str, str]],
                 names: Names) -> exp.Select:
    """The validated records as editors query them (the view ``kayitlar``): the canonical
    columns with plate, province, region, chapter, country and technology spelled out."""
    classified, lookups = _classified(sources, refinements)
    tables = {
        "plates": _values(names.plates.items(), "plates", ["raw", "plate"]),
        "province_names": _values([(plate, *named) for plate, named in names.provinces.items()], "province_names",
                                  ["plate", "province", "region_code", "region"]),
        "chapter_names": _values(names.chapters.items(), "chapter_names", ["chapter", "chapter_name"]),
        "country_names": _values(names.countries.items(), "country_names", ["country", "country_name"]),
        "chapter_levels": _values(names.chapter_levels.items(), "chapter_levels", ["chapter", "level"]),
        "level_names": _values(names.levels.items(), "level_names", ["level", "technology_name"]),
    }
    query = _sql(RECORDS_VIEW)
    for name, body in {**lookups, **{n: exp.select("*").from_(v) for n, v in tables.items()}}.items():
        query = query.with_(name, as_=body, copy=False)
    return query.with_("classified", as_=classified, copy=False)


def _values(rows, alias: str, columns: list[str]) -> exp.Expression:
    return exp.values(sorted(rows), alias=alias, columns=columns)


def _leading(code: exp.Expression, n: int) -> exp.Expression:
    return exp.Substring(this=code.copy(), start=exp.Literal.number(1), length=exp.Literal.number(n))


def code_sample(sources: Sequence[exp.Select], limit: int) -> exp.Select:
    """How many distinct codes the first ``limit`` records have, and how many records
    those are."""
    sample = exp.select("hs_code").from_(records_of(sources)).limit(limit)
    return exp.select(exp.Count(this=exp.Distinct(expressions=[exp.column("hs_code")])), exp.Count(this=exp.Star())
                      ).from_(exp.alias_(exp.Subquery(this=sample), "sample"))


def odd_code_example(sources: Sequence[exp.Select]) -> exp.Select:
    """The smallest code with an odd number of digits, for the warning that shows one."""
    return exp.select(exp.Min(this=exp.column("hs_code"))).from_(records_of(sources)).where(
        _odd_length(exp.column("hs_code")))


def first_match(relation: exp.Select, condition: exp.Expression, column: str, ordered: bool) -> exp.Select:
    """The raw value (and row number) of the first record meeting ``condition``."""
    query = exp.select(f"raw_{column}", *(["row_number"] if ordered else [])).from_(
        exp.alias_(exp.Subquery(this=relation), "records")).where(condition).limit(1)
    return query.order_by("row_number") if ordered else query


def is_in(column: str, values: Sequence) -> exp.Expression:
    """``column IN (values…)``, each value a literal."""
    return exp.column(column).isin(*[exp.convert(v) for v in values])


def is_null(column: str) -> exp.Expression:
    return exp.column(column).is_(exp.Null())


def bad_code() -> exp.Expression:
    return exp.or_(is_null("hs_code"), exp.not_(all_digits(exp.column("hs_code"), 2, 12)))


def chapter_in(chapters: Sequence[str]) -> exp.Expression:
    chapter = exp.Substring(this=exp.column("hs_code"), start=exp.Literal.number(1), length=exp.Literal.number(2))
    return chapter.isin(*[exp.Literal.string(c) for c in chapters])


DUPLICATES = """
SELECT COUNT(*) AS groups, SUM(copies) AS copies
FROM (SELECT COUNT(*) AS copies FROM records
      GROUP BY year, month, province, hs_code, country, value_usd, hq_province
      HAVING COUNT(*) > 1) AS repeated
"""
REPEATED = """
SELECT row_number
FROM (SELECT row_number,
             ROW_NUMBER() OVER (PARTITION BY year, month, province, hs_code, country, value_usd, hq_province
                                ORDER BY row_number) AS copy
      FROM records) AS numbered
WHERE copy > 1
ORDER BY row_number
"""


def records_of(sources: Sequence[exp.Select]) -> exp.Expression:
    """Every source's canonical records as one relation named ``records``."""
    return exp.alias_(exp.Subquery(this=_all_records(sources)), "records")


def _all_records(sources: Sequence[exp.Select]) -> exp.Expression:
    records = sources[0]
    for other in sources[1:]:
        records = exp.union(records, other, distinct=False)
    return records


RECORD = ("year", "month", "province", "hs_code", "country", "value_usd", "hq_province")
"""what makes two records the same record"""


def _record_hash(function: str) -> exp.Expression:
    """The engine's 64-bit hash of a whole record (DuckDB's ``hash``, Spark's ``xxhash64``)."""
    return exp.Anonymous(this=function, expressions=[exp.column(name) for name in RECORD])


def hashed_as(source: exp.Select, hashes: Sequence[int], function: str, numbered: bool) -> exp.Select:
    """A source's records whose ``function`` hash is one of ``hashes`` (with their row
    numbers when ``numbered``): the few that may repeat, read in one pass."""
    columns = [*RECORD, *(["row_number"] if numbered else [])]
    return exp.select(*columns).from_(exp.alias_(exp.Subquery(this=source), "records")).where(
        _record_hash(function).isin(*[exp.Literal.number(h) for h in hashes]))


def duplicates_query(sources: Sequence[exp.Select]) -> exp.Select:
    """How many records repeat another one exactly, value included."""
    return _sql(DUPLICATES).with_("records", as_=_all_records(sources))


def repeated_rows(source: exp.Select, limit: int) -> exp.Select:
    """The row numbers of a file's first records that repeat an earlier one exactly."""
    return _sql(REPEATED).limit(limit).with_("records", as_=source)


def compile_sql(query: exp.Expression, dialect: str) -> str:
    return query.sql(dialect=dialect)
