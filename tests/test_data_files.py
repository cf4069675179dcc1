"""The data files as an analyst meets them: the workbook checked point by point against the
UK Analysis Function's "Releasing statistics in spreadsheets" checklist, every CSV against
its CSVW metadata with the ``csvw`` validator, the tidy file across two periods, joins in
pandas, the Excel-friendly variant, and formula-looking names kept as text."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from conftest import run_cli

TIDY_COLUMNS = ["period", "measure", "province_code", "province", "region", "chapter_code", "chapter",
                "country_code", "country", "technology_level", "value", "unit"]
MALICIOUS = '=HYPERLINK("http://x")'


def build(root: Path, data: Path, period: str, config: str = "") -> Path:
    (root / "config.yaml").write_text(config, encoding="utf-8")
    out = root / f"out-{period}"
    result = run_cli("build", "--data", str(data), "--period", period, "--out", str(out), "-q", cwd=root)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def may_build(tmp_path_factory, sample_data) -> Path:
    return build(tmp_path_factory.mktemp("may"), sample_data, "2024-05")


@pytest.fixture(scope="module")
def excel_build(tmp_path_factory, sample_data) -> Path:
    """The monthly bulletin with Excel-friendly CSVs and a formula as a country's name."""
    config = f"csv_format: excel\ncountry_names:\n  DE: {json.dumps(MALICIOUS)}\n"
    return build(tmp_path_factory.mktemp("excel"), sample_data, "2024-06", config)


@pytest.fixture(scope="module", params=["sample_build", "monthly_build"])
def any_build(request) -> Path:
    return request.getfixturevalue(request.param)


def workbook_of(out: Path):
    return load_workbook(next(out.glob("tablolar-*.xlsx")))


def table_sheets(workbook):
    return [sheet for sheet in workbook.worksheets if sheet.title not in ("Kapak", "Notlar")]


def only_table(sheet):
    assert len(sheet.tables) == 1, sheet.title
    return next(iter(sheet.tables.values()))


def cells(sheet, ref: str):
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return list(sheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col))


# The checklist, point by point -------------------------------------------------------------

def test_cover_sheet_has_title_period_release_dates_source_and_contact(monthly_build):
    cover = workbook_of(monthly_build).worksheets[0]
    assert cover.title == "Kapak" and cover["A1"].value == "Faaliyet İllerine Göre İhracat İstatistikleri"
    facts = [cover.cell(row, 1).value for row in range(2, 7)]
    assert facts == ["Dönem: Haziran 2024", "Yayım tarihi: 1 Temmuz 2024",
                     "Bir sonraki yayım tarihi: henüz duyurulmadı", "Kaynak: T.C. Ticaret Bakanlığı",
                     "İletişim: T.C. Ticaret Bakanlığı · www.ticaret.gov.tr"]


def test_cover_dates_come_from_the_release_config(tmp_path, sample_data):
    out = build(tmp_path, sample_data, "2024-06",
                "release:\n  date: 2024-07-03\n  calendar: [2024-07-03, 2024-08-02]\n"
                "contact: istatistik@ornek.gov.tr\n")
    cover = workbook_of(out)["Kapak"]
    assert [cover.cell(row, 1).value for row in (3, 4, 6)] == [
        "Yayım tarihi: 3 Temmuz 2024", "Bir sonraki yayım tarihi: 2 Ağustos 2024", "İletişim: istatistik@ornek.gov.tr"]
    metadata = json.loads((out / "veriler-2024-06.csv-metadata.json").read_text(encoding="utf-8"))
    assert metadata["dc:issued"]["@value"] == "2024-07-03"


def test_contents_link_to_every_other_sheet(any_build):
    workbook = workbook_of(any_build)
    cover = workbook["Kapak"]
    contents = only_table(cover)
    rows = cells(cover, contents.ref)
    assert [c.value for c in rows[0]] == ["Sayfa", "Tablo"]
    assert [row[0].value for row in rows[1:]] == workbook.sheetnames[1:]
    for row in rows[1:]:
        assert row[0].hyperlink.location == f"'{row[0].value}'!A1"
        assert row[1].value == workbook[row[0].value]["A1"].value


