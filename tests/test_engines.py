"""One query, three engines: the same records grouped by DuckDB (a Parquet file), PostgreSQL (a
table on a real server) and Apache Spark (local mode, the same file) give byte-identical
bulletins, tables and data files, and the same data errors.

The builds run in this process, so one Spark session (one JVM start) serves the module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from conftest import run_cli
from test_database import load, server  # noqa: F401 - the module's own PostgreSQL server

from reportgen.build import BuildResult, build
from reportgen.config import SparkOptions, load_config
from reportgen.errors import DataError
from reportgen.reference import provinces

MONTHS = [(2023, m) for m in range(1, 13)] + [(2024, m) for m in range(1, 7)]
CODES = ["010121", "080211", "0802", "271012", "300490", "610910", "720839", "847130", "870323", "870899",
         "940360", "80211", "27", "8517620000"]
"""real codes of chapters with every technology level, an odd-length one and a bare chapter"""
COUNTRIES = ["DE", "US", "GB", "IQ", "NA", "XK", "AE", "IT", "FR", "NL", "RU", "ES"]


@pytest.fixture(scope="module")
def spark():
    """The process's Spark session, started once for the module: every Spark build here uses it."""
    from reportgen.data.spark import shared_session

    return shared_session(SparkOptions())


def records(count: int = 4000, seed: int = 12) -> pa.Table:
    """Export records over 18 months: every province under some spelling (name, upper case,
    plate code), values in cents, some head offices missing, some records repeated."""
    rng = np.random.default_rng(seed)
    names = [p.name for p in provinces()]
    spellings = names + [n.upper() for n in names[:20]] + [f"{p.plate:02d}" for p in provinces()[:20]]
    month = rng.integers(0, len(MONTHS), count)
    rows = {
        "year": pa.array([MONTHS[m][0] for m in month], pa.int16()),
        "month": pa.array([MONTHS[m][1] for m in month], pa.int8()),
        "province": [names[i] if i < 81 else spellings[rng.integers(len(spellings))] for i in range(count)],
        "hs_code": [CODES[i] for i in rng.integers(0, len(CODES), count)],
        "country": [COUNTRIES[i] for i in rng.integers(0, len(COUNTRIES), count)],
        "value_usd": pa.array(rng.integers(-5_000, 90_000_000, count) / 100, pa.float64()),
        "hq_province": [None if i % 7 == 0 else names[j] for i, j in enumerate(rng.integers(0, 81, count))],
    }
    table = pa.table(rows)
    return pa.concat_tables([table, table.slice(100, 15)])


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> tuple[Path, Path]:
    """The records as a Parquet file and as a CSV for PostgreSQL's COPY."""
    folder = tmp_path_factory.mktemp("motorlar")
    table = records()
    pq.write_table(table, folder / "kayitlar.parquet")
    pacsv.write_csv(table, folder / "kayitlar.csv")
    return folder / "kayitlar.parquet", folder / "kayitlar.csv"


def built(out: Path, **settings) -> BuildResult:
    return build(load_config(None, {"period": "2024-06", **settings}), out=out)


def test_duckdb_postgresql_and_spark_write_identical_files(tmp_path, data, server, spark):
    parquet, csv_file = data
    load(server, "ihracat_motorlar", csv_file)
    results = {
        "duckdb": built(tmp_path / "duckdb", data=[str(parquet)]),
        "postgres": built(tmp_path / "postgres", data={"url": server.socket_url, "table": "ihracat_motorlar"}),
        "spark": built(tmp_path / "spark", data=[str(parquet)], engine="spark"),
    }
    names = sorted(p.name for p in (tmp_path / "duckdb").iterdir())
    assert {"faaliyet-illerine-gore-ihracat-2024-06.html", "tablolar-2024-06.xlsx", "tablo-1-iller.csv",
            "teknoloji.csv", "merkez-ili.csv"} <= set(names)
    manifests = {engine: json.loads((tmp_path / engine / "manifest.json").read_text(encoding="utf-8"))
                 for engine in results}
    for engine in ("postgres", "spark"):
        assert sorted(p.name for p in (tmp_path / engine).iterdir()) == names
        for name in names:
            # manifest.json differs only in its inputs: a file or a table, and the settings'
            # digest, which names the engine. What it lists as written is the same.
            if name != "manifest.json":
                assert (tmp_path / engine / name).read_bytes() == (tmp_path / "duckdb" / name).read_bytes(), \
                    (engine, name)
        assert manifests[engine]["files"] == manifests["duckdb"]["files"]
    assert results["spark"].rows == results["postgres"].rows == results["duckdb"].rows == 4015
    # Spark numbers a Parquet file's rows as DuckDB does, so its warnings name the same rows;
    # a database table has no row order, so its warning names none.
    assert results["spark"].warnings == results["duckdb"].warnings
    repeated = [n.text for n in results["duckdb"].warnings if "birebir aynısı" in n.text]
    assert repeated and "satır 4001, 4002, 4003, 4004, 4005" in repeated[0]
    assert [n.text for n in results["postgres"].warnings if "birebir aynısı" in n.text] == \
        [repeated[0].split("; ilk tekrarlar")[0]]


