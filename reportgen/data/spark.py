"""Apache Spark as the engine: the same SQLGlot trees as DuckDB's, compiled to Spark SQL and
run by a session on this machine (``local[N]``) or on a cluster (its master URL). Only the
grouped result comes back, as Arrow.

One session serves the whole process (a build, the live preview's rebuilds, a test module):
starting Spark's JVM takes seconds. Its own log goes to a file, never to the terminal.
"""

from __future__ import annotations

import atexit
import itertools
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

import pyarrow as pa
from sqlglot import exp

from ..config import Columns, Config, CsvOptions, DatabaseSource, SparkOptions
from ..errors import ConfigError, DataError
from .dialect import dialect, header_names, transcode
from .queries import compile_sql
from .sources import FORMATS, REQUIRED, Source, canonical_columns, find_files, open_database

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_session: Optional["SparkSession"] = None
_views = itertools.count()
ROW_NUMBER = "file_row_number"


class SparkEngine:
    """A Spark session. Its jobs run outside Python, so the repeated-record pass can share
    it from another thread."""

    dialect = "spark"
    record_hash = "xxhash64"
    hashes_listed = False
    """lists of every hash would be boxed objects in the JVM's heap: Spark groups them"""
    try_cast = True

    def __init__(self, session: "SparkSession") -> None:
        self.session = session
        self.views: list[str] = []

    def _frame(self, query: exp.Expression) -> "DataFrame":
        return self.session.sql(compile_sql(query, self.dialect))

    def rows(self, query: exp.Expression) -> tuple[list[str], list[tuple]]:
        frame = self._frame(query)
        return frame.columns, [tuple(row) for row in frame.collect()]

    def arrow(self, query: exp.Expression) -> pa.Table:
        return self._frame(query).toArrow()

    def column_types(self, relation: exp.Expression) -> dict[str, str]:
        return dict(self._frame(exp.select("*").from_(relation).limit(0)).dtypes)

    def concurrent(self) -> "SparkEngine":
        return self

    def interrupt(self) -> None:
        """Cancel the running jobs: their results are no longer wanted."""
        self.session.sparkContext.cancelAllJobs()

    def view(self, frame: "DataFrame") -> exp.Table:
        """``frame`` as a temporary view of this build, by a name no other build uses."""
        name = f"reportgen_kaynak_{next(_views)}"
        frame.createOrReplaceTempView(name)
        self.views.append(name)
        return exp.to_table(name)

    def table(self, name: str) -> exp.Table:
        """A table of the session's catalog, known to exist, each part of its name quoted."""
        try:
            exists = self.session.catalog.tableExists(name)
        except Exception:  # noqa: BLE001 - a name Spark cannot parse names no table
            exists = False
        if not exists:
            raise DataError("Spark kataloğunda böyle bir tablo yok", file=f"veritabanı tablosu {name}")
        *rest, table = name.split(".")
        return exp.table_(table, db=rest[-1] if rest else None, catalog=rest[-2] if len(rest) > 1 else None,
                          quoted=True)

    def close(self) -> None:
        for name in self.views:
            self.session.catalog.dropTempView(name)


