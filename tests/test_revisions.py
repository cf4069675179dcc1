"""Revisions against the release store: a May figure changed after May's bulletin was
published shows in June's bulletin and data files, an unexplained one fails --strict, a
reason explains it, and a release never touches another period's folder."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import misaligned_heads, read_page, run_cli
from reportgen.revisions import find_revisions, reason_for, unexplained
from reportgen.store import Published, releases
from reportgen.tidy import Figure

RAISED = 50_000_000
"""dollars added to one of İstanbul's May 2024 records after May's bulletin was published"""


def figure(period: str, value: str, measure: str = "export_value", unit: str = "USD", code: str = "34") -> Figure:
    return Figure(period=period, measure=measure, province_code=code, province="İstanbul", region="İstanbul",
                  chapter_code="", chapter="", country_code="", country="", technology_level="",
                  value=Decimal(value), unit=unit)


def test_only_changed_dollar_figures_are_revisions_largest_first():
    figures = [figure("2024-05", "100.00"), figure("2024-04", "80.00"), figure("2024-03", "50.00"),
               figure("2024-05", "12.5", measure="export_share", unit="percent"), figure("2024-06", "7.00")]
    published = {figures[0].key: Published(Decimal("90.000000"), "2024-05"),
                  figures[1].key: Published(Decimal("80.000000"), "2024-05"),
                  figures[2].key: Published(Decimal("50.50"), "2024-04"),
                  figures[3].key: Published(Decimal("11"), "2024-05")}
    found = find_revisions(figures, published, {"2024-03": "Düzeltme"})
    assert [(r.figure.period, r.published, r.value, r.release, r.reason) for r in found] == [
        ("2024-05", Decimal("90"), Decimal("100"), "2024-05", ""),
        ("2024-03", Decimal("50.5"), Decimal("50"), "2024-04", "Düzeltme")]
    assert found[0].change_pct == Decimal("100") * 10 / 90
    assert [r.figure.period for r in unexplained(found, 0.5)] == ["2024-05"]
    assert unexplained(found, 20) == []


@pytest.mark.parametrize("period, expected", [
    ("2024-05", "Mayıs"), ("2024-01/2024-06", "Şubat; Mayıs"), ("2024-01/2024-04", "Şubat"), ("2024", "Yıl"),
    ("2023", "Mayıs 2023"), ("2024-07", ""), ("2022", "")])
def test_a_reason_for_a_month_explains_the_spans_that_cover_it(period, expected):
    reasons = {"2024-05": "Mayıs", "2024-02": "Şubat", "2024-06": "Mayıs", "2024": "Yıl", "2023-05": "Mayıs 2023"}
    assert reason_for(period, reasons) == expected


def test_a_revision_from_zero_is_always_above_the_threshold():
    revision, = find_revisions([figure("2024-05", "5")], {figure("2024-05", "0").key: Published(Decimal(0), "x")}, {})
    assert revision.change_pct is None and revision.above(1000)


def test_the_store_holds_releases_by_period_and_nothing_else(tmp_path):
    for name in ("2024-05", "2023", "2024-04", "notlar", "2024-13", "2024-7"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"veriler-{name}.parquet").write_bytes(b"")
        (tmp_path / name / "manifest.json").write_text("{}")
    (tmp_path / "2024-06").mkdir()
    (tmp_path / "2024-06" / "manifest.json").write_text("{}")
    (tmp_path / "2024-08").mkdir()
    (tmp_path / "2024-08" / "veriler-2024-08.parquet").write_bytes(b"")
    assert [r.slug for r in releases(tmp_path)] == ["2023", "2024-04", "2024-05"]
    assert releases(tmp_path / "yok") == []


@pytest.fixture(scope="module")
def revised_data(sample_data, tmp_path_factory) -> Path:
    """The sample records with one of İstanbul's May 2024 records raised by RAISED dollars."""
    table = pq.read_table(sample_data)
    rows = table.to_pydict()
    index = next(i for i, (p, y, m) in enumerate(zip(rows["province"], rows["year"], rows["month"]))
                 if (p, y, m) == ("İstanbul", 2024, 5))
    values = rows["value_usd"]
    values[index] += RAISED
    path = tmp_path_factory.mktemp("revised") / "ihracat-revize.parquet"
    pq.write_table(table.set_column(table.schema.get_field_index("value_usd"), "value_usd",
                                    pa.array(values, table.schema.field("value_usd").type)), path)
    return path


