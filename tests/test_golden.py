"""The 2023 release rebuilt from the sample data: every Tablo 1 row and every data-driven
sentence of the published bulletin, in the HTML and in the PDF's extracted text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Page, pdf_text, read_page, squash

GOLDEN = Path(__file__).parent / "golden" / "bulletin-2023.txt"
STEM = "faaliyet-illerine-gore-ihracat-2023"


def golden_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        else:
            current.append(line)
    return sections


EXPECTED = golden_sections()
TABLE = [line.split("\t") for line in EXPECTED["table"]]


@pytest.fixture(scope="module")
def html(sample_build) -> Page:
    return read_page(sample_build / f"{STEM}.html")


@pytest.fixture(scope="module")
def pdf(sample_build) -> str:
    return squash(pdf_text(sample_build / f"{STEM}.pdf"))


def test_table_rows_in_html(html):
    assert html.tables[0] == TABLE


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row[0])
def test_table_row_in_pdf(pdf, row):
    assert " ".join(cell for cell in row if cell) in pdf


@pytest.mark.parametrize("sentence", EXPECTED["leaders"] + EXPECTED["sentences"])
def test_sentence_in_html(html, sentence):
    assert sentence in html.text


@pytest.mark.parametrize("sentence", EXPECTED["leaders"] + EXPECTED["sentences"])
def test_sentence_in_pdf(pdf, sentence):
    assert sentence in pdf


def test_turkish_capitals_survive_pdf_text_extraction(pdf):
    for word in ("İSTANBUL", "KOCAELİ", "TEKİRDAĞ", "GAZİANTEP", "ESKİŞEHİR", "Faaliyet İllerine Göre"):
        assert word in pdf


def test_pdf_metadata_and_fonts(sample_build):
    from pypdf import PdfReader

    reader = PdfReader(sample_build / f"{STEM}.pdf")
    assert reader.metadata.title == "Faaliyet İllerine Göre İhracat İstatistikleri – 2023 Yılı"
    assert reader.trailer["/Root"]["/Lang"] == "tr"
    assert all(page.mediabox.width == pytest.approx(595.28, abs=0.5) for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant["/FontDescriptor"] or "/FontFile3" in descendant["/FontDescriptor"]
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.replace("-", "").startswith("SourceSansPro") for name in fonts), fonts


def test_pdf_has_page_numbers(pdf):
    pages = re.findall(r"(\d+) ?/ ?(\d+)", pdf)
    assert [int(p) for p, _ in pages] == list(range(1, len(pages) + 1))
    assert {int(total) for _, total in pages} == {len(pages)}


def test_html_is_self_contained(sample_build):
    page = (sample_build / f"{STEM}.html").read_text(encoding="utf-8")
    assert '<html lang="tr">' in page
    assert not re.search(r'src="(?!data:)', page)
    files = re.findall(r'href="(?!data:|#)([^"]*)"', page)  # download links: the build's own files, by name
    assert files and all("/" not in name and (sample_build / name).is_file() for name in files), files
    assert "file:" not in page
    assert page.count('src: url("data:font/woff;base64,') == 3  # the PDF's typeface, embedded
    assert page.count('<div class="chart" role="img" aria-label="') == 2  # the charts, inline, labelled
    assert page.count('<svg ') == 2 and page.count("font-family: 'Source Sans Pro'") > 20  # chart text as text


def test_output_files(sample_build):
    names = sorted(p.name for p in sample_build.iterdir())
    csvs = ["tablo-1-iller.csv", "tum-iller.csv", "fasillar.csv", "ulkeler.csv", "bolgeler.csv", "teknoloji.csv",
            "merkez-ili.csv", "veriler-2023.csv"]
    assert names == sorted([
        f"{STEM}.html", f"{STEM}.pdf", "tablolar-2023.xlsx", "veriler-2023.parquet", *csvs,
        *(f"{name}-metadata.json" for name in csvs),
        "grafik-fasillar.svg", "grafik-fasillar.png", "grafik-ulkeler.svg", "grafik-ulkeler.png", "manifest.json",
    ])


def test_workbook_holds_numbers(sample_build):
    from openpyxl import load_workbook

    workbook = load_workbook(sample_build / "tablolar-2023.xlsx")
    cover = workbook["Kapak"]
    listed = [row[0] for row in cover.iter_rows(min_row=9, values_only=True)]
    assert listed == workbook.sheetnames[1:]
    sheet = workbook["tablo-1-iller"]
    assert sheet["A1"].value == "Faaliyet İllerine Göre İhracat (2023)"
    assert "ABD Doları" in sheet["A2"].value
    first = [cell.value for cell in sheet[6]]
    assert first[:5] == ["2023", 1, "34", "İstanbul", "2022"]
    assert first[5] == pytest.approx(55_229_000_000) and first[7] == pytest.approx(59_381_000_000)
    assert sheet.cell(6, 6).number_format == "#,##0.00" and sheet.cell(6, 7).number_format == "0.0"
    assert sheet.freeze_panes is None


def test_csv_table_has_exact_values(sample_build):
    lines = (sample_build / "tablo-1-iller.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("Dönem,Sıra,Plaka,İl,Önceki dönem,Önceki dönem değeri (ABD Doları),Önceki dönem payı (%),"
                        "Değer (ABD Doları),Pay (%),Değişim (%)")
    assert lines[1] == "2023,1,34,İstanbul,2022,55229000000.00,21.7,59381000000.00,23.2,7.5"
    assert lines[-1] == "2023,,TR,Toplam,2022,254170000000.00,100.0,255809000000.00,100.0,0.6"
