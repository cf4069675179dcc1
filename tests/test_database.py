"""The bulletin from a real PostgreSQL server (Debian's package, started here): the grouping
runs in the database, and the bulletin equals the one built from the same data in a file."""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass
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


PASSWORD = "gizli-parola-42"


@dataclass(frozen=True)
class Server:
    socket_url: str
    """trusted connections through the Unix socket"""
    port: int
    """TCP on 127.0.0.1, with password authentication"""

    def tcp_url(self, password: str = PASSWORD, database: str = "postgres", port: int = 0) -> str:
        return f"postgresql+psycopg://postgres:{password}@127.0.0.1:{port or self.port}/{database}"


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
    subprocess.run(as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                               "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"),
                   check=True, capture_output=True)
    subprocess.run(as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                               f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"),
                   check=True, capture_output=True)
    socket_url = f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
    execute(socket_url, f"ALTER USER postgres PASSWORD '{PASSWORD}'")
    yield Server(socket_url, port)
    subprocess.run(as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
                   capture_output=True)
    shutil.rmtree(root, ignore_errors=True)


def execute(url: str, *statements: str) -> list:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        result = []
        for statement in statements:
            cursor = connection.execute(statement)
            result = cursor.fetchall() if cursor.description else []
        return result


def load(server: Server, table: str, csv_file: Path) -> None:
    import psycopg

    with psycopg.connect(server.socket_url.replace("postgresql+psycopg", "postgresql")) as connection:
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
    from_db = build(tmp_path / "db", f"data:\n  url: \"{server.socket_url}\"\n  table: ihracat\n")
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
    result = build(tmp_path / "query", f"data:\n  url: \"{server.socket_url}\"\n  query: \"{query}\"\n")
    assert result.returncode == 0, result.stderr
    assert "İSTANBUL" in (tmp_path / "query" / "out" / f"{STEM}.html").read_text(encoding="utf-8")


def test_bad_value_in_the_database_is_named(tmp_path, server, sample_csv):
    load(server, "hatali", sample_csv)
    execute(server.socket_url, "UPDATE hatali SET province = 'Atlantis' WHERE ctid = (SELECT min(ctid) FROM hatali)")
    result = build(tmp_path / "bad", f"data:\n  url: \"{server.socket_url}\"\n  table: hatali\n")
    assert result.returncode == 3
    assert "veritabanı tablosu hatali" in result.stderr and "sütun 'province'" in result.stderr
    assert "değer 'Atlantis'" in result.stderr
    assert not (tmp_path / "bad" / "out").exists()


def database_yaml(url: str, **more: str) -> str:
    return "data:\n" + "".join(f"  {key}: {json.dumps(value, ensure_ascii=False)}\n"
                                for key, value in {"url": url, **more}.items())


def victim(server: Server) -> None:
    execute(server.socket_url, "DROP TABLE IF EXISTS victim", "CREATE TABLE victim (x integer)",
            "INSERT INTO victim VALUES (1), (2)", "DROP SEQUENCE IF EXISTS sayac", "CREATE SEQUENCE sayac")


def victim_intact(server: Server) -> bool:
    return (execute(server.socket_url, "SELECT count(*) FROM victim") == [(2,)]
            and execute(server.socket_url, "SELECT last_value, is_called FROM sayac") == [(1, False)])


def test_a_table_name_cannot_inject_sql(tmp_path, server, sample_csv):
    load(server, "ihracat", sample_csv)
    victim(server)
    result = build(tmp_path / "t", database_yaml(server.socket_url, table='ihracat"; DROP TABLE victim; COMMIT; --'))
    assert result.returncode == 3, result.stderr
    assert "veritabanında böyle bir tablo yok" in result.stderr.splitlines()[-1]
    assert victim_intact(server)


@pytest.mark.parametrize("query, code, expected", [
    ("SELECT * FROM ihracat; DROP TABLE victim", 4, "sorgu tek bir SELECT olmalı"),
    ("DROP TABLE victim", 4, "sorgu tek bir SELECT olmalı"),
    ("SELECT *, nextval('sayac') AS n FROM ihracat", 3, "read-only transaction"),
    ("WITH d AS (DELETE FROM victim RETURNING x) SELECT i.* FROM ihracat AS i, d", 3, "okunamadı"),
])
def test_a_query_cannot_change_the_database(tmp_path, server, sample_csv, query, code, expected):
    load(server, "ihracat", sample_csv)
    victim(server)
    result = build(tmp_path / "q", database_yaml(server.socket_url, query=query))
    assert result.returncode == code, result.stderr
    assert expected in result.stderr.splitlines()[-1] and "Traceback" not in result.stderr
    assert victim_intact(server)


def test_the_password_is_never_shown(tmp_path, server, sample_csv):
    load(server, "ihracat", sample_csv)
    folder = tmp_path / "gizli"
    sections = folder / "sablon" / "sections"
    sections.mkdir(parents=True)
    (sections / "closing.html").write_text("<p>{{ config.data.url }}</p>\n", encoding="utf-8")
    (folder / "config.yaml").write_text("period: 2024-06\ntemplates_dir: sablon\n"
                                        + database_yaml(server.tcp_url(), table="ihracat"), encoding="utf-8")
    for command in (["context"], ["templates", "reference"], ["build", "--out", str(folder / "out")]):
        result = run_cli(*command, cwd=folder)
        assert result.returncode == 0, result.stderr
        assert PASSWORD not in result.stdout + result.stderr
    page = (folder / "out" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "postgresql+psycopg://postgres:***@127.0.0.1" in page and PASSWORD not in page
    assert PASSWORD not in (folder / "out" / "manifest.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("make_url, expected", [
    (lambda s: s.tcp_url(password="yanlis-parola"), "kullanıcı adı ya da parola yanlış"),
    (lambda s: s.tcp_url(port=1), "sunucuya ulaşılamadı"),
    (lambda s: s.tcp_url(database="olmayan"), "böyle bir veritabanı yok"),
    (lambda s: s.tcp_url().replace("+psycopg", "+olmayan_surucu"), "bilinmeyen sürücü"),
    (lambda s: "bu bir adres değil", "adres çözümlenemedi"),
    (lambda s: f"mysql+pymysql://root:{PASSWORD}@127.0.0.1/x", "sürücüsü yüklü değil (pymysql)"),
])
def test_connection_failures_are_one_line_without_the_password(tmp_path, server, make_url, expected):
    result = build(tmp_path / "baglanti", database_yaml(make_url(server), table="ihracat"))
    assert result.returncode == 4, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Hata: Ayar hatası") and expected in last and "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr and "yanlis-parola" not in result.stderr
