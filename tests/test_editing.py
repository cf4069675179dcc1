"""What editors and CI rely on: block overrides, exported templates, the context and the
reference page, --strict, and the manifest."""

from __future__ import annotations

import datetime as dt
import json
import hashlib
from pathlib import Path

import pytest

from conftest import run_cli
from reportgen.render import FILTERS
from reportgen.period import Span
from reportgen.template_docs import filter_examples

STEM = "faaliyet-illerine-gore-ihracat-2023"


@pytest.fixture(scope="module")
def data(sample_build) -> Path:
    return sample_build.parent / "data" / "ihracat-ornek.parquet"


def build(data: Path, cwd: Path, *extra: str):
    return run_cli("build", "--data", str(data), "--period", "2023", "--out", str(cwd / "out"), *extra, cwd=cwd)


def test_overriding_one_block_changes_only_that_block(tmp_path, data, sample_build):
    sections = tmp_path / "sablon" / "sections"
    sections.mkdir(parents=True)
    (sections / "closing.html").write_text(
        '{% extends "builtin/sections/closing.html" %}\n'
        '{% block closing %}<p class="closing">Saygıyla duyurulur, {{ period.year }}.</p>{% endblock %}\n',
        encoding="utf-8")
    result = build(data, tmp_path, "--templates", str(tmp_path / "sablon"))
    assert result.returncode == 0, result.stderr
    before = (sample_build / f"{STEM}.html").read_text(encoding="utf-8")
    after = (tmp_path / "out" / f"{STEM}.html").read_text(encoding="utf-8")
    expected = before.replace('<p class="closing">Kamuoyuna saygıyla duyurulur.</p>',
                              '<p class="closing">Saygıyla duyurulur, 2023.</p>')
    assert expected != before
    assert "".join(after.split()) == "".join(expected.split())


def test_sections_can_be_reordered_and_turned_off(tmp_path, data):
    (tmp_path / "config.yaml").write_text("sections: [provinces, leaders]\n", encoding="utf-8")
    result = build(data, tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / f"{STEM}.html").read_text(encoding="utf-8")
    assert page.index("Tablo 1:") < page.index("yılında faaliyet illerine göre ihracatta;")
    assert "Grafik 1" not in page and "Kamuoyuna" not in page


def test_exported_templates_build_the_same_bulletin(tmp_path, data, sample_build):
    exported = tmp_path / "sablon"
    result = run_cli("templates", "export", str(exported), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (exported / "OKUBENI.md").is_file() and (exported / "sections" / "chapters.html").is_file()
    built = build(data, tmp_path, "--templates", str(exported))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / f"{STEM}.pdf").read_bytes() == (sample_build / f"{STEM}.pdf").read_bytes()


def test_exported_template_with_an_undefined_variable_names_file_and_line(tmp_path, data):
    exported = tmp_path / "sablon"
    run_cli("templates", "export", str(exported), cwd=tmp_path)
    leaders = exported / "sections" / "leaders.html"
    lines = leaders.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  <p>{{ figures.olmayan_alan }}</p>")
    leaders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = build(data, tmp_path, "--templates", str(exported))
    assert result.returncode == 5
    assert f"{leaders}" in result.stderr and "satır 4" in result.stderr
    assert "olmayan_alan" in result.stderr
    assert not (tmp_path / "out").exists()


def test_template_syntax_error_names_file_and_line(tmp_path, data):
    (tmp_path / "sablon").mkdir()
    (tmp_path / "sablon" / "bulletin.html").write_text("<html>\n{% if %}\n</html>\n", encoding="utf-8")
    result = build(data, tmp_path, "--templates", str(tmp_path / "sablon"))
    assert result.returncode == 5
    assert "bulletin.html" in result.stderr and "satır 2" in result.stderr


def test_context_command_prints_the_template_context(tmp_path, data):
    result = run_cli("context", "--data", str(data), "--period", "2023", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    context = json.loads(result.stdout)
    first = context["figures"]["main"]["table"]["rows"][0]
    assert (first["name"], first["plate"], first["rank"]) == ("İstanbul", 34, 1)
    assert first["current"].startswith("59381000000")
    assert context["labels"]["province"] == "İL"
    assert context["period"]["slug"] == "2023"


def test_reference_page_lists_every_filter_and_variable(tmp_path, data):
    result = run_cli("templates", "reference", "--data", str(data), "--period", "2023", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in FILTERS:
        assert f"| `{name}` |" in result.stdout
    for variable in ("figures.main.table.rows[0].current_share", "figures.leaders[0].chapters[0].word",
                     "labels.province", "period.year", "charts.chapters.data_uri"):
        assert f"| `{variable}` |" in result.stdout


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_every_filter_documents_examples_that_hold(name):
    function = FILTERS[name]
    examples = filter_examples(function)
    assert examples, f"{name} has no ``input`` → ``output`` example in its docstring"
    for given, expected in examples:
        assert str(function(*eval(f"({given},)", {"Span": Span, "date": dt.date}))) == expected


def test_strict_fails_on_warnings(tmp_path):
    rows = ["year,month,province,hs_code,country,value_usd"]
    rows += [f"{y},{m},İstanbul,8703,DE,{100 if y == 2022 else 5000}" for y in (2022, 2023) for m in range(1, 13)]
    (tmp_path / "veri.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = ("build", "--data", "veri.csv", "--period", "2023", "--out", "out")
    relaxed = run_cli(*args, cwd=tmp_path)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "Uyarı: İstanbul ilinin değişimi %4.900,0" in relaxed.stderr
    assert "hiç verisi olmayan iller: Adana, " in relaxed.stderr
    (tmp_path / "out2").mkdir()
    strict = run_cli(*args[:-1], "out2/bulten", "--strict", cwd=tmp_path)
    assert strict.returncode == 3
    assert "--strict" in strict.stderr and "%4.900,0" in strict.stderr
    assert list((tmp_path / "out2").iterdir()) == []


def test_manifest_lists_outputs_and_inputs(sample_build, data):
    manifest = json.loads((sample_build / "manifest.json").read_text(encoding="utf-8"))
    outputs = sorted(p.name for p in sample_build.iterdir() if p.name != "manifest.json")
    assert sorted(manifest["files"]) == outputs
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((sample_build / name).read_bytes()).hexdigest()
    assert manifest["inputs"]["data"] == [
        {"name": data.name, "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}]
