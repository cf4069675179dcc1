"""Editors' sections defined by a query: the README's three examples build into every output
with figures computed here independently (pandas over the sample file, Babel's country
names, the Python technology classifier); unsafe queries are refused before they run and
by the locked engine; errors say where in the query."""

from __future__ import annotations

import json
import re
from html import unescape
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from babel import Locale
from hypothesis import given, strategies as st

from conftest import PERIOD_WITH_EXTRAS as PERIOD, pdf_text, read_page, run_cli, squash, write_config
from reportgen.build import prepare
from reportgen.config import ExtraSection, load_config
from reportgen.data.engine import DuckDBEngine
from reportgen.data.extra import checked_query, documented_columns
from reportgen.errors import ConfigError
from reportgen.technology import classify



@pytest.fixture(scope="module")
def records(sample_data):
    """The sample records with exact values, January-June of 2023 and 2024."""
    frame = pq.read_table(sample_data).to_pandas()
    frame["value"] = [Decimal(repr(v)).quantize(Decimal("0.000001")) for v in frame["value_usd"]]
    return frame[frame["month"].between(1, 6) & frame["year"].isin([2023, 2024])]


def cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def millions_text(value: Decimal) -> str:
    whole = int((value / 10**6).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", ".")


def csv_rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]


def test_bursa_markets_match_independent_sums(extra_build, records):
    bursa = records[(records["province"] == "Bursa") & (records["year"] == 2024)]
    sums = bursa.groupby("country")["value"].apply(lambda v: sum(v, Decimal(0)))
    top = sums.sort_values(ascending=False).head(10)
    names = {**Locale("tr").territories, "GB": "İngiltere"}
    expected = [[names[code], cents(value)] for code, value in top.items()]
    assert csv_rows(extra_build / "ek-bursa-pazarlar.csv") == [["Ülke", "Değer"], *expected]
    page = read_page(extra_build / f"faaliyet-illerine-gore-ihracat-{PERIOD}.html")
    shown = next(t for t in page.tables if t[0] == ["Ülke", "Değer"])
    assert shown[1:] == [[names[code], millions_text(value)] for code, value in top.items()]


def test_chapter_87_by_province_matches_independent_sums(extra_build, records):
    cars = records[records["hs_code"].str.startswith("87")]
    by_year = {year: part.groupby("province")["value"].apply(lambda v: sum(v, Decimal(0)))
               for year, part in cars.groupby("year")}
    top = sorted(by_year[2024].items(), key=lambda item: (-item[1], item[0]))[:10]
    expected = [[province, cents(by_year[2023][province]), cents(value)] for province, value in top]
    assert csv_rows(extra_build / "ek-fasil-87.csv") == [["İl", "Geçen yıl", "Bu yıl"], *expected]


def test_high_tech_movers_match_the_python_classifier(extra_build, records):
    levels = {code: classify(code) for code in records["hs_code"].unique()}
    frame = records.assign(high=records["hs_code"].map(levels) == "yuksek")
    shares = {}
    for (province, year), part in frame.groupby(["province", "year"]):
        total = sum(part["value"], Decimal(0))
        shares[province, year] = 100 * sum(part.loc[part["high"], "value"], Decimal(0)) / total
    provinces = {province for province, _ in shares}
    moves = sorted(((shares[p, 2024] - shares[p, 2023], p) for p in provinces), key=lambda m: (-m[0], m[1]))[:10]
    one = Decimal("0.1")
    expected = [[p, *(str(v.quantize(one, rounding=ROUND_HALF_UP)) for v in (shares[p, 2023], shares[p, 2024], d))]
                for d, p in moves]
    assert csv_rows(extra_build / "ek-yuksek-teknoloji.csv")[1:] == expected


