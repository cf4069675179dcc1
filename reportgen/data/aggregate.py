"""One scan of all records (``queries.aggregate_query``) to the small grouped table, and
from it, once validated, the tables the bulletin computes from.

Sums are exact decimals (DECIMAL(38,6) in the engine, ``decimal.Decimal`` in pandas), so a
share or change is never off by a float's last bit at a rounding boundary.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from ..errors import DataError
from ..technology import chapter_defaults, refinements
from .dialect import first_unreadable_line
from .engine import Engine
from .queries import GROUPED, REPEATED_HASHES, SETS, aggregate_query, code_sample
from .sources import Source

if TYPE_CHECKING:
    import pandas as pd


def grouping_mask(name: str) -> int:
    """The GROUPING() value of a grouping set: a bit set for each column rolled up."""
    return sum(1 << (len(GROUPED) - 1 - i) for i, column in enumerate(GROUPED) if column not in SETS[name])


@dataclass(frozen=True)
class Grouped:
    """The one scan's result: sums and validation counts of its grouping sets, as
    an Arrow table (exact decimals stay in Arrow until the last small tables)."""

    table: pa.Table
    repeated: Optional[tuple[tuple[int, int], ...]] = None
    """each record hash that more than one record has, and how many have it (None: the
    engine hashes no records, so repeats are looked for by comparing every column)"""

    @classmethod
    def of(cls, scanned: pa.Table) -> "Grouped":
        """The scan's result, its repeated hashes (if it looked for them) taken apart."""
        if "h" not in scanned.column_names:
            return cls(scanned)
        hashes = pc.equal(scanned["grouping_set"], REPEATED_HASHES)
        table = scanned.drop_columns(["h"]).filter(pc.invert(hashes))
        if pa.types.is_list(scanned.schema.field("h").type):
            return cls(table, listed_repeats(scanned["h"]))
        repeated = scanned.filter(hashes)
        return cls(table, tuple(zip(repeated["h"].to_pylist(), repeated["records"].to_pylist())))

    @cached_property
    def _parts(self) -> dict[str, pd.DataFrame]:
        """Each grouping set's keys and counts, for validation: split in Arrow and only its
        own columns converted (filtering converted text columns costs more than the rest
        of validation)."""
        sets = self.table["grouping_set"]
        return {name: self.table.select(["year", "month", *keys, "records"])
                .filter(pc.equal(sets, grouping_mask(name))).to_pandas() for name, keys in SETS.items()}

    def part(self, name: str) -> pd.DataFrame:
        return self._parts[name]


def listed_repeats(lists: pa.ChunkedArray) -> tuple[tuple[int, int], ...]:
    """Each hash that more than one record has, and how many have it, from the scan's
    lists of every record's hash (``queries.HASH_LISTS``; NULL in the other rows): each
    list sorted on its own, equal neighbours counted. The lists are sorted on every core
    (numpy lets go of Python's lock as it sorts): the engine has finished with them."""
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        return tuple(pair for found in pool.map(_repeats_in, _each_list(lists)) for pair in found)


def _each_list(lists: pa.ChunkedArray) -> Iterator[np.ndarray]:
    """The hashes of each list that is not NULL, as views of its chunk's values."""
    for chunk in lists.chunks:
        values, offsets = chunk.values.to_numpy(), chunk.offsets.to_numpy()
        for row in np.flatnonzero(chunk.is_valid().to_numpy(zero_copy_only=False)):
            yield values[offsets[row]:offsets[row + 1]]


def _repeats_in(hashes: np.ndarray) -> list[tuple[int, int]]:
    ordered = np.sort(hashes)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return []
    repeated, extra = np.unique(ordered[1:][same], return_counts=True)
    return list(zip(repeated.tolist(), (extra + 1).tolist()))


CODE_SAMPLE = 100_000
"""records sampled to decide whether to classify each code once (``by_code``)"""
CODE_REPEATS = 2
"""records a code, at least, in that sample"""


def scan(engine: Engine, sources: list[Source]) -> Grouped:
    """Read every record once, for the sums, the validation counts and the repeated
    records; a file that cannot be read is named, with its line where the file has one."""
    try:
        return Grouped.of(engine.arrow(scan_query(engine, sources)))
    except Exception as exc:  # noqa: BLE001 - each engine has its own error types
        raise _unreadable(engine, sources, exc) from None


def scan_query(engine: Engine, sources: list[Source], record_hash: bool = True) -> exp.Query:
    """The scan's query as ``scan`` runs it (``benchmarks/scan.py`` times it too); without
    ``record_hash``, with no search for repeated records."""
    keys = frozenset().union(*(s.keys for s in sources))
    return aggregate_query([s.records() for s in sources], refinements(), keys,
                           engine.record_hash if record_hash else None, by_code(engine, sources),
                           engine.hashes_listed and lists_fit(sources))


