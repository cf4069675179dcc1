"""Province profiles as a governor reads them: the 2023 figures of the published release,
in the PDF text, and all 81 provinces when asked."""

from __future__ import annotations


import pytest

from conftest import pdf_text, run_cli, squash


@pytest.fixture(scope="module")
def profiles(sample_build, tmp_path_factory):
    root = tmp_path_factory.mktemp("profiles")
    data = sample_build.parent / "data" / "ihracat-ornek.parquet"
    result = run_cli("build", "--data", str(data), "--period", "2023", "--profiles", "--out", str(root / "out"),
                     cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "out" / "iller"


def test_all_81_provinces(profiles):
    pdfs = sorted(p.name for p in profiles.glob("*.pdf"))
    assert len(pdfs) == 81 and len(list(profiles.glob("*.html"))) == 81
    assert pdfs[0] == "01-adana.pdf" and "34-istanbul.pdf" in pdfs and "63-sanliurfa.pdf" in pdfs


def test_istanbul_profile_states_the_published_figures(profiles):
    text = squash(pdf_text(profiles / "34-istanbul.pdf"))
    assert "İstanbul (34)" in text and "İstanbul Bölgesi" in text
    assert ("2023 yılında 59 milyar 381 milyon dolar ihracatla 1. sırada; Türkiye ihracatındaki payı %23,2, "
            "bir yıl öncesine göre %7,5 artış.") in text
    assert "71 Kıymetli veya yarı kıymetli taşlar" in text and "10.934,0" in text
    assert "Birleşik Arap Emirlikleri" in text and "4.691,0" in text


def test_kocaeli_among_its_region(profiles):
    text = squash(pdf_text(profiles / "41-kocaeli.pdf"))
    assert "Doğu Marmara Bölgesi" in text
    positions = [text.index(f"{rank}. {name}") for rank, name in enumerate(["KOCAELİ", "BURSA", "SAKARYA"], start=1)]
    assert positions == sorted(positions)
    assert "30.625 12,0 30.717 12,0 0,3" in text
