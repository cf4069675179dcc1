"""Data as it arrives from staff's systems: Turkish Excel CSV (Windows-1254 or UTF-8 with
BOM, ';', decimal comma), Turkish headers, ASCII-folded province names, XLSX with several
sheets. Every variant must give the very same bulletin as the canonical file."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from conftest import run_cli
from reportgen.data.dialect import detect_delimiter, detect_encoding
from reportgen.reference import resolve_province

PROVINCES = ["İstanbul", "Kocaeli", "İzmir", "Diyarbakır", "Şanlıurfa", "Iğdır", "Kırklareli", "Çorum",
             "Muğla", "Ağrı", "Hakkâri", "Gümüşhane", "Ankara", "Bursa", "Eskişehir"]
# How another system spells the same province: ASCII upper case, folded, or plate with zero.
SPELLED = {"İstanbul": "ISTANBUL", "Kocaeli": "kocaeli", "İzmir": "35", "Diyarbakır": "DIYARBAKIR",
           "Şanlıurfa": "Sanliurfa", "Iğdır": "IGDIR", "Kırklareli": "KIRKLARELİ", "Çorum": "corum",
           "Muğla": "MUGLA", "Ağrı": "04", "Hakkâri": "Hakkari", "Gümüşhane": "GUMUSHANE", "Ankara": "06",
           "Bursa": "bursa", "Eskişehir": "Eskisehir"}
TURKISH_HEADER = ["Yıl", "Ay", "Faaliyet İli", "GTİP", "Ülke", "FOB Dolar"]
COLUMNS = "columns:\n  year: Yıl\n  month: Ay\n  province: Faaliyet İli\n  hs_code: GTİP\n  country: Ülke\n  value_usd: FOB Dolar\n"


def records() -> list[list[str]]:
    rng = random.Random(54)
    rows = []
    for year in (2022, 2023):
        for month in range(1, 13):
            for province in PROVINCES:
                for _ in range(3):
                    code = rng.choice(["08021100", "870323", "6109100010", "2710124100", "7113190000"])
                    value = f"{rng.randint(1_000, 90_000_000)}.{rng.randint(0, 99):02d}"
                    rows.append([str(year), str(month), province, code, rng.choice(["DE", "NA", "GB", "IQ"]), value])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str, delimiter: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def turkish_excel(rows: list[list[str]]) -> list[list[str]]:
    """Province names as another system spells them and values with a decimal comma."""
    return [[y, m, SPELLED[p], code, country, value.replace(".", ",")] for y, m, p, code, country, value in rows]


def build(tmp_path: Path, name: str, data: Path, config: str = "") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.yaml").write_text(f"period: 2023\ndata: [{data}]\n{config}", encoding="utf-8")
    result = run_cli("build", "--out", str(folder / "out"), cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "out"


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> tuple[Path, list[list[str]]]:
    root = tmp_path_factory.mktemp("canonical")
    rows = records()
    write_csv(root / "veri.csv", ["year", "month", "province", "hs_code", "country", "value_usd"], rows,
              encoding="utf-8", delimiter=",")
    return build(root, "canonical", root / "veri.csv"), rows


def assert_same_bulletin(out: Path, reference: Path) -> None:
    for name in ("faaliyet-illerine-gore-ihracat-2023.html", "tablo-1-iller.csv", "fasillar.csv", "ulkeler.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_turkish_excel_windows_1254(tmp_path, canonical):
    reference, rows = canonical
    write_csv(tmp_path / "excel.csv", TURKISH_HEADER, turkish_excel(rows), encoding="windows-1254", delimiter=";")
    assert detect_encoding(tmp_path / "excel.csv") == "windows-1254"
    assert_same_bulletin(build(tmp_path, "excel", tmp_path / "excel.csv", COLUMNS), reference)


def test_utf8_with_bom_semicolon_and_decimal_comma(tmp_path, canonical):
    reference, rows = canonical
    write_csv(tmp_path / "bom.csv", TURKISH_HEADER, turkish_excel(rows), encoding="utf-8-sig", delimiter=";")
    assert detect_encoding(tmp_path / "bom.csv") == "utf-8-sig"
    assert_same_bulletin(build(tmp_path, "bom", tmp_path / "bom.csv", COLUMNS), reference)


def test_declared_dialect(tmp_path, canonical):
    reference, rows = canonical
    write_csv(tmp_path / "tab.csv", TURKISH_HEADER, turkish_excel(rows), encoding="windows-1254", delimiter="\t")
    config = COLUMNS + 'csv:\n  delimiter: "\\t"\n  encoding: windows-1254\n  decimal: ","\n'
    assert_same_bulletin(build(tmp_path, "tab", tmp_path / "tab.csv", config), reference)


def test_xlsx_sheet_named_in_config(tmp_path, canonical):
    from openpyxl import Workbook

    reference, rows = canonical
    workbook = Workbook()
    workbook.active.title = "Açıklama"
    workbook.active.append(["Bu sayfada veri yok"])
    sheet = workbook.create_sheet("Veri")
    sheet.append(TURKISH_HEADER)
    for y, m, p, code, country, value in rows:
        sheet.append([int(y), int(m), SPELLED[p], code, country, float(value)])
    workbook.save(tmp_path / "veri.xlsx")
    assert_same_bulletin(build(tmp_path, "xlsx", tmp_path / "veri.xlsx", COLUMNS + "xlsx:\n  sheet: Veri\n"), reference)


def test_missing_sheet_is_named(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Özet"
    workbook.save(tmp_path / "veri.xlsx")
    (tmp_path / "config.yaml").write_text("period: 2023\ndata: [veri.xlsx]\nxlsx:\n  sheet: Veri\n", encoding="utf-8")
    result = run_cli("build", "--out", "out", cwd=tmp_path)
    assert result.returncode == 3
    assert "'Veri' adlı sayfa yok (sayfalar: Özet)" in result.stderr


def test_windows_1254_error_keeps_line_and_letters(tmp_path, canonical):
    _, rows = canonical
    bad = turkish_excel(rows)
    bad[5][2] = "ŞEHİRKÖY"
    write_csv(tmp_path / "excel.csv", TURKISH_HEADER, bad, encoding="windows-1254", delimiter=";")
    (tmp_path / "config.yaml").write_text(f"period: 2023\ndata: [excel.csv]\n{COLUMNS}", encoding="utf-8")
    result = run_cli("build", "--out", "out", cwd=tmp_path)
    assert result.returncode == 3
    assert "satır 7" in result.stderr and "sütun 'Faaliyet İli'" in result.stderr
    assert "değer 'ŞEHİRKÖY'" in result.stderr and "excel.csv" in result.stderr
    assert not (tmp_path / "out").exists()


def test_decimal_point_file_rejects_a_comma_value(tmp_path, canonical):
    _, rows = canonical
    bad = [list(r) for r in rows]
    bad[2][5] = "12,5"
    write_csv(tmp_path / "veri.csv", ["year", "month", "province", "hs_code", "country", "value_usd"], bad,
              encoding="utf-8", delimiter=",")
    (tmp_path / "config.yaml").write_text("period: 2023\ndata: [veri.csv]\n", encoding="utf-8")
    result = run_cli("build", "--out", "out", cwd=tmp_path)
    assert result.returncode == 3
    assert "satır 4" in result.stderr and "değer '12,5'" in result.stderr


@pytest.mark.parametrize("raw, plate", [
    ("İstanbul", 34), ("ISTANBUL", 34), ("istanbul", 34), ("Istanbul", 34), ("DIYARBAKIR", 21),
    ("Sanliurfa", 63), ("ŞANLIURFA", 63), ("IGDIR", 76), ("Iğdır", 76), ("Hakkari", 30), ("HAKKÂRİ", 30),
    ("06", 6), ("6", 6), (" 81 ", 81), ("Kirklareli", 39),
])
def test_province_spellings(raw, plate):
    assert resolve_province(raw) == plate


@pytest.mark.parametrize("raw", ["0", "82", "-1", "6.0", "Afyon", "Istanbull", "", "Kocaeli İli"])
def test_province_rejections(raw):
    assert resolve_province(raw) is None


def test_delimiter_detection():
    wanted = ["Yıl", "Ay", "GTİP"]
    assert detect_delimiter("Yıl;Ay;GTİP;FOB Dolar", wanted) == ";"
    assert detect_delimiter("Yıl,Ay,GTİP", wanted) == ","
    assert detect_delimiter("Yıl\tAy\tGTİP", wanted) == "\t"