def _setting(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


QUIET = {"spark.ui.showConsoleProgress": "false", "spark.ui.enabled": "false"}
"""no progress bars on the terminal and no web UI, unless the config asks for them"""


def shared_session(options: SparkOptions) -> "SparkSession":
    """The process's Spark session, started on first use with ``options`` and stopped when
    the process ends. The JVM's output goes to a log file in the temporary folder, kept
    only when Spark cannot start."""
    global _session
    if _session is not None:
        return _session
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    try:
        from pyspark import SparkConf, SparkContext
        from pyspark.java_gateway import launch_gateway
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("Spark motoru için pyspark yüklü değil; kurmak için: pip install 'reportgen[spark]'",
                          key="engine") from None
    conf = SparkConf().setMaster(options.master).setAppName("reportgen")
    conf.setAll([*QUIET.items(), *((key, _setting(value)) for key, value in options.conf.items())])
    handle, log = tempfile.mkstemp(prefix="reportgen-spark-", suffix=".log")
    try:
        gateway = launch_gateway(conf, popen_kwargs={"stdout": handle, "stderr": handle})
        context = SparkContext(conf=conf, gateway=gateway)
    except Exception as exc:  # noqa: BLE001 - PySpark's and the JVM's error types
        raise ConfigError(f"Spark başlatılamadı ({_reason(exc)}); Spark'ın kaydı: {log}",
                          key="spark.master") from None
    finally:
        os.close(handle)
    _session = SparkSession(context)
    atexit.register(_stop, _session, Path(log))
    return _session


def _stop(session: "SparkSession", log: Path) -> None:
    session.stop()
    log.unlink(missing_ok=True)


def _reason(error: Exception) -> str:
    if "JAVA_GATEWAY_EXITED" in str(error):
        return "Java başlamadı: Java 17 gerekli, bash scripts/system-deps.sh kurar"
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _csv_frame(session: "SparkSession", path: Path, options: CsvOptions, columns: Columns, scratch: Path):
    """A CSV file read by Spark as text columns, its dialect detected as for DuckDB.
    Spark splits a file by bytes, so a record must be one line and has no line number."""
    from pyspark.sql.types import StringType, StructField, StructType

    found = dialect(path, options, [getattr(columns, c) for c in REQUIRED])
    readable = path if found.encoding in ("utf-8", "utf-8-sig") else transcode(path, found.encoding, scratch)
    names = header_names(readable, found)
    if len(set(names)) != len(names):
        raise DataError("başlıkta aynı sütun adı birden çok kez var", file=path, row=1)
    schema = StructType([StructField(name, StringType()) for name in names])
    frame = session.read.csv(str(readable), schema=schema, header=True, sep=found.delimiter, quote='"', escape='"',
                             encoding="UTF-8", mode="FAILFAST", enforceSchema=True)
    return frame, None, found


def _parquet_frame(session: "SparkSession", path: Path):
    """A Parquet file with its own row numbers (Spark's ``_metadata.row_index``, from 0)."""
    from pyspark.sql.functions import col

    frame = session.read.parquet(str(path))
    return frame.select("*", col("_metadata.row_index").alias(ROW_NUMBER)), exp.column(ROW_NUMBER) + 1, None


def open_file(engine: SparkEngine, path: Path, config: Config, scratch: Path) -> Source:
    kind = FORMATS[path.suffix.lower()]
    if kind == "xlsx":
        raise DataError("Spark motoru XLSX okumaz: Parquet ya da CSV verin (ya da engine: duckdb)", file=path)
    try:
        if kind == "csv":
            frame, row, found = _csv_frame(engine.session, path, config.csv, config.columns, scratch)
        else:
            frame, row, found = _parquet_frame(engine.session, path)
        relation = engine.view(frame)
        types = engine.column_types(relation)
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - PySpark's error types
        raise DataError(f"dosya okunamadı: {_reason(exc)}", file=path) from None
    return Source(label=str(path), relation=relation,
                  columns=canonical_columns(str(path), types, config.columns, engine.dialect),
                  guarded=not engine.try_cast, row=row,
                  decimal=found.decimal if found else ".", path=path, dialect=found)


@contextmanager
def open_spark(config: Config) -> Iterator[tuple[SparkEngine, list[Source], list[Path]]]:
    """The Spark engine with the configured files (or catalog table or query) opened."""
    engine = SparkEngine(shared_session(config.spark))
    try:
        if isinstance(config.data, DatabaseSource):
            yield engine, open_database(engine, config.data, config.columns), []
            return
        paths = find_files(config.data, config.resolve)
        with tempfile.TemporaryDirectory(prefix="reportgen-") as scratch:
            yield engine, [open_file(engine, path, config, Path(scratch)) for path in paths], paths
    finally:
        engine.close()