@pytest.fixture(scope="module")
def store(sample_data, tmp_path_factory) -> Path:
    """A project whose store holds May 2024's bulletin, published from the sample data."""
    root = tmp_path_factory.mktemp("store")
    result = run_cli("build", "--data", str(sample_data), "--period", "2024-05", "--release", "-q", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


HEADS = {"Dönem": "period", "Gösterge": "measure", "İl": "province", "Fasıl kodu": "chapter_code",
         "Ülke kodu": "country_code", "Yayımlanan değer (ABD Doları)": "published_value_usd",
         "Yeni değer (ABD Doları)": "value_usd", "Revizyon (ABD Doları)": "revision_usd",
         "Yayımlandığı bülten": "published_in", "Açıklama": "reason"}
"""the revisions CSV's Turkish heads, as the defaults word them"""


def revisions_csv(folder: Path) -> list[dict]:
    with (folder / "revizyonlar.csv").open(encoding="utf-8", newline="") as file:
        return [{HEADS.get(head, head): value for head, value in row.items()} for row in csv.DictReader(file)]


def test_a_changed_may_figure_is_a_revision_in_june(store, revised_data):
    assert sorted(p.name for p in (store / "yayinlar").iterdir()) == ["2024-05"]
    assert (store / "yayinlar" / "2024-05" / "manifest.json").is_file()
    result = run_cli("build", "--data", str(revised_data), "--period", "2024-06", "--out", "haziran", cwd=store)
    assert result.returncode == 0, result.stderr
    assert "revizyon eşiğini (%0,5) aşan 1 rakam açıklamasız revize edildi (en büyüğü 2024-05 İstanbul" in result.stderr
    published = {row["province"]: row for row in revisions_csv(store / "haziran")
                 if row["period"] == "2024-05" and row["measure"] == "export_value" and not row["chapter_code"]
                 and not row["country_code"]}
    istanbul = published["İstanbul"]
    assert Decimal(istanbul["value_usd"]) - Decimal(istanbul["published_value_usd"]) == RAISED
    assert Decimal(istanbul["revision_usd"]) == RAISED
    assert istanbul["published_in"] == "2024-05" and istanbul["reason"] == ""
    page = read_page(store / "haziran" / "faaliyet-illerine-gore-ihracat-2024-06.html")
    assert "Revizyonlar" in page.text and "Önceki bültenlerde yayımlanan" in page.text
    table = next(t for t in page.tables if t and t[0][:2] == ["Dönem", "Gösterge"])
    assert ["2024-05", "İhracat değeri: İstanbul"] in [row[:2] for row in table]
    assert misaligned_heads(store / "haziran" / "faaliyet-illerine-gore-ihracat-2024-06.html") == []


def test_an_unexplained_revision_fails_strict_and_a_reason_explains_it(store, revised_data, tmp_path):
    strict = run_cli("build", "--data", str(revised_data), "--period", "2024-06", "--strict", "--out",
                     str(tmp_path / "katı"), "-q", cwd=store)
    assert strict.returncode == 3 and "açıklamasız" in strict.stderr
    assert not (tmp_path / "katı").exists()
    config = store / "gerekce.yaml"
    config.write_text(yaml.safe_dump({"release_store": "yayinlar",
                                      "revisions": {"reasons": {"2024-05": "Gecikmeli beyannameler"}}},
                                     allow_unicode=True), encoding="utf-8")
    explained = run_cli("build", "--config", str(config), "--data", str(revised_data), "--period", "2024-06",
                        "--strict", "--out", str(tmp_path / "gerekceli"), "-q", cwd=store)
    assert explained.returncode == 0, explained.stderr
    reasons = {row["reason"] for row in revisions_csv(tmp_path / "gerekceli") if row["period"] == "2024-05"}
    assert reasons == {"Gecikmeli beyannameler"}


def test_a_release_keeps_other_periods_as_they_were(store, sample_data):
    may = store / "yayinlar" / "2024-05"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in may.iterdir()}
    result = run_cli("build", "--data", str(sample_data), "--period", "2024-06", "--release", "-q", cwd=store)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (store / "yayinlar").iterdir()) == ["2024-05", "2024-06"]
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in may.iterdir()} == before
    # June is built from the data May was published from: nothing was revised
    assert not (store / "yayinlar" / "2024-06" / "revizyonlar.csv").exists()
    both = run_cli("build", "--period", "2024-06", "--release", "--out", "x", cwd=store)
    assert both.returncode == 4 and "--release ile --out birlikte verilemez" in both.stderr