def test_notes_sheet_numbers_the_notes_and_explains_the_markers(any_build):
    workbook = workbook_of(any_build)
    notes = workbook["Notlar"]
    assert notes["A1"].value == "Notlar"
    rows = cells(notes, only_table(notes).ref)
    assert [c.value for c in rows[0]] == ["İşaret", "Açıklama"]
    markers = [row[0].value for row in rows[1:]]
    assert markers == ["[not 1]", "[not 2]", "[not 3]", "[not 4]", "[not 5]", "[x]", "[z]"]
    assert all(row[1].value for row in rows[1:])
    assert "TR" in rows[5][1].value and "DIGER" in rows[5][1].value
    for sheet in table_sheets(workbook):
        referred = re.findall(r"\[[^]]+\]", sheet["A4"].value)
        assert sheet["A4"].value.startswith("Bu tablonun notları: ") and referred
        assert set(referred) <= set(markers), sheet.title


def test_one_named_excel_table_per_sheet(any_build):
    workbook = workbook_of(any_build)
    names = [only_table(sheet).name for sheet in workbook.worksheets]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) for name in names)
    assert all(only_table(sheet).autoFilter is None for sheet in workbook.worksheets)


def test_titles_units_and_source_above_each_table_and_nothing_below_or_beside(any_build):
    for sheet in table_sheets(workbook_of(any_build)):
        table = only_table(sheet)
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        assert (min_col, min_row) == (1, 5), sheet.title
        title = sheet["A1"].value
        headers = [c.value for c in cells(sheet, table.ref)[0]]
        assert re.search(r"\((\d{4}|\w+ \d{4}|\w+-\w+ \d{4})\)$", title) and title not in headers
        assert sheet["A2"].value.startswith("Birim: ") and sheet["A3"].value == "Kaynak: T.C. Ticaret Bakanlığı"
        beside = [sheet.cell(row, col).value for row in range(1, 5) for col in range(2, max_col + 1)]
        assert beside == [None] * len(beside)
        assert (sheet.max_row, sheet.max_column) == (max_row, max_col), sheet.title


def test_no_blank_cells_merged_cells_frozen_panes_hidden_parts_or_fills(any_build):
    workbook = workbook_of(any_build)
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges and sheet.freeze_panes is None, sheet.title
        assert not any(d.hidden for d in sheet.column_dimensions.values())
        assert not any(d.hidden for d in sheet.row_dimensions.values())
        table = only_table(sheet)
        assert table.tableStyleInfo is None or table.tableStyleInfo.name is None
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.fill.patternType is None, (sheet.title, cell.coordinate)
        for row in cells(sheet, table.ref):
            assert all(cell.value not in (None, "") for cell in row), (sheet.title, row[0].row)


def test_empty_cells_are_markers_explained_in_the_notes(monthly_build):
    sheet = workbook_of(monthly_build)["tablo-1-iller"]
    rows = cells(sheet, only_table(sheet).ref)
    other, total = rows[-2], rows[-1]
    assert [c.value for c in other[:4]] == ["2024-06", "[z]", "DIGER", "Diğer"]
    assert [c.value for c in total[:4]] == ["2024-06", "[z]", "TR", "Toplam"]
    assert "[z]" in sheet["A4"].value


def test_numbers_are_numbers_with_formats_and_codes_are_text(any_build):
    for sheet in table_sheets(workbook_of(any_build)):
        rows = cells(sheet, only_table(sheet).ref)
        headers = [c.value for c in rows[0]]
        assert len(set(headers)) == len(headers)
        for col, header in enumerate(headers):
            column = [row[col] for row in rows[1:]]
            if header.endswith("(ABD Doları)") or header.endswith("(%)"):
                numbers = [c for c in column if c.value not in ("[x]", "[z]")]
                assert numbers and all(c.data_type == "n" for c in numbers), (sheet.title, header)
                assert {c.number_format for c in numbers} == {"#,##0.00" if "ABD" in header else "0.0"}
            elif header == "Sıra":
                assert all(c.data_type == "n" or c.value == "[z]" for c in column)
            elif header in ("Plaka", "Fasıl kodu"):
                assert all(c.data_type == "s" and re.fullmatch(r"\d\d|TR|DIGER", c.value) for c in column)


def test_document_title_and_language(any_build):
    workbook = workbook_of(any_build)
    assert workbook.properties.language == "tr-TR"
    assert workbook.properties.title.startswith("Faaliyet İllerine Göre İhracat İstatistikleri (")
    assert all(len(name) <= 31 and " " not in name for name in workbook.sheetnames)