def broken(folder: Path, column: str, value) -> Path:
    """The records with one bad value in the file's row 37."""
    table = records(400)
    values = table.column(column).to_pylist()
    values[36] = value
    path = folder / f"bozuk-{column}.parquet"
    pq.write_table(table.set_column(table.schema.get_field_index(column), column,
                                    pa.array(values, table.schema.field(column).type)), path)
    return path


@pytest.mark.parametrize("column, value, problem", [
    ("province", "Atlantis", "bilinmeyen il"),
    ("value_usd", float("nan"), "değer sayı değil (NaN ya da sonsuz)"),
    ("hs_code", "08x2", "GTİP kodu 2-12 haneli bir sayı metni olmalı"),
])
def test_spark_names_a_bad_value_as_duckdb_does(tmp_path, spark, column, value, problem):
    path = broken(tmp_path, column, value)
    errors = {}
    for engine in ("duckdb", "spark"):
        with pytest.raises(DataError) as caught:
            built(tmp_path / engine, data=[str(path)], engine=engine)
        errors[engine] = str(caught.value)
    shown = "nan" if column == "value_usd" else value
    assert errors["spark"] == errors["duckdb"]
    assert errors["spark"].startswith(f"Veri hatası (dosya {path}, satır 37, sütun '{column}', değer '{shown}'): ")
    assert problem in errors["spark"]


def test_a_spark_query_names_the_value_without_a_row(tmp_path, spark):
    """A catalog table or query has no row order in Spark, so the error says none."""
    path = broken(tmp_path, "province", "Atlantis")
    query = f"SELECT * FROM parquet.`{path}` WHERE year >= 2023"
    with pytest.raises(DataError) as caught:
        built(tmp_path / "out", data={"query": query}, engine="spark")
    assert str(caught.value) == ("Veri hatası (dosya veritabanı sorgusu, sütun 'province', değer 'Atlantis'): "
                                 "bilinmeyen il (resmî il adı ya da 1-81 arası plaka kodu olmalı)")


def test_spark_without_pyspark_is_one_line_naming_the_extra(tmp_path, data):
    """As on a machine without ``reportgen[spark]``: the import of pyspark fails."""
    without = "import sys; sys.modules['pyspark'] = None; from reportgen.cli import run; run()"
    result = subprocess.run([sys.executable, "-c", without, "build", "--engine", "spark", "--data", str(data[0]),
                             "--period", "2024-06", "--out", str(tmp_path / "out"), "-q"],
                            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path)
    assert result.returncode == 4
    assert result.stderr == ("Hata: Ayar hatası (anahtar 'engine'): Spark motoru için pyspark yüklü değil; "
                             "kurmak için: pip install 'reportgen[spark]'\n")


def test_engine_option_of_the_command(tmp_path):
    """``reportgen build --engine spark`` starts its own Spark and says nothing but the error."""
    path = broken(tmp_path, "province", "Atlantis")
    result = run_cli("build", "--engine", "spark", "--data", str(path), "--period", "2024-06", "-q", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [f"Hata: Veri hatası (dosya {path}, satır 37, sütun 'province', "
                                          "değer 'Atlantis'): bilinmeyen il (resmî il adı ya da 1-81 arası "
                                          "plaka kodu olmalı)"]
