"""Shared fixtures: the real CLI, run as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

import pytest
import yaml
from hypothesis import settings

# Property tests: the same examples on every CI run, fresh ones on a developer's machine;
# no example database written into the checkout.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("dev", database=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def run_cli(*args: str, cwd: Path, env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess:
    """``reportgen ARGS`` in a fresh process, ``env`` added to its environment; output
    decoded as UTF-8."""
    return subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1", **(env or {})})


def pdf_text(path: Path) -> str:
    """The PDF's text as ``pdftotext -layout`` gives it back to a reader."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Page:
    """What a reader gets from the HTML: every table's cell texts and the body text."""

    tables: list[list[list[str]]]
    text: str


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self.cell = self.style = False

    def handle_starttag(self, tag, attrs):
        self.style |= tag == "style"
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.tables[-1][-1].append("")
            self.cell = True

    def handle_endtag(self, tag):
        self.style &= tag != "style"
        if tag in ("td", "th"):
            self.cell = False

    def handle_data(self, data):
        if not self.style:
            self.text.append(data)
            if self.cell:
                self.tables[-1][-1][-1] += data.strip()


def read_page(path: Path) -> Page:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return Page(tables=parser.tables, text=squash(" ".join(parser.text)))


def misaligned_heads(path: Path) -> list[tuple[str, str]]:
    """(table, head) for each column head of a page's tables that is set as a number while
    every cell below it is text (a row head or a ``text`` cell, both set left) or the reverse,
    so the head stands apart from its column."""
    from lxml import html as lxml_html

    found = []
    for table in lxml_html.parse(str(path)).getroot().xpath("//table"):
        heads = table.xpath("./thead/tr[last()]/*")
        rows = [row.xpath("./*") for row in table.xpath("./tbody/tr")]
        for index, head in enumerate(heads[1:], start=1):
            cells = [row[index] for row in rows if len(row) == len(heads)]
            texts = {cell.tag == "th" or "text" in cell.get("class", "").split() for cell in cells}
            if cells and len(texts) == 1 and texts != {"text" in head.get("class", "").split()}:
                found.append((table.get("class", ""), head.text_content().strip()))
    return found


def built_bulletin(root: Path, data: Path, period: str) -> tuple[Path, Page, str]:
    """A bulletin built with the real CLI: its folder, the HTML as a reader gets it, and the
    PDF's text with whitespace collapsed."""
    result = run_cli("build", "--data", str(data), "--period", period, "--out", str(root / "out"), cwd=root)
    assert result.returncode == 0, result.stderr
    stem = root / "out" / f"faaliyet-illerine-gore-ihracat-{period}"
    return root / "out", read_page(stem.with_suffix(".html")), squash(pdf_text(stem.with_suffix(".pdf")))


def drawn_map(values: dict, no_data_label: str, and_above: str):
    """The province map drawn as the build draws it: its figure under the bulletin's
    matplotlib settings, rendered to SVG."""
    import matplotlib

    from reportgen.maps import map_figure
    from reportgen.plotting import rc_settings, render_chart

    with matplotlib.rc_context(rc_settings()):
        return render_chart("harita-iller", map_figure(values, no_data_label, and_above))


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


@pytest.fixture(scope="session")
def sample_data(sample_build) -> Path:
    """The sample records ``sample_build`` was built from."""
    return sample_build.parent / "data" / "ihracat-ornek.parquet"


@pytest.fixture(scope="session")
def monthly_build(sample_build, sample_data) -> Path:
    """The default monthly bulletin (2024-06) of the same sample data, once per session."""
    out = sample_build.parent / "out-2024-06"
    built = run_cli("build", "--data", str(sample_data), "--period", "2024-06", "--out", str(out), cwd=out.parent)
    assert built.returncode == 0, built.stderr
    return out


README = Path(__file__).parent.parent / "README.md"
PERIOD_WITH_EXTRAS = "2024-06"


def readme_sections() -> list[dict]:
    """The editors' sections of the README's example (under its ``extra-sections-example`` marker)."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- extra-sections-example -->\n```yaml\n(.*?)```", text, re.S).group(1)
    return yaml.safe_load(block)["extra_sections"]


def write_config(root: Path, data: Path, sections: list[dict], **more) -> Path:
    """A config.yaml in ``root`` for ``data`` with these editors' sections."""
    config = {"data": [str(data)], "period": PERIOD_WITH_EXTRAS, "extra_sections": sections, **more}
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def extra_build(tmp_path_factory, sample_data) -> Path:
    """The monthly bulletin (2024-06) with the README's three editors' sections."""
    root = tmp_path_factory.mktemp("extra")
    write_config(root, sample_data, readme_sections())
    result = run_cli("build", "--out", str(root / "out"), cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "out"