def test_a_formula_looking_name_is_text_everywhere(excel_build):
    import pyarrow.parquet as pq

    sheet = workbook_of(excel_build)["ulkeler"]
    found = [cell for row in sheet.iter_rows() for cell in row if cell.value == MALICIOUS]
    assert found and all(cell.data_type == "s" for cell in found)
    people = (excel_build / "ulkeler.csv").read_text(encoding="utf-8-sig")
    assert f'"\'{MALICIOUS.replace(chr(34), chr(34) * 2)}"' in people and f";{MALICIOUS[0]}" not in people
    tidy = list(csv.DictReader(io.StringIO((excel_build / "veriler-2024-06.csv").read_text(encoding="utf-8"))))
    countries = {row["country"] for row in tidy if row["country_code"] == "DE"}
    assert countries == {"'" + MALICIOUS}
    assert MALICIOUS in pq.read_table(excel_build / "veriler-2024-06.parquet").column("country").to_pylist()


# CSVW --------------------------------------------------------------------------------------

def validate(metadata: Path):
    from csvw import CSVW

    described = CSVW(str(metadata), validate=True, strict=True)
    assert described.is_valid, (metadata.name, [str(w.message) for w in described.warnings])
    return described


def test_every_csv_is_described_and_valid(any_build):
    csvs = sorted(any_build.glob("*.csv"))
    assert sorted(any_build.glob("*.csv-metadata.json")) == sorted(p.with_name(p.name + "-metadata.json") for p in csvs)
    for path in csvs:
        metadata = json.loads(path.with_name(path.name + "-metadata.json").read_text(encoding="utf-8"))
        assert metadata["url"] == path.name and metadata["tableSchema"]["primaryKey"]
        columns = metadata["tableSchema"]["columns"]
        with open(path, encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == [c["titles"] for c in columns]
        for column in columns:
            if column["name"].endswith("_usd"):
                assert column["schema:unitText"] == "USD"
            if column["name"].endswith("_pct"):
                assert column["schema:unitText"] == "percent"
        validate(path.with_name(path.name + "-metadata.json"))


def test_the_validator_is_strict(tmp_path, monthly_build):
    from csvw import CSVW

    for name, broken in [("tum-iller.csv", lambda text: text.replace(",41,Kocaeli,", ",34,Kocaeli,", 1)),
                         ("tablo-1-iller.csv", lambda text: text.replace(",24.7,", ",yirmi,", 1)),
                         ("fasillar.csv", lambda text: text.replace(",34,", ",6,", 1))]:
        for path in (monthly_build / name, monthly_build / f"{name}-metadata.json"):
            (tmp_path / path.name).write_bytes(path.read_bytes())
        (tmp_path / name).write_text(broken((monthly_build / name).read_text(encoding="utf-8")), encoding="utf-8")
        try:
            assert not CSVW(str(tmp_path / f"{name}-metadata.json"), validate=True, strict=True).is_valid, name
        except ValueError:
            pass


def test_excel_variant_is_bom_semicolon_decimal_comma_and_valid(excel_build, monthly_build):
    raw = (excel_build / "tablo-1-iller.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    excel = pd.read_csv(excel_build / "tablo-1-iller.csv", sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"Plaka": str})
    standard = pd.read_csv(monthly_build / "tablo-1-iller.csv", dtype={"Plaka": str})
    pd.testing.assert_frame_equal(excel, standard)
    tidy = (excel_build / "veriler-2024-06.csv").read_bytes()  # for machines: always the standard dialect
    lines = (monthly_build / "veriler-2024-06.csv").read_bytes().count(b"\n")
    assert tidy.startswith(b"period,measure,") and tidy.count(b"\n") == lines
    for path in excel_build.glob("*.csv-metadata.json"):
        validate(path)


def test_csv_format_is_checked(tmp_path, sample_data):
    (tmp_path / "config.yaml").write_text("csv_format: tsv\n", encoding="utf-8")
    result = run_cli("build", "--data", str(sample_data), "--period", "2023", "--out", str(tmp_path / "o"),
                     cwd=tmp_path)
    assert result.returncode == 4 and "csv_format" in result.stderr


# The tidy file -----------------------------------------------------------------------------

def read_tidy(out: Path) -> pd.DataFrame:
    return pd.read_csv(next(out.glob("veriler-*.csv")), dtype=str, keep_default_na=False)


def test_tidy_columns_codes_and_markers(monthly_build):
    tidy = read_tidy(monthly_build)
    assert list(tidy.columns) == TIDY_COLUMNS
    assert tidy["province_code"].str.fullmatch(r"(\d\d|TR|DIGER)?").all()
    assert tidy.loc[tidy.province_code == "TR", "province"].unique().tolist() == ["Türkiye"]
    assert tidy.loc[tidy.province_code == "DIGER", "province"].unique().tolist() == ["Diğer"]
    provinces = tidy[tidy.province_code.str.fullmatch(r"\d\d")]
    assert provinces.groupby("province_code")["province"].nunique().eq(1).all()
    assert provinces.loc[provinces.province_code == "06", "province"].iloc[0] == "Ankara"
    assert set(tidy.unit) == {"USD", "percent", "rank", "count"}
    usd = tidy[tidy.unit == "USD"]["value"]
    assert usd.str.fullmatch(r"-?\d+\.\d{2}").all()
    assert tidy[tidy.unit == "percent"]["value"].str.fullmatch(r"-?\d+\.\d{6}").all()
    assert not tidy.duplicated(["period", "measure", "province_code", "region", "chapter_code", "country_code",
                                "technology_level"]).any()
    assert not any(re.search(r"\d{4}", column) for column in tidy.columns)


def exact_province_sums(sample_data: Path, year: int, month: int) -> dict[str, Decimal]:
    """Each province's exports in a month straight from the sample records, in exact
    decimals (values to the millionth), by two-digit plate code."""
    from reportgen.reference import resolve_province

    records = pd.read_parquet(sample_data)
    records = records[(records.year == year) & (records.month == month)]
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for province, value in zip(records.province, records.value_usd):
        sums[f"{resolve_province(province):02d}"] += Decimal(repr(value)).quantize(Decimal("0.000001"))
    return sums


def test_tidy_values_are_exact_sums_to_the_cent_and_shares_unrounded(monthly_build, sample_data):
    tidy = read_tidy(monthly_build)
    sums = exact_province_sums(sample_data, 2024, 6)
    total = sum(sums.values(), Decimal(0))
    month = tidy[(tidy.period == "2024-06") & (tidy.chapter_code == "") & (tidy.country_code == "")]
    values = month[month.measure == "export_value"].set_index("province_code")["value"]
    shares = month[month.measure == "export_share"].set_index("province_code")["value"]
    for code, value in sums.items():
        assert values[code] == str(value.quantize(Decimal("0.01"), ROUND_HALF_UP)), code
        assert shares[code] == str((value / total * 100).quantize(Decimal("0.000001"), ROUND_HALF_UP)), code
    assert values["TR"] == str(total.quantize(Decimal("0.01"), ROUND_HALF_UP))
    table = pd.read_csv(monthly_build / "tablo-1-iller.csv", dtype=str)
    for _, row in table.iterrows():
        assert values[row["Plaka"]] == row["Değer (ABD Doları)"]
        exact = Decimal(shares[row["Plaka"]])
        assert abs(exact - Decimal(row["Pay (%)"])) <= Decimal("0.05")


def test_tidy_has_every_figure_kind_of_the_monthly_bulletin(monthly_build):
    tidy = read_tidy(monthly_build)
    assert set(tidy.measure) == {"export_value", "export_share", "export_change", "export_increase", "rank",
                                 "manufactured_value", "manufactured_share", "technology_share", "head_office_value",
                                 "head_office_share", "provinces_over_billion", "provinces_increased"}
    trend = tidy[(tidy.measure == "export_value") & (tidy.province_code == "34") & (tidy.chapter_code == "")
                 & (tidy.country_code == "")]
    months = {"2023-06", "2023-07", "2024-01", "2024-05", "2024-06", "2024-01/2024-06", "2023-01/2023-06"}
    assert months <= set(trend.period)
    assert set(tidy.loc[tidy.measure == "technology_share", "technology_level"]) == {
        "yuksek", "orta-yuksek", "orta-dusuk", "dusuk"}
    assert (tidy.loc[(tidy.measure == "export_value") & (tidy.chapter_code != ""), "chapter_code"]
            .str.fullmatch(r"\d\d").all())


def test_two_periods_concatenate_into_one_valid_table(may_build, monthly_build, tmp_path):
    may, june = (out / f"veriler-{p}.csv" for out, p in ((may_build, "2024-05"), (monthly_build, "2024-06")))
    assert may.read_text(encoding="utf-8").splitlines()[0] == june.read_text(encoding="utf-8").splitlines()[0]
    both = pd.concat([read_tidy(may_build), read_tidy(monthly_build)], ignore_index=True)
    assert list(both.columns) == TIDY_COLUMNS
    key = ["period", "measure", "province_code", "region", "chapter_code", "country_code", "technology_level"]
    repeated = both[both.duplicated(key, keep=False)]
    assert repeated.groupby(key)["value"].nunique().eq(1).all()  # a figure in both bulletins agrees
    merged = both.drop_duplicates()
    assert not merged.duplicated(key).any()
    (tmp_path / "veriler.csv").write_text(merged.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    metadata = json.loads((monthly_build / "veriler-2024-06.csv-metadata.json").read_text(encoding="utf-8"))
    metadata["url"] = "veriler.csv"
    (tmp_path / "veriler.csv-metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    validate(tmp_path / "veriler.csv-metadata.json")
    for name in ("tablo-1-iller.csv", "tum-iller.csv", "fasillar.csv", "teknoloji.csv"):
        heads = [(out / name).read_text(encoding="utf-8").splitlines()[0] for out in (may_build, monthly_build)]
        assert heads[0] == heads[1], name


def test_parquet_holds_the_same_figures_as_the_csv(monthly_build):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(monthly_build / "veriler-2024-06.parquet")
    assert table.column_names == TIDY_COLUMNS
    assert table.schema.field("value").type == pa.decimal128(38, 6)
    assert table.schema.field("province_code").type == pa.string()
    frame = table.to_pandas()
    tidy = read_tidy(monthly_build)
    assert len(frame) == len(tidy)
    assert [Decimal(v) for v in tidy.value] == list(frame.value)
    assert frame.chapter_code.isna().sum() == (tidy.chapter_code == "").sum()


# The per-table CSVs ------------------------------------------------------------------------

def test_tum_iller_and_fasillar_join_on_the_plate_code_without_cleaning(monthly_build):
    provinces = pd.read_csv(monthly_build / "tum-iller.csv")
    chapters = pd.read_csv(monthly_build / "fasillar.csv")
    joined = chapters.merge(provinces, on=["Plaka", "İl"], suffixes=("_fasıl", "_il"))
    assert len(joined) == len(chapters) and joined["Plaka"].tolist()[:3] == [34, 34, 34]
    as_text = pd.read_csv(monthly_build / "fasillar.csv", dtype=str).merge(
        pd.read_csv(monthly_build / "tum-iller.csv", dtype=str), on="Plaka")
    assert len(as_text) == len(chapters) and as_text["Plaka"].str.fullmatch(r"\d\d").all()
    istanbul = joined[joined["Plaka"] == 34]
    assert (istanbul["Değer (ABD Doları)_fasıl"] <= istanbul["Değer (ABD Doları)_il"]).all()


def test_people_csvs_have_stable_heads_padded_codes_and_marked_totals(monthly_build):
    for path in monthly_build.glob("*.csv"):
        head = path.read_text(encoding="utf-8").splitlines()[0]
        assert not re.search(r"\d{4}|Ocak|Haziran", head), path.name
    table = pd.read_csv(monthly_build / "tablo-1-iller.csv", dtype=str, keep_default_na=False)
    assert table["Plaka"].tolist()[-2:] == ["DIGER", "TR"] and table["Sıra"].tolist()[-2:] == ["", ""]
    assert table["Plaka"].iloc[:-2].str.fullmatch(r"\d\d").all()
    regions = pd.read_csv(monthly_build / "bolgeler.csv", dtype=str)
    assert regions["Bölge kodu"].str.fullmatch(r"TR[1-9A-C]").all() and len(regions) == 12
    technology = pd.read_csv(monthly_build / "teknoloji.csv", dtype=str)
    assert technology["Plaka"].iloc[-1] == "TR" and technology["İl"].iloc[-1] == "Türkiye"
    names = {}
    for name in ("tablo-1-iller.csv", "tum-iller.csv", "fasillar.csv", "ulkeler.csv", "merkez-ili.csv"):
        frame = pd.read_csv(monthly_build / name, dtype=str)
        for plate, province in zip(frame["Plaka"], frame["İl"]):
            assert names.setdefault(plate, province) == province
    assert names["34"] == "İstanbul" and names["41"] == "Kocaeli"
