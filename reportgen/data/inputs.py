"""A build's inputs opened for reading: the engine that will group the records (DuckDB in
process over files, the configured database, or Spark) and the sources it reads."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..config import Config, DatabaseSource
from .engine import DatabaseEngine, DuckDBEngine, Engine, choose_arrow_memory
from .sources import Source, SourceOptions, find_files, open_database, open_sources


MEMORY_LIMIT = "512MB"
"""DuckDB's working memory; beyond it, large groupings spill to the build's temporary folder"""
BUILD_AS_WRITTEN = "build_side_probe_side"
"""Joins build their hash table on the side the query puts on the right, always the small
lookup table. Without row counts (a CSV has none), DuckDB's estimate once chose to hash
all 10 M records against 172 prefixes, spilling, and the scan took twice as long."""


@contextmanager
def open_inputs(config: Config) -> Iterator[tuple[Engine, list[Source], list[Path]]]:
    """The engine, the opened sources and the input files; closed when the block ends."""
    choose_arrow_memory()
    if config.engine == "spark":
        from .spark import open_spark

        with open_spark(config) as opened:
            yield opened
        return
    import duckdb

    if isinstance(config.data, DatabaseSource):
        engine = DatabaseEngine(config.data)
        try:
            yield engine, open_database(engine, config.data, config.columns), []
        finally:
            engine.close()
        return
    paths = find_files(config.data, config.resolve)
    with tempfile.TemporaryDirectory(prefix="reportgen-") as scratch, duckdb.connect(config={
            "memory_limit": MEMORY_LIMIT, "temp_directory": str(Path(scratch) / "spill"),
            "disabled_optimizers": BUILD_AS_WRITTEN}) as con:
        engine = DuckDBEngine(con, readable=[*paths, Path(scratch)])
        yield engine, open_sources(engine, paths, SourceOptions(config.columns, config.csv, config.xlsx,
                                                                Path(scratch))), paths
