"""Province profiles as a governor reads them: the 2023 figures of the published release,
in the PDF text, and all 81 provinces when asked."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import pdf_text, run_cli, squash

from reportgen.pdf import _parsed_style, html_to_pdf


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


def test_profiles_parse_their_shared_style_once_and_the_pdf_is_the_same(sample_data):
    """Every profile's page for print has the same style: a worker parses it and loads its
    fonts once. The PDF is byte for byte the one made with the style parsed for the page."""
    from reportgen import build, render
    from reportgen.charts import profile_chart
    from reportgen.config import load_config

    config = load_config(None, {"data": [str(sample_data)], "period": "2023", "provinces": ["34", "41"]})
    with build.preparing(config) as (prepared,):
        pass
    env = render.environment(config.templates_path())
    _parsed_style.cache_clear()
    for profile in prepared.profiles:
        trend = profile_chart(f"{profile.slug}-egilim", profile.trend)
        context = build.template_context(config, prepared, "pdf", profile, trend=trend)
        page = render.render_page(env, build.PROFILE_TEMPLATE, context.as_dict())
        assert html_to_pdf(page, prepared.created, shared_style=True) == html_to_pdf(page, prepared.created)
    assert (_parsed_style.cache_info().misses, _parsed_style.cache_info().hits) == (1, 1)


@pytest.mark.parametrize("styles", ['<style media="print">p { color: red }</style><style>p { color: blue }</style>',
                                    '<style>p { color: blue }</style><style>p { color: red }</style>'])
def test_a_page_styled_otherwise_keeps_its_own_styles(styles):
    """Several style elements, or one for a medium, keep their order and media: such a
    page is made as it is, not with a shared style."""
    page = f'<html lang="tr"><head><title>t</title>{styles}</head><body><p>Kapanış</p></body></html>'
    created = dt.datetime(2023, 12, 31)
    _parsed_style.cache_clear()
    assert html_to_pdf(page, created, shared_style=True) == html_to_pdf(page, created)
    assert _parsed_style.cache_info().misses == 0
