"""Where the records are grouped: DuckDB in process over files, or the database that holds
them, reached through SQLAlchemy in a read-only session. Both run the same queries
(``queries``), compiled to their dialect; only aggregates and single offending records
come back to Python."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol, Sequence

import pyarrow as pa
from sqlglot import exp

from ..config import DatabaseSource
from ..errors import ConfigError, DataError
from .queries import compile_sql

SQLGLOT_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "mssql": "tsql",
                    "oracle": "oracle", "sqlite": "sqlite", "trino": "trino", "clickhouse": "clickhouse",
                    "snowflake": "snowflake", "bigquery": "bigquery", "duckdb": "duckdb"}


def choose_arrow_memory() -> None:
    """Arrow's allocator for the tables the scan gives back: jemalloc (or the system's),
    unless the user chose one (``ARROW_DEFAULT_MEMORY_POOL``). With pyarrow's default,
    mimalloc, the first filters and conversions after a scan of 10 M records spent
    some 0.3 s in the kernel, and the data stages took 0.3–0.5 s longer (benchmark shapes,
    measured with each pool in turn); the other two did not."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:
        pa.set_memory_pool(pa.system_memory_pool())


class Engine(Protocol):
    dialect: str
    record_hash: str | None
    """a 64-bit hash function of the engine, for a cheap first pass over repeated records"""
    hashes_listed: bool
    """the scan lists every record's hash for Python to sort, rather than grouping them"""
    try_cast: bool
    """its TRY_CAST gives NULL for text it cannot read (else the cast raises)"""

    def rows(self, query: exp.Expression) -> tuple[list[str], list[tuple]]: ...

    def arrow(self, query: exp.Expression) -> pa.Table: ...

    def column_types(self, relation: exp.Expression) -> dict[str, str]: ...

    def concurrent(self) -> "Engine": ...

    def interrupt(self) -> None: ...


class DuckDBEngine:
    """DuckDB in process: files are read where they lie, in parallel, never loaded whole."""

    dialect = "duckdb"
    record_hash = "hash"
    """the function that hashes a whole record to 64 bits, for finding repeated records"""
    hashes_listed = True
    """its table of one group per record costs more than listing the hashes and sorting
    them with numpy: about 0.4 s more of a build from 10 M records"""
    try_cast = True

    def __init__(self, connection, readable: Sequence[Path] = ()) -> None:
        self.con = connection
        self.readable = tuple(readable)
        """the files and folders the build reads: all a locked connection may still open"""
        self.locked = False

    def lock(self) -> None:
        """From now on DuckDB reads only ``readable`` (as named and through any symbolic
        link): no other file, no network, no extension, and no setting can be changed back.
        For editors' queries; locking again (for another bulletin of the run) changes nothing."""
        if self.locked:
            return
        files = sorted({str(f) for p in self.readable if not p.is_dir() for f in (p.absolute(), p.resolve())})
        folders = sorted({str(f) for p in self.readable if p.is_dir() for f in (p.absolute(), p.resolve())})
        self.con.execute("SET allowed_paths = $files", {"files": files})
        self.con.execute("SET allowed_directories = $folders", {"folders": folders})
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")
        self.locked = True

    def rows(self, query: exp.Expression) -> tuple[list[str], list[tuple]]:
        relation = self.con.sql(compile_sql(query, self.dialect))
        return relation.columns, relation.fetchall()

    def arrow(self, query: exp.Expression) -> pa.Table:
        return self.con.sql(compile_sql(query, self.dialect)).to_arrow_table()

    def concurrent(self) -> "DuckDBEngine":
        """The same database through a connection of its own, for another thread."""
        return DuckDBEngine(self.con.cursor(), self.readable)

    def interrupt(self) -> None:
        """Stop the query this connection runs: its result is no longer wanted."""
        self.con.interrupt()

    def column_types(self, relation: exp.Expression) -> dict[str, str]:
        described = self.con.sql(compile_sql(exp.select("*").from_(relation).limit(0), self.dialect))
        return {name: str(type_) for name, type_ in zip(described.columns, described.types)}