def test_sections_are_numbered_in_place_in_html_and_pdf(extra_build):
    html = (extra_build / f"faaliyet-illerine-gore-ihracat-{PERIOD}.html").read_text(encoding="utf-8")
    captions = [(kind, n, re.split(r", | \(", unescape(text))[0])
                for kind, n, text in re.findall(r'<(?:fig)?caption id="[^"]+">(Tablo|Grafik) (\d+): ([^<]+)<', html)]
    order = [f"{kind} {n}: {title}" for kind, n, title in captions]
    bursa = order.index("Tablo 3: Bursa'nın En Çok İhracat Yaptığı 10 Ülke")
    assert order[bursa - 1] == "Grafik 3: Bursa'nın En Çok İhracat Yaptığı 10 Ülke"
    assert order[bursa - 2].startswith("Grafik 2: İllere Göre En Yüksek İhracat Yapılan Ülkeler")
    for kind in ("Tablo", "Grafik"):
        numbers = [int(n) for k, n, _ in captions if k == kind]
        assert numbers == sorted(set(numbers)) == list(range(1, len(numbers) + 1))
    pdf = squash(pdf_text(extra_build / f"faaliyet-illerine-gore-ihracat-{PERIOD}.pdf"))
    assert "Tablo 3: Bursa'nın En Çok İhracat Yaptığı 10 Ülke (Milyon Dolar)" in pdf
    assert "Yüksek Teknoloji Payı En Çok Artan 10 İl" in pdf
    alts = re.findall(r'aria-label="(Çubuk grafik, milyon dolar\. Almanya: [^"]+)"', html)
    assert len(alts) == 1 and alts[0].count(": ") == 10 and alts[0].endswith(".")


def test_sections_reach_workbook_csvw_and_manifest(extra_build):
    from csvw import CSVW
    from openpyxl import load_workbook

    sheets = load_workbook(extra_build / f"tablolar-{PERIOD}.xlsx", read_only=True).sheetnames
    assert {"ek-bursa-pazarlar", "ek-fasil-87", "ek-yuksek-teknoloji"} <= set(sheets)
    for name in ("ek-bursa-pazarlar", "ek-fasil-87", "ek-yuksek-teknoloji"):
        checked = CSVW(str(extra_build / f"{name}.csv-metadata.json"), validate=True)
        assert checked.is_valid, (name, checked.warnings)
    listed = set(json.loads((extra_build / "manifest.json").read_text())["files"])
    assert {"ek-bursa-pazarlar.csv", "ek-bursa-pazarlar.svg", "ek-bursa-pazarlar.png",
            "ek-yuksek-teknoloji.png"} <= listed
    assert "ek-fasil-87.svg" not in listed


