"""Shared fixtures: the real CLI, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``reportgen ARGS`` in a fresh process; output decoded as UTF-8."""
    return subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1"})


def pdf_text(path: Path) -> str:
    """The PDF's text as ``pdftotext -layout`` gives it back to a reader."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The default 2023 bulletin built from ``reportgen sample-data``, once per session."""
    root = tmp_path_factory.mktemp("sample")
    made = run_cli("sample-data", "--out", str(root / "data"), cwd=root)
    assert made.returncode == 0, made.stderr
    built = run_cli("build", "--data", str(root / "data" / "ihracat-ornek.parquet"), "--period", "2023",
                    "--out", str(root / "out"), cwd=root)
    assert built.returncode == 0, built.stderr
    return root / "out"