LISTED_RECORDS = 16_000_000
"""records, at most, whose hashes the scan lists: 8 bytes each, in DuckDB's lists and again
in their result, which cannot spill to disk: up to 256 MB, half of its memory
(``inputs.MEMORY_LIMIT``; 30 M records ran out of it). Beyond, or with no bound known, it
groups them, spilling"""


def lists_fit(sources: list[Source]) -> bool:
    """Whether the files' records are known to be few enough for their hashes to be listed."""
    bounds = [source.most_records for source in sources]
    return None not in bounds and sum(bounds) <= LISTED_RECORDS


def by_code(engine: Engine, sources: list[Source]) -> bool:
    """Whether the scan classifies each distinct code once rather than every record: when
    a pass over the codes alone is cheap (columnar sources) and the first records repeat
    their codes. Export data has some 16,000 codes in millions of records; with hundreds
    of thousands of codes, their table costs more than it saves. The result is the same."""
    if not all(source.columnar for source in sources):
        return False
    distinct, sampled = engine.rows(code_sample([s.records() for s in sources], CODE_SAMPLE))[1][0]
    return distinct * CODE_REPEATS <= sampled


def _unreadable(engine: Engine, sources: list[Source], error: Exception) -> DataError:
    for source in sources:
        if source.path is not None and not source.path.is_file():
            return DataError("veri dosyası derleme sırasında silinmiş ya da taşınmış", file=source.path)
        if source.dialect is not None:
            broken = first_unreadable_line(source.path, source.dialect)
            if broken:
                return DataError(broken[1], file=source.path, row=broken[0])
    if len(sources) == 1:
        return DataError(f"veri okunamadı: {_first_line(error)}", file=sources[0].label)
    for source in sources:
        try:
            engine.rows(aggregate_query([source.records()], refinements(), source.keys))
        except Exception as exc:  # noqa: BLE001
            return DataError(f"dosya okunamadı: {_first_line(exc)}", file=source.label)
    return DataError(f"veri okunamadı: {_first_line(error)}")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@dataclass(frozen=True)
class Aggregates:
    """Export values by year, month and activity province (plate code), by HS chapter,
    by country and by technology level, and by head-office province when the data has
    it: everything later stages compute from."""

    by_chapter: pd.DataFrame
    """columns: year, month, plate, chapter, value"""
    by_country: pd.DataFrame
    """columns: year, month, plate, country, value"""
    by_technology: Optional[pd.DataFrame] = None
    """columns: year, month, plate, level, value"""
    by_head_office: Optional[pd.DataFrame] = None
    """columns: year, month, plate (of the head office), value"""

    def months(self) -> set[tuple[int, int]]:
        """The (year, month) pairs that have any record."""
        pairs = self.by_chapter[["year", "month"]].drop_duplicates()
        return set(zip(pairs["year"], pairs["month"]))


_ROLLUPS = {
    "chapter": "SELECT g.year, g.month, p.plate, g.chapter, sum(g.value) AS value FROM grouped AS g "
               "JOIN plates AS p ON g.province = p.raw WHERE g.grouping_set = $mask GROUP BY ALL ORDER BY ALL",
    "level": "SELECT g.year, g.month, p.plate, coalesce(g.level, d.level) AS level, sum(g.value) AS value "
             "FROM grouped AS g JOIN plates AS p ON g.province = p.raw JOIN defaults AS d ON g.chapter = d.chapter "
             "WHERE g.grouping_set = $mask GROUP BY ALL ORDER BY ALL",
    "country": "SELECT g.year, g.month, p.plate, g.country, sum(g.value) AS value FROM grouped AS g "
               "JOIN plates AS p ON g.province = p.raw WHERE g.grouping_set = $mask GROUP BY ALL ORDER BY ALL",
    "hq": "SELECT g.year, g.month, p.plate, sum(g.value) AS value FROM grouped AS g "
          "JOIN plates AS p ON g.hq_province = p.raw WHERE g.grouping_set = $mask GROUP BY ALL ORDER BY ALL",
}


def aggregate(grouped: Grouped, plates: dict[str, int], has_hq: bool) -> Aggregates:
    """The validated groups by plate code (spellings of one province add up), summed by
    DuckDB in exact decimals; only these small tables become pandas frames."""
    import duckdb

    with duckdb.connect() as con:
        con.register("grouped", grouped.table)
        con.register("plates", pa.table({"raw": list(plates), "plate": pa.array(list(plates.values()), pa.int64())}))
        defaults = chapter_defaults()
        con.register("defaults", pa.table({"chapter": list(defaults), "level": list(defaults.values())}))

        def rollup(name: str, grouping: str) -> pd.DataFrame:
            frame = con.sql(_ROLLUPS[name], params={"mask": grouping_mask(grouping)}).to_arrow_table().to_pandas()
            return frame.astype({"year": "int64", "month": "int64", "plate": "int64"})

        return Aggregates(by_chapter=rollup("chapter", "chapter"), by_country=rollup("country", "country"),
                          by_technology=rollup("level", "chapter"),
                          by_head_office=rollup("hq", "hq") if has_hq else None)
