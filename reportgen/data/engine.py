"""Where the records are grouped: DuckDB in process over files, or the database that holds
them. Both speak the same SQL here (anchored ``~`` regexes, ``FILTER (WHERE …)``,
``GROUPING SETS``), so validation and aggregation are written once; only aggregates and
distinct values come back to Python."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Protocol

import pandas as pd

from ..config import Config, DatabaseSource

if TYPE_CHECKING:
    from .sources import Source


class Engine(Protocol):
    def execute(self, sql: str) -> None: ...

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]: ...

    def register(self, name: str, columns: dict[str, list]) -> None: ...

    def frame(self, sql: str) -> pd.DataFrame: ...


class DuckDBEngine:
    """DuckDB in process: files are read where they lie, in parallel, never loaded whole."""

    def __init__(self, connection) -> None:
        self.con = connection

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        relation = self.con.sql(sql)
        return relation.columns, relation.fetchall()

    def register(self, name: str, columns: dict[str, list]) -> None:
        import pyarrow as pa

        self.con.register(name, pa.table(columns))

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).to_arrow_table().to_pandas()


class DatabaseEngine:
    """A database reached through SQLAlchemy (PostgreSQL here): the grouping runs there."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.engine = create_engine(url, poolclass=NullPool)
        self.connection = self.engine.raw_connection()

    def execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()

    def register(self, name: str, columns: dict[str, list]) -> None:
        names = list(columns)
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {name} ({', '.join(f'{n} TEXT' for n in names)})")
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {name} VALUES ({placeholders})", list(zip(*columns.values())))

    def frame(self, sql: str) -> pd.DataFrame:
        names, rows = self.rows(sql)
        return pd.DataFrame.from_records(rows, columns=names)

    def close(self) -> None:
        self.connection.rollback()
        self.connection.close()
        self.engine.dispose()



@contextmanager
def open_engine(config: Config) -> Iterator[tuple[Engine, list[Source], list[Path]]]:
    """The engine that groups the records, the opened sources and the input files:
    DuckDB over files, or the configured database."""
    import duckdb

    from .sources import SourceOptions, find_files, open_database, open_sources

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
