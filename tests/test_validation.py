"""One test per data error, through the real CLI: a Turkish message naming the file, the
line, the column and the value; exit code 3; no traceback; nothing written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import run_cli

HEADER = ["year", "month", "province", "hs_code", "country", "value_usd"]


def valid_rows() -> list[list[str]]:
    """Every month of 2022 and 2023, so only the corruption under test can fail."""
    return [[str(y), str(m), "İstanbul", "08021100", "DE", "1500.25"] for y in (2022, 2023) for m in range(1, 13)]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def build(tmp_path: Path, data: Path):
    return run_cli("build", "--data", str(data), "--period", "2023", "--out", str(tmp_path / "out"), cwd=tmp_path)


def assert_rejected(tmp_path: Path, data: Path, *parts: str) -> str:
    before = sorted(p.name for p in tmp_path.iterdir())
    result = build(tmp_path, data)
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines()[-1].startswith("Hata: Veri hatası")
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    return result.stderr


@pytest.mark.parametrize("row, column, value, problem", [
    (4, "province", "Atlantis", "bilinmeyen il"),
    (4, "province", "82", "bilinmeyen il"),
    (7, "hs_code", "08A2", "GTİP kodu 2-12 haneli"),
    (7, "hs_code", "8", "GTİP kodu 2-12 haneli"),
    (7, "hs_code", "0802110000001", "GTİP kodu 2-12 haneli"),
    (7, "hs_code", "0012", "geçerli bir fasıl"),
    (9, "country", "XX", "bilinmeyen ülke kodu"),
    (9, "country", "de", "bilinmeyen ülke kodu"),
    (12, "value_usd", "", "değer boş"),
    (12, "value_usd", "12,5", "değer boş ya da sayı değil"),
    (12, "value_usd", "on iki", "değer boş ya da sayı değil"),
    (3, "month", "13", "ay 1 ile 12 arasında"),
    (3, "year", "23", "yıl dört haneli"),
    (3, "year", "", "yıl boş"),
])
def test_bad_value_is_named(tmp_path, row, column, value, problem):
    rows = valid_rows()
    rows[row - 2][HEADER.index(column)] = value
    data = write(tmp_path / "veri.csv", rows)
    assert_rejected(tmp_path, data, str(data), f"satır {row}", f"sütun '{column}'", f"değer '{value}'", problem)


@pytest.mark.parametrize("column, value, problem", [
    ("year", "0x7E7", "yıl dört haneli"),
    ("year", "2_023", "yıl dört haneli"),
    ("year", "2023.0", "yıl dört haneli"),
    ("year", "+2023", "yıl dört haneli"),
    ("year", "2e3", "yıl dört haneli"),
    ("month", "0x6", "ay 1 ile 12 arasında"),
    ("month", " 6.0", "ay 1 ile 12 arasında"),
])
def test_a_year_or_month_the_cast_reads_but_the_grammar_refuses_is_named(tmp_path, column, value, problem):
    """DuckDB's cast reads these as whole numbers; only digits (with spaces around) are a
    year or month, whatever the engine would make of the rest."""
    rows = valid_rows()
    rows[4][HEADER.index(column)] = value
    data = write(tmp_path / "veri.csv", rows)
    assert_rejected(tmp_path, data, str(data), "satır 6", f"sütun '{column}'", f"değer '{value}'", problem)


def test_missing_column(tmp_path):
    header = [h for h in HEADER if h != "country"]
    data = write(tmp_path / "veri.csv", [r[:4] + r[5:] for r in valid_rows()], header)
    assert_rejected(tmp_path, data, "satır 1", "sütun 'country'", "zorunlu sütun yok")


def test_broken_csv_line(tmp_path):
    data = tmp_path / "veri.csv"
    write(data, valid_rows())
    with open(data, "a", encoding="utf-8") as handle:
        handle.write('2023,1,İstanbul,"0802,DE\n')
    assert_rejected(tmp_path, data, str(data), "satır 26", "tırnak kapanmamış")


def test_unreadable_parquet(tmp_path):
    data = tmp_path / "veri.parquet"
    data.write_bytes(b"PAR1 this is not parquet")
    assert_rejected(tmp_path, data, str(data), "Parquet dosyası açılamadı (bozuk ya da Parquet değil)")


def test_unsupported_extension(tmp_path):
    data = tmp_path / "veri.txt"
    data.write_text("year,month\n", encoding="utf-8")
    assert_rejected(tmp_path, data, str(data), "desteklenmeyen dosya türü")


def test_file_not_found(tmp_path):
    assert_rejected(tmp_path, tmp_path / "yok.csv", "yok.csv", "veri dosyası bulunamadı")


def test_a_month_with_no_record_is_an_error(tmp_path):
    rows = [r for r in valid_rows() if (r[0], r[1]) != ("2022", "3")]
    assert_rejected(tmp_path, write(tmp_path / "veri.csv", rows), "2022: Mart", "hiç kayıt bulunamadı")


def test_parquet_with_numeric_hs_codes(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(valid_rows(), columns=HEADER)
    frame["hs_code"] = frame["hs_code"].astype(int)
    frame.to_parquet(tmp_path / "veri.parquet")
    assert_rejected(tmp_path, tmp_path / "veri.parquet", "sütun 'hs_code'", "GTİP kodu metin olarak saklanmalı")


def test_xlsx_error_names_the_sheet_row(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER)
    rows = valid_rows()
    rows[3][2] = "Atlantis"
    for row in rows:
        workbook.active.append(row)
    workbook.save(tmp_path / "veri.xlsx")
    assert_rejected(tmp_path, tmp_path / "veri.xlsx", "satır 5", "değer 'Atlantis'", "bilinmeyen il")


def test_failed_build_keeps_the_previous_output(tmp_path):
    good = write(tmp_path / "iyi.csv", valid_rows())
    assert build(tmp_path, good).returncode == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    rows = valid_rows()
    rows[0][2] = "Atlantis"
    failed = build(tmp_path, write(tmp_path / "kotu.csv", rows))
    assert failed.returncode == 3
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iyi.csv", "kotu.csv", "out"]


def test_namibia_negative_values_and_spellings_are_data(tmp_path):
    rows = valid_rows()
    rows += [["2023", "5", "istanbul", "0802", "NA", "-250.50"], ["2023", "5", "İSTANBUL", "0802", "NA", "1000"],
             ["2023", "5", "34", "0802", "NA", "10"]]
    result = build(tmp_path, write(tmp_path / "veri.csv", rows))
    assert result.returncode == 0, result.stderr
    countries = (tmp_path / "out" / "ulkeler.csv").read_text(encoding="utf-8")
    assert "34,İstanbul,2,NA,Namibya,759.50" in countries


def test_unwritable_output_is_one_turkish_line(tmp_path):
    blocked = tmp_path / "dosya"
    blocked.write_text("bir dosya, klasör değil", encoding="utf-8")
    data = write(tmp_path / "veri.csv", valid_rows())
    result = run_cli("build", "--data", str(data), "--period", "2023", "--out", str(blocked / "out"), cwd=tmp_path)
    assert result.returncode == 6
    assert result.stderr.splitlines()[-1].startswith("Hata: Çıktı hatası")
    assert "Traceback" not in result.stderr


def test_a_code_that_lost_its_leading_zero_is_a_warning(tmp_path):
    rows = valid_rows()
    rows[4][3] = "80211"
    data = write(tmp_path / "veri.csv", rows)
    relaxed = build(tmp_path, data)
    assert relaxed.returncode == 0
    assert "Uyarı: 1 kayıtta GTİP kodu tek sayıda haneli (ör. 80211); baştaki sıfır kaybolmuş olabilir" in relaxed.stderr
    strict = run_cli("build", "--data", str(data), "--period", "2023", "--out", str(tmp_path / "strict"), "--strict",
                     cwd=tmp_path)
    assert strict.returncode == 3 and "tek sayıda haneli" in strict.stderr
    assert not (tmp_path / "strict").exists()


@pytest.mark.parametrize("value, problem", [
    ("1e400", "değer olağan dışı büyük"),
    ("123456789012345678901234567890123", "değer olağan dışı büyük"),
    ("1000000000000000", "değer olağan dışı büyük"),
    ("999999999999999.9999995", "değer olağan dışı büyük"),
    ("-999999999999999.9999995", "değer olağan dışı büyük"),
    ("1_000", "değer boş ya da sayı değil"),
    ("0x10", "değer boş ya da sayı değil"),
    ("NaN", "değer sayı değil (NaN ya da sonsuz)"),
])
def test_values_beyond_an_exact_sum_are_named(tmp_path, value, problem):
    rows = valid_rows()
    rows[10][5] = value
    data = write(tmp_path / "veri.csv", rows)
    assert_rejected(tmp_path, data, "satır 12", "sütun 'value_usd'", f"değer '{value}'", problem)


@pytest.mark.parametrize("value, shown, problem", [
    (1e300, "1e+300", "değer olağan dışı büyük"),
    (float("nan"), "nan", "değer sayı değil (NaN ya da sonsuz)"),
    (float("-inf"), "-inf", "değer sayı değil (NaN ya da sonsuz)"),
])
def test_typed_parquet_values_are_checked_without_text(tmp_path, value, shown, problem):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = valid_rows()
    values = [float(r[5]) for r in rows]
    values[6] = value
    table = pa.table({"year": pa.array([int(r[0]) for r in rows], pa.int16()),
                      "month": pa.array([int(r[1]) for r in rows], pa.int8()),
                      "province": [r[2] for r in rows], "hs_code": [r[3] for r in rows],
                      "country": [r[4] for r in rows], "value_usd": pa.array(values, pa.float64())})
    pq.write_table(table, tmp_path / "veri.parquet")
    assert_rejected(tmp_path, tmp_path / "veri.parquet", "satır 7", "sütun 'value_usd'", f"değer '{shown}'", problem)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not a zip", b"year,month\n2023,1\n"])
def test_a_broken_xlsx_is_named(tmp_path, content):
    data = tmp_path / "veri.xlsx"
    data.write_bytes(content)
    assert_rejected(tmp_path, data, str(data), "XLSX dosyası açılamadı")


@pytest.mark.parametrize("extra, fields", [(",fazla", 7), ("", 5)])
def test_a_row_with_another_number_of_fields_is_named(tmp_path, extra, fields):
    data = write(tmp_path / "veri.csv", valid_rows())
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[7] = (lines[7] + extra) if extra else lines[7].rsplit(",", 1)[0]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_rejected(tmp_path, data, str(data), "satır 8", f"satırda {fields} alan var, başlıkta 6 sütun var")


def test_a_file_mixing_utf8_and_windows_1254_names_the_line(tmp_path):
    data = tmp_path / "veri.csv"
    rows = valid_rows()
    text = "\n".join(",".join(r) for r in [HEADER] + rows) + "\n"
    lines = text.encode("utf-8").splitlines(keepends=True)
    lines[15] = "2023,4,Şanlıurfa,08021100,DE,1.5\n".encode("cp1254")
    data.write_bytes(b"".join(lines))
    assert_rejected(tmp_path, data, str(data), "satır 16", "hem UTF-8 hem", "0xDE baytı")


@pytest.mark.parametrize("declared", [False, True])
def test_a_byte_that_is_not_utf8_far_into_the_file_names_the_line(tmp_path, declared):
    """Past the first block, which decides the encoding, a bad byte is found by the
    engine's reading: still an error naming the line, as a mixed file (detected) or as
    a byte the declared encoding does not have."""
    rows = valid_rows() * 2000
    text = "\n".join(",".join(r) for r in [HEADER] + rows) + "\n"
    lines = text.encode("utf-8").splitlines(keepends=True)
    assert sum(len(line) for line in lines[:40_000]) > 1 << 20
    lines[40_000] = "2023,4,Şanlıurfa,08021100,DE,1.5\n".encode("cp1254")
    data = tmp_path / "veri.csv"
    data.write_bytes(b"".join(lines))
    if declared:
        (tmp_path / "config.yaml").write_text("csv:\n  encoding: utf-8\n", encoding="utf-8")
        assert_rejected(tmp_path, data, str(data), "satır 40001", "dosya utf-8 olarak okunamadı (0xDE baytı)")
    else:
        assert_rejected(tmp_path, data, str(data), "satır 40001", "hem UTF-8 hem", "0xDE baytı")


def test_an_invisible_character_is_shown_as_such(tmp_path):
    rows = valid_rows()
    rows[5][2] = "Ankara\x00"
    data = write(tmp_path / "veri.csv", rows)
    assert_rejected(tmp_path, data, "satır 7", "değer 'Ankara\\x00'", "bilinmeyen il")


def test_excel_unicode_text_utf16_is_read(tmp_path):
    rows = valid_rows()
    utf8 = write(tmp_path / "utf8.csv", rows)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text(utf8.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-16")
    first = build(tmp_path, utf8)
    assert first.returncode == 0, first.stderr
    reference = (tmp_path / "out" / "tablo-1-iller.csv").read_bytes()
    second = run_cli("build", "--data", str(utf16), "--period", "2023", "--out", str(tmp_path / "out16"), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "out16" / "tablo-1-iller.csv").read_bytes() == reference


def test_a_file_removed_during_the_build_is_named(tmp_path):
    """The file is opened, then removed before it is read: the real engine, no stand-ins."""
    from reportgen.config import load_config
    from reportgen.data.aggregate import scan
    from reportgen.data.inputs import open_inputs
    from reportgen.errors import DataError

    first = write(tmp_path / "a.csv", valid_rows()[:12])
    second = write(tmp_path / "b.csv", valid_rows()[12:])
    config = load_config(None, {"data": [str(first), str(second)], "period": "2023"})
    with open_inputs(config) as (engine, sources, _):
        second.unlink()
        with pytest.raises(DataError) as caught:
            scan(engine, sources)
    assert str(caught.value) == f"Veri hatası (dosya {second}): veri dosyası derleme sırasında silinmiş ya da taşınmış"


def test_spaces_around_numbers_are_read_as_the_numbers(tmp_path):
    """Text columns are checked without a per-record TRIM: the grammar allows spaces around
    a number, and the figures are those of the same file without them."""
    plain = write(tmp_path / "duz.csv", valid_rows())
    spaced = write(tmp_path / "bosluklu.csv", [[f" {y} ", f"{m}  ", p, c, k, f"  {v} "]
                                                for y, m, p, c, k, v in valid_rows()])
    outputs = []
    for data in (plain, spaced):
        out = tmp_path / f"out-{data.stem}"
        result = run_cli("build", "--data", str(data), "--period", "2023", "--out", str(out), "-q", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs.append((out / "fasillar.csv").read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines()[1].endswith(",18003.00")