class DatabaseEngine:
    """A database reached through SQLAlchemy. The session is read-only before the first
    query, and the one transaction is rolled back at the end: nothing can change."""

    record_hash = None
    """no portable 64-bit hash across databases: repeats are grouped on every column"""
    hashes_listed = False
    try_cast = False
    """not every database has TRY_CAST: text is checked before each cast"""

    def __init__(self, source: DatabaseSource) -> None:
        import sqlalchemy as sa
        from sqlalchemy import exc as sa_exc
        from sqlalchemy.pool import NullPool

        self.source = source
        try:
            url = sa.engine.make_url(source.url)
            self.engine = sa.create_engine(url, poolclass=NullPool)
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ValueError) as exc:
            raise ConfigError(f"veritabanı adresi kullanılamıyor ({_driver_problem(exc)}): {source.masked_url}",
                              key="data.url") from None
        except ImportError as exc:
            extra = "; kurmak için: pip install 'reportgen[postgres]'" if exc.name == "psycopg" else ""
            raise ConfigError(f"veritabanı sürücüsü yüklü değil ({exc.name}): {source.masked_url}{extra}",
                              key="data.url") from None
        self.dialect = SQLGLOT_DIALECTS.get(self.engine.dialect.name, self.engine.dialect.name)
        try:
            self.connection = _read_only(self.engine.connect(), self.engine.dialect.name)
        except sa_exc.DBAPIError as exc:
            self.engine.dispose()
            raise ConfigError(f"veritabanına bağlanılamadı: {_connection_problem(exc, source)} "
                              f"({_where(url)})", key="data.url") from None

    def _execute(self, sql: str):
        cursor = self.connection.connection.cursor()
        cursor.execute(sql)
        return cursor

    def rows(self, query: exp.Expression) -> tuple[list[str], list[tuple]]:
        cursor = self._execute(compile_sql(query, self.dialect))
        try:
            return [d[0] for d in cursor.description], cursor.fetchall()
        finally:
            cursor.close()

    def arrow(self, query: exp.Expression) -> pa.Table:
        names, rows = self.rows(query)
        return pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})

    def column_types(self, relation: exp.Expression) -> dict[str, str]:
        cursor = self._execute(compile_sql(exp.select("*").from_(relation).limit(0), self.dialect))
        try:
            return {d[0]: getattr(d, "type_display", None) or "text" for d in cursor.description}
        finally:
            cursor.close()

    def concurrent(self) -> "DatabaseEngine":
        """The session itself: this process sends it nothing else meanwhile."""
        return self

    def interrupt(self) -> None:
        """The database finishes the query; the session is rolled back when it closes."""

    def table(self, name: str) -> exp.Table:
        """The configured table, known to exist, quoted by SQLAlchemy's dialect."""
        import sqlalchemy as sa

        *schema, table = name.split(".") if name.count(".") == 1 else [name]
        schema_name = schema[0] if schema else None
        if not sa.inspect(self.connection).has_table(table, schema=schema_name):
            raise DataError("veritabanında böyle bir tablo yok", file=f"veritabanı tablosu {name}")
        quoted = self.engine.dialect.identifier_preparer.format_table(sa.table(table, schema=schema_name))
        return exp.to_table(quoted, dialect=self.dialect)

    def close(self) -> None:
        self.connection.rollback()
        self.connection.close()
        self.engine.dispose()


def _read_only(connection, dialect: str):
    """The connection in a read-only session (PostgreSQL's ``read_only`` session
    characteristic, SQLite's ``query_only``, the standard ``SET TRANSACTION READ ONLY``)."""
    if dialect == "postgresql":
        connection = connection.execution_options(postgresql_readonly=True)
        connection.begin()
    elif dialect == "sqlite":
        connection.begin()
        connection.exec_driver_sql("PRAGMA query_only = ON")
    else:
        connection.begin()
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    return connection


def _where(url) -> str:
    """Host, port, database and user of a URL: never its password."""
    parts = [f"sunucu {url.host or 'yerel'}{f':{url.port}' if url.port else ''}"]
    host = url.query.get("host")
    if host:
        parts[0] = f"sunucu {host}"
    if url.database:
        parts.append(f"veritabanı {url.database}")
    if url.username:
        parts.append(f"kullanıcı {url.username}")
    return ", ".join(parts)


_REASONS = [
    (r"password authentication failed|authentication failed", "kullanıcı adı ya da parola yanlış"),
    (r"database \"[^\"]*\" does not exist", "böyle bir veritabanı yok"),
    (r"role \"[^\"]*\" does not exist", "böyle bir kullanıcı yok"),
    (r"connection refused|could not connect|no such file or directory|connection is bad|"
     r"name or service not known|could not translate host name|nodename nor servname",
     "sunucuya ulaşılamadı (adres ya da bağlantı noktası yanlış olabilir)"),
    (r"timeout|timed out", "sunucu zamanında yanıt vermedi"),
    (r"no password supplied|password is required", "parola verilmemiş"),
]


def _connection_problem(exc: Exception, source: DatabaseSource) -> str:
    message = str(getattr(exc, "orig", exc))
    for pattern, reason in _REASONS:
        if re.search(pattern, message, flags=re.I):
            return reason
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    password = _password(source.url)
    return "sürücünün iletisi: " + (first.replace(password, "***") if password else first)


def _driver_problem(exc: Exception) -> str:
    name = type(exc).__name__
    return "bilinmeyen sürücü" if name == "NoSuchModuleError" else "adres çözümlenemedi"


def _password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password or ""
    except Exception:  # noqa: BLE001 - an unparsable URL has no password to hide
        return ""
