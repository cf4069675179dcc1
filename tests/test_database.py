"""The bulletin from a real PostgreSQL server (Debian's package, started here): the grouping
runs in the database, and the bulletin equals the one built from the same data in a file."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import run_cli

STEM = "faaliyet-illerine-gore-ihracat-2024-06"


def as_postgres(*command: str) -> list[str]:
    """Commands of the server run as the postgres user when the tests run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="module")
def server():
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    assert binaries, "PostgreSQL is needed: bash scripts/system-deps.sh installs it"
    bin_dir = Path(binaries[-1])
    root = Path(tempfile.mkdtemp(prefix="reportgen-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = root / "data"
    subprocess.run(as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--locale=C.UTF-8"), check=True, capture_output=True)
    subprocess.run(as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                               f"-p {port} -k {root} -c listen_addresses=''", "start"),
                   check=True, capture_output=True)
    yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
    subprocess.run(as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
                   capture_output=True)
    shutil.rmtree(root, ignore_errors=True)


def load(url: str, table: str, csv_file: Path) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.execute(f"CREATE TABLE {table} (year integer, month integer, province text, hs_code text, "
                           "country text, value_usd numeric(18, 2), hq_province text)")
        with connection.cursor().copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(csv_file.read_bytes())


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample-csv")
    assert run_cli("sample-data", "--format", "csv", "--out", str(root), cwd=root).returncode == 0
    return root / "ihracat-ornek.csv"


def build(folder: Path, data_yaml: str):
    folder.mkdir()
    (folder / "config.yaml").write_text(f"period: 2024-06\n{data_yaml}", encoding="utf-8")
    return run_cli("build", "--out", str(folder / "out"), cwd=folder)


def test_database_table_gives_the_same_bulletin_as_the_file(tmp_path, server, sample_csv):
    load(server, "ihracat", sample_csv)
    from_file = build(tmp_path / "file", f"data: [{sample_csv}]\n")
    from_db = build(tmp_path / "db", f"data:\n  url: \"{server}\"\n  table: ihracat\n")
    assert from_file.returncode == 0, from_file.stderr
    assert from_db.returncode == 0, from_db.stderr
    manifest = (tmp_path / "db" / "out" / "manifest.json").read_text(encoding="utf-8")
    assert '"table": "ihracat"' in manifest and "postgres@" not in manifest
    for name in (f"{STEM}.html", "tablo-1-iller.csv", "tablo-2-iller-kumulatif.csv", "teknoloji.csv",
                 "merkez-ili.csv", "bolgeler.csv"):
        assert (tmp_path / "db" / "out" / name).read_bytes() == (tmp_path / "file" / "out" / name).read_bytes(), name


def test_database_query(tmp_path, server, sample_csv):
    load(server, "ihracat", sample_csv)
    query = "SELECT * FROM ihracat WHERE year >= 2023"
    result = build(tmp_path / "query", f"data:\n  url: \"{server}\"\n  query: \"{query}\"\n")
    assert result.returncode == 0, result.stderr
    assert "İSTANBUL" in (tmp_path / "query" / "out" / f"{STEM}.html").read_text(encoding="utf-8")


def test_bad_value_in_the_database_is_named(tmp_path, server, sample_csv):
    import psycopg

    load(server, "hatali", sample_csv)
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql")) as connection:
        connection.execute("UPDATE hatali SET province = 'Atlantis' WHERE ctid = (SELECT min(ctid) FROM hatali)")
    result = build(tmp_path / "bad", f"data:\n  url: \"{server}\"\n  table: hatali\n")
    assert result.returncode == 3
    assert "veritabanı tablosu hatali" in result.stderr and "sütun 'province'" in result.stderr
    assert "değer 'Atlantis'" in result.stderr
    assert not (tmp_path / "bad" / "out").exists()