def test_templates_reach_a_section_by_name(tmp_path, sample_data):
    overrides = tmp_path / "sablonlar" / "sections" / "extra"
    overrides.mkdir(parents=True)
    (overrides / "bursa_pazarlar.html").write_text(
        "<section><h2>Bursa</h2><p>İlk pazar: {{ extra.bursa_pazarlar.rows[0][0] }}, "
        "{{ extra.bursa_pazarlar.rows|length }} satır.</p></section>\n", encoding="utf-8")
    (tmp_path / "sablonlar" / "sections" / "bursa_pazarlar.sql").write_text(
        "SELECT country_name, sum(value_usd)\nFROM kayitlar WHERE province = 'Bursa' AND year = :year\n"
        "GROUP BY 1 ORDER BY 2 DESC LIMIT 3\n", encoding="utf-8")
    section = {"name": "bursa_pazarlar", "title": "Bursa", "after": "countries"}
    write_config(tmp_path, sample_data, [section], templates_dir="sablonlar", period="2023")
    result = run_cli("build", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = read_page(tmp_path / "out" / "faaliyet-illerine-gore-ihracat-2023.html")
    assert "İlk pazar: Almanya, 3 satır." in page.text


@pytest.mark.parametrize("query, words", [
    ("SELECT * FROM read_csv('/etc/passwd')", "yalnızca 'kayitlar'"),
    ("SELECT * FROM '/etc/passwd'", "yalnızca 'kayitlar'"),
    ("SELECT * FROM kayitlar WHERE hs_code IN (SELECT * FROM read_text('/etc/hostname'))", "yalnızca 'kayitlar'"),
    ("SELECT * FROM source_0", "'source_0' okunamaz"),
    ("SELECT * FROM main.kayitlar", "yalnızca 'kayitlar'"),
    ("SELECT current_setting('temp_directory')", "'current_setting' işlevine izin verilmez"),
    ("SELECT * FROM duckdb_settings()", "yalnızca 'kayitlar'"),
    ("CREATE TABLE t AS SELECT * FROM kayitlar", "tek bir SELECT"),
    ("COPY (SELECT * FROM kayitlar) TO '/tmp/x.csv'", "tek bir SELECT"),
    ("ATTACH '/tmp/x.db'", "tek bir SELECT"),
    ("SET enable_external_access = true", "tek bir SELECT"),
    ("INSTALL httpfs", "tek bir SELECT"),
    ("PRAGMA version", "tek bir SELECT"),
    ("SELECT 1 FROM kayitlar; DROP VIEW kayitlar", "tek bir SELECT"),
    ("INSERT INTO kayitlar VALUES (1)", "tek bir SELECT"),
    ("SELECT * FROM kayitlar WHERE year = :yil", "bilinmeyen parametre ':yil'"),
    ("SELECT * FROM kayitlar WHERE year = $yil", "bilinmeyen parametre"),
    ("SELECT * FROM kayitlar WHERE year = ?", "bilinmeyen parametre"),
])
def test_unsafe_queries_are_refused_before_they_run(query, words):
    with pytest.raises(ConfigError) as caught:
        checked_query(query, ExtraSection(name="deneme", title="Deneme", after="countries", query=query))
    message = str(caught.value)
    assert message.startswith("Ayar hatası (anahtar 'extra_sections.deneme'): 'deneme' bölümü: ")
    assert words in message


def test_parameters_are_bound_not_pasted():
    section = ExtraSection(name="deneme", title="Deneme", after="countries", query="")
    checked = checked_query("SELECT ':year' AS t, x::INT FROM kayitlar\nWHERE year = :year AND month <= :month", section)
    assert checked.text == "SELECT ':year' AS t, x::INT FROM kayitlar\nWHERE year = $year AND month <= $month"
    assert checked.parameters == ("month", "year")


@given(st.text(max_size=200))
def test_any_text_is_a_query_or_a_config_error(text):
    section = ExtraSection(name="deneme", title="Deneme", after="countries", query=text)
    try:
        checked = checked_query(text, section)
    except ConfigError as error:
        assert str(error).startswith("Ayar hatası (anahtar 'extra_sections.deneme'): 'deneme' bölümü: ")
        assert "\n" not in str(error)
    else:
        assert set(checked.parameters) <= {"year", "month", "first_month", "previous_year"}


@given(st.sampled_from(["read_csv('x')", "read_parquet('x')", "read_text('/etc/passwd')", "'x.csv'",
                        "glob('*')", "source_0", "information_schema.tables", "duckdb_tables()"]),
       st.sampled_from(["SELECT * FROM {}", "SELECT * FROM kayitlar, {}", "WITH a AS (SELECT * FROM {}) SELECT * FROM a",
                        "SELECT * FROM kayitlar WHERE year IN (SELECT 1 FROM {})",
                        "SELECT * FROM kayitlar UNION ALL SELECT * FROM {}"]))
def test_other_tables_are_refused_wherever_they_hide(table, shape):
    query = shape.format(table)
    with pytest.raises(ConfigError, match="yalnızca 'kayitlar'|okunamaz"):
        checked_query(query, ExtraSection(name="deneme", title="Deneme", after="countries", query=query))


def test_locked_engine_reads_only_the_inputs(tmp_path):
    data = tmp_path / "veri.parquet"
    secret = tmp_path / "gizli.csv"
    secret.write_text("parola\nsır\n", encoding="utf-8")
    with duckdb.connect() as con:
        con.execute("COPY (SELECT 1 AS a) TO $path (FORMAT parquet)", {"path": str(data)})
        con.read_parquet(str(data)).create_view("kayitlar")
        engine = DuckDBEngine(con, readable=[data, tmp_path / "scratch"])
        engine.lock()
        assert con.execute("SELECT a FROM kayitlar").fetchall() == [(1,)]
        for refused in ["SELECT * FROM read_csv($secret)", "COPY (SELECT 1) TO $secret",
                        "SET enable_external_access = true", "SET lock_configuration = false",
                        "ATTACH $secret AS other", "SELECT * FROM 'https://example.com/x.csv'"]:
            with pytest.raises(duckdb.Error):
                con.execute(refused, {"secret": str(secret)} if "$secret" in refused else None).fetchall()
    assert secret.read_text(encoding="utf-8") == "parola\nsır\n"


def _config(tmp_path: Path, sample_data: Path, query: str, **section_keys):
    more = section_keys.pop("more", {})
    section = {"name": "deneme", "title": "Deneme", "after": "provinces", "query": query, **section_keys}
    return load_config(write_config(tmp_path, sample_data, [section], period="2023", **more))


@pytest.mark.parametrize("query, position", [
    ("SELECT province,\n       ulke\nFROM kayitlar", "sorgunun 2. satırı, 8. sütunu"),
    ("SELECT province\nFROM kayitlar\nWHERE fasil = '87'", "sorgunun 3. satırı, 7. sütunu"),
    ("SELECT province FROM kayitlar\n  WHERE year = 'iki bin'", "sorgunun 2. satırı"),
    ("SELECT province FROM kayitlar WHERE foo(year) > 1", "sorgunun 1. satırı, 37. sütunu"),
])
def test_engine_errors_name_line_and_column(tmp_path, sample_data, query, position):
    with pytest.raises(ConfigError) as caught:
        prepare(_config(tmp_path, sample_data, query))
    message = str(caught.value)
    assert "'deneme' bölümü: sorgu çalıştırılamadı" in message and position in message, message
    assert "DuckDB'nin iletisi: " in message and "\n" not in message


def test_parse_errors_name_line_and_column():
    query = "SELECT province,\nFROM kayitlar WHERE (year = 2023"
    with pytest.raises(ConfigError, match=r"sorgu çözümlenemedi \(sorgunun 2\. satırı, \d+\. sütunu\)"):
        checked_query(query, ExtraSection(name="deneme", title="Deneme", after="countries", query=query))


def test_unknown_format_column_is_named(tmp_path, sample_data):
    config = _config(tmp_path, sample_data, 'SELECT province AS "İl", sum(value_usd) AS "Değer" FROM kayitlar GROUP BY 1',
                     columns={"Deger": "money_million"})
    with pytest.raises(ConfigError, match=r"'Deger' sorgunun sonucunda yok \(sütunlar: 'İl', 'Değer'\)"):
        prepare(config)


def test_row_and_time_limits(tmp_path, sample_data):
    many = _config(tmp_path, sample_data, "SELECT DISTINCT province FROM kayitlar",
                   more={"query_limits": {"rows": 80}})
    with pytest.raises(ConfigError, match=r"80 satırdan fazla"):
        prepare(many)
    slow = _config(tmp_path, sample_data, "SELECT count(*) FROM kayitlar a, kayitlar b WHERE a.value_usd < b.value_usd",
                   more={"query_limits": {"seconds": 0.5}})
    with pytest.raises(ConfigError, match=r"0.5 saniyelik süre sınırını aştı"):
        prepare(slow)


def test_refusal_from_the_cli_is_one_line_and_writes_nothing(tmp_path, sample_data):
    write_config(tmp_path, sample_data, [{"name": "sizinti", "title": "Sızıntı", "after": "provinces",
                                           "query": "SELECT * FROM read_csv('/etc/passwd')"}], period="2023")
    result = run_cli("build", "-q", cwd=tmp_path)
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Hata: Ayar hatası") and "'sizinti' bölümü" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_a_chart_that_cannot_be_drawn_stops_the_build_in_one_line(tmp_path, sample_data):
    """A single bulletin's charts are drawn in a process beside the PDF's, which is already
    laying the page out: the chart's refusal still reaches the user as the one line it is,
    the build does not wait on the PDF, and nothing is written."""
    write_config(tmp_path, sample_data, [{"name": "metin", "title": "Metin", "after": "countries", "chart": "bar",
                                           "query": 'SELECT province AS "İl", province AS "Ad" FROM kayitlar '
                                                    "GROUP BY 1 LIMIT 3"}])
    result = run_cli("build", "-q", "--out", str(tmp_path / "cikti"), cwd=tmp_path)
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Hata: Ayar hatası (anahtar 'extra_sections.metin.chart')")
    assert "grafik için sayısal bir sütun yok" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_other_engines_are_refused_before_reading(tmp_path, sample_data):
    config = _config(tmp_path, sample_data, "SELECT 1 FROM kayitlar", more={"engine": "spark"})
    with pytest.raises(ConfigError, match="yalnızca DuckDB motorunda"):
        prepare(config)


def test_context_lists_the_view_with_examples_from_the_data(tmp_path, sample_data):
    write_config(tmp_path, sample_data, [], period="2023")
    result = run_cli("context", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    view = {c["name"]: c for c in json.loads(result.stdout)["kayitlar"]}
    assert list(view)[:4] == ["year", "month", "plate", "province"]
    assert view["year"]["example"] in range(2022, 2025)
    assert view["value_usd"]["type"] == "DECIMAL(38,6)"
    assert view["country_name"]["example"] in set(Locale("tr").territories.values()) | {"İngiltere"}


class Terminal:
    """What the preview prints, kept as lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, text: str) -> None:
        self.lines.append(text)


def test_preview_reruns_only_the_changed_query(tmp_path, sample_data):
    from reportgen.serve import Preview

    def sections(limit: int) -> list[dict]:
        return [{"name": "ilk", "title": "İlk", "after": "provinces",
                 "query": f"SELECT province, sum(value_usd) FROM kayitlar GROUP BY 1 ORDER BY 2 DESC LIMIT {limit}"},
                {"name": "ikinci", "title": "İkinci", "after": "provinces",
                 "query": "SELECT country_name, count(*) FROM kayitlar GROUP BY 1 ORDER BY 2 DESC LIMIT 4"}]

    path = write_config(tmp_path, sample_data, sections(3), period="2023")
    terminal = Terminal()
    preview = Preview(load_config=lambda: load_config(path), config_file=path, console=terminal)
    preview.rebuild()
    first = preview.prepared
    assert len(first.extras["ilk"].rows) == 3 and "Tablo 2: İlk" in preview.page
    write_config(tmp_path, sample_data, sections(2), period="2023")
    preview.rebuild()
    assert terminal.lines[-2] == "Yeniden çalıştırılan sorgular: ilk", terminal.lines
    assert preview.prepared.figures is first.figures
    assert preview.prepared.extras["ikinci"] is first.extras["ikinci"]
    assert len(preview.prepared.extras["ilk"].rows) == 2
    table = re.search(r'<caption id="ek-ilk">.*?</table>', preview.page, re.S).group()
    assert table.count("<tr>") == 1 + 2


def test_locked_engine_still_reads_csv_xlsx_and_linked_inputs(tmp_path):
    """The lock allows exactly what the build reads: a Windows-1254 CSV (read through its
    UTF-8 copy in the scratch folder), an XLSX and a Parquet file named through a link."""
    import pyarrow as pa
    from openpyxl import Workbook

    header = ["year", "month", "province", "hs_code", "country", "value_usd"]
    rows = [[year, month, "Şanlıurfa", "080211", "DE", value]
            for year, value in ((2022, "10,5"), (2023, "20,25")) for month in range(1, 13)]
    (tmp_path / "tr.csv").write_bytes(("\n".join(";".join(map(str, r)) for r in [header, *rows]) + "\n")
                                      .encode("windows-1254"))
    book = Workbook()
    for row in [header, [2023, 2, "Iğdır", "870323", "IQ", 7]]:
        book.active.append(row)
    book.save(tmp_path / "ek.xlsx")
    real = tmp_path / "gercek"
    real.mkdir()
    pq.write_table(pa.table({"year": [2023], "month": [3], "province": ["İzmir"], "hs_code": ["300490"],
                             "country": ["US"], "value_usd": [100.0]}), real / "veri.parquet")
    (tmp_path / "bag.parquet").symlink_to(real / "veri.parquet")
    section = {"name": "iller", "title": "İller", "after": "provinces",
               "query": "SELECT province, sum(value_usd) AS v FROM kayitlar WHERE year = :year GROUP BY 1 ORDER BY 1"}
    path = write_config(tmp_path, tmp_path / "tr.csv", [section], period="2023")
    config = load_config(path, {"data": ["tr.csv", "ek.xlsx", "bag.parquet"]})
    prepared = prepare(config)
    assert prepared.extras["iller"].rows == [("Iğdır", Decimal("7.000000")), ("İzmir", Decimal("100.000000")),
                                            ("Şanlıurfa", Decimal("243.000000"))]


def test_after_must_name_a_section_and_a_hidden_one_is_a_warning(tmp_path, sample_data):
    from reportgen.notices import collecting

    typo = {"name": "deneme", "title": "Deneme", "after": "ulkeler", "query": "SELECT 1 FROM kayitlar"}
    with pytest.raises(ConfigError, match=r"deneme \(after: ulkeler\); bölümler: .*countries"):
        load_config(write_config(tmp_path, sample_data, [typo]))
    monthly_only = {**typo, "after": "trend", "query": "SELECT province FROM kayitlar LIMIT 1"}
    with collecting() as notices:
        prepare(load_config(write_config(tmp_path, sample_data, [monthly_only], period="2023")))
    assert [n.text for n in notices if n.category == "config"] == [
        "'deneme' ek bölümü bu bültende gösterilmiyor: 'trend' bölümü yıllık bültenin bölümleri arasında yok"]


def test_sections_run_for_each_bulletin_of_a_run(tmp_path, sample_data):
    """The view is made and the engine locked once; every bulletin's query binds its own period."""
    section = {"name": "ay", "title": "Ay", "after": "provinces",
               "query": "SELECT :month AS ay, count(*) AS kayit FROM kayitlar WHERE year = :year AND month = :month"}
    write_config(tmp_path, sample_data, [section], period="2024-05..2024-06")
    result = run_cli("build", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    months = [csv_rows(tmp_path / "output" / slug / "ek-ay.csv")[1][0] for slug in ("2024-05", "2024-06")]
    assert months == ["5", "6"]


def test_the_view_holds_the_types_its_reference_documents(tmp_path, sample_data):
    """``reportgen context`` and the editors' reference name each column's type: the
    view must really hold it, so a query written from the reference behaves as read."""
    documented = documented_columns()
    query = "SELECT " + ", ".join(f"typeof({c.name}) AS {c.name}" for c in documented) + " FROM kayitlar LIMIT 1"
    prepared = prepare(_config(tmp_path, sample_data, query))
    types = prepared.extras["deneme"].rows[0]
    assert {c.name: t for c, t in zip(documented, types)} == {c.name: c.type.replace(" ", "") for c in documented}
