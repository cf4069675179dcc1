"""The command line as a user meets it: Turkish help, config errors, template errors,
reproducible output, and the templates inside the built wheel."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import run_cli

REPO = Path(__file__).parent.parent


def test_help_is_turkish(tmp_path):
    result = run_cli("build", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Kullanım: reportgen build [SEÇENEKLER]")
    assert "Seçenekler:" in result.stdout and "Bu yardımı gösterir ve çıkar." in result.stdout
    assert "Bülteni veriden oluşturur" in result.stdout and "Çıktı klasörü" in result.stdout


def test_usage_errors_are_turkish(tmp_path):
    result = run_cli("build", "--bogus", cwd=tmp_path)
    assert result.returncode == 2
    assert "Hata: Böyle bir seçenek yok: '--bogus'." in result.stderr
    assert "Yardım için: 'reportgen build --help'" in result.stderr


@pytest.mark.parametrize("yaml_text, expected", [
    ("top_provinces: on beş\n", "anahtar 'top_provinces'): tam sayı bekleniyor"),
    ("columns:\n  provinse: İl\n", "anahtar 'columns.provinse'): bilinmeyen anahtar"),
    ("data: veri.csv\n", "anahtar 'data'): liste bekleniyor"),
    ("period: 2023\n\tx: 1\n", "YAML okunamadı, satır 3"),
    ("period: 23\n", "anahtar 'period'): dönem YYYY (yıl), YYYY-AA (ay), latest, all, bir aralık"),
])
def test_config_errors_name_the_key(tmp_path, yaml_text, expected):
    (tmp_path / "config.yaml").write_text("data: [veri.csv]\n" * ("data:" not in yaml_text) + yaml_text,
                                          encoding="utf-8")
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_template_error_names_file_and_line(tmp_path, sample_build):
    overrides = tmp_path / "sablonlar" / "sections"
    overrides.mkdir(parents=True)
    (overrides / "closing.html").write_text("<p>\n{{ config.closing }}\n{{ bilinmeyen_degisken }}</p>\n",
                                            encoding="utf-8")
    data = sample_build.parent / "data" / "ihracat-ornek.parquet"
    result = run_cli("build", "--data", str(data), "--period", "2023", "--templates",
                     str(tmp_path / "sablonlar"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 5
    assert "closing.html" in result.stderr and "satır 3" in result.stderr
    assert "bilinmeyen_degisken" in result.stderr
    assert not (tmp_path / "out").exists()


def test_two_builds_in_two_folders_are_byte_identical(tmp_path, sample_build):
    data = sample_build.parent / "data" / "ihracat-ornek.parquet"
    other = tmp_path / "elsewhere"
    other.mkdir()
    result = run_cli("build", "--data", str(data), "--period", "2023", "--out", str(other / "out"), cwd=other)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr and "\r" not in result.stderr  # a CI log gets plain lines
    names = sorted(p.name for p in sample_build.iterdir())
    assert names == sorted(p.name for p in (other / "out").iterdir())
    _, mismatch, errors = filecmp.cmpfiles(sample_build, other / "out", names, shallow=False)
    assert mismatch == [] and errors == []


def test_a_bulletin_built_where_processes_cannot_fork_is_the_same(tmp_path, monkeypatch, monthly_build,
                                                                   sample_data):
    """The PDF's process has the charts drawn in a process beside it, which sends them
    back, while it starts the PDF; where processes cannot fork, both run in the build's
    own process, with the same bytes as a result."""
    from reportgen import processes
    from reportgen.build import build
    from reportgen.config import load_config

    monkeypatch.setattr(processes, "can_fork", lambda: False)
    monkeypatch.chdir(monthly_build.parent)
    build(load_config(None, {"data": [str(sample_data)], "period": "2024-06"}), out=tmp_path / "out")
    names = sorted(p.name for p in monthly_build.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "out").iterdir())
    _, mismatch, errors = filecmp.cmpfiles(monthly_build, tmp_path / "out", names, shallow=False)
    assert mismatch == [] and errors == []


def test_wheel_contains_templates_and_reference_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True, env={**os.environ, "PIP_NO_INPUT": "1"})
    wheel = next(tmp_path.glob("reportgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    built_in = {f"reportgen/templates/{p.relative_to(REPO / 'templates')}" for p in (REPO / "templates").rglob("*")
                if p.is_file()}
    assert built_in and built_in <= names
    assert {"reportgen/defaults.yaml", "reportgen/refdata/provinces.csv",
            "reportgen/refdata/chapters.csv", "reportgen/refdata/sample-targets.yaml",
            "reportgen/refdata/technology.csv", "reportgen/refdata/regions.csv",
            "reportgen/refdata/province-outlines.json"} <= names


def test_the_command_ends_as_the_interpreter_would(tmp_path):
    """The command skips the interpreter's teardown, but not what comes before it: a
    thread still writing is waited for, exit handlers run, buffered output is written, and
    the exit code is the command's."""
    script = tmp_path / "komut.py"
    script.write_text(
        "import atexit, sys, threading, time\n"
        "from pathlib import Path\n"
        "from reportgen.cli import command\n"
        "folder = Path(sys.argv[1])\n"
        "atexit.register(lambda: (folder / 'cikis.txt').write_text('çıkış'))\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), (folder / 'is.txt').write_text('iş'))).start()\n"
        "sys.stdout.write('tamponda kalan satır')\n"
        "sys.argv = ['reportgen', 'patla']\n"
        "command()\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1"})
    assert done.returncode == 2
    assert done.stdout == "tamponda kalan satır"
    assert done.stderr.strip().splitlines()[-1] == "Hata: Böyle bir komut yok: 'patla'."
    assert (tmp_path / "cikis.txt").read_text(encoding="utf-8") == "çıkış"
    assert (tmp_path / "is.txt").read_text(encoding="utf-8") == "iş"
