"""The one scan and the roll-up by plate, on the real DuckDB, against sums worked out here:
spellings of a province add up, technology levels follow the longest prefix, decimals stay
exact, and every grouping set carries what validation needs, whether the scan classifies
every record (a CSV file) or each distinct code once (a Parquet file)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.config import load_config
from reportgen.data import aggregate as aggregate_module
from reportgen.data.aggregate import aggregate, by_code, grouping_mask, listed_repeats, lists_fit, scan
from reportgen.data.inputs import open_inputs
from reportgen.data.queries import HASH_LISTS
from reportgen.data.validate import repeated_records, validate

HEADER = ["year", "month", "province", "hs_code", "country", "value_usd", "hq_province"]
ROWS = [
    # year, month, province spelled three ways, product, country, value with cents, head office
    ["2023", "1", "İstanbul", "847130000000", "DE", "0.10", "Ankara"],
    ["2023", "1", "ISTANBUL", "847130000000", "DE", "0.20", "Ankara"],
    ["2023", "1", "34", "0802", "NA", "1000000.05", "34"],
    ["2023", "2", "Kocaeli", "870323", "GB", "-5.5", "İstanbul"],
    ["2023", "2", "kocaeli", "710239", "GB", "7", "İstanbul"],
    ["2023", "2", "41", "300490", "US", "12345678901234.123456", "41"],
    ["2023", "2", "41", "300490", "US", "12345678901234.123456", "41"],
]


@pytest.fixture(scope="module", params=[".csv", ".parquet"])
def scanned(tmp_path_factory, request):
    """ROWS scanned from a CSV file, each record classified, and from a Parquet file of
    the same text, each distinct code classified once (ROWS has too few records to repeat
    their codes twice, so one repeat is enough here)."""
    data = tmp_path_factory.mktemp("aggregate") / f"veri{request.param}"
    write(data, [HEADER, *ROWS])
    config = load_config(None, {"data": [str(data)], "period": "2023-02"})
    with pytest.MonkeyPatch.context() as patch, open_inputs(config) as (engine, sources, _):
        patch.setattr(aggregate_module, "CODE_REPEATS", 1)
        assert by_code(engine, sources) == (request.param == ".parquet")
        grouped = scan(engine, sources)
        validated = validate(engine, sources, grouped)
        repeats = repeated_records(engine.concurrent(), sources, grouped.repeated)
    return grouped, validated, repeats, aggregate(grouped, validated.plates, validated.has_hq), data


def sums(frame, *keys: str) -> dict:
    return {tuple(row[k] for k in keys): row["value"] for _, row in frame.iterrows()}


def test_spellings_of_a_province_add_up_exactly(scanned):
    aggregates = scanned[3]
    assert sums(aggregates.by_chapter, "year", "month", "plate", "chapter") == {
        (2023, 1, 34, "84"): Decimal("0.30"), (2023, 1, 34, "08"): Decimal("1000000.05"),
        (2023, 2, 41, "87"): Decimal("-5.5"), (2023, 2, 41, "71"): Decimal("7"),
        (2023, 2, 41, "30"): Decimal("24691357802468.246912"),
    }


def test_countries_and_head_offices(scanned):
    aggregates = scanned[3]
    assert sums(aggregates.by_country, "month", "plate", "country") == {
        (1, 34, "DE"): Decimal("0.30"), (1, 34, "NA"): Decimal("1000000.05"),
        (2, 41, "GB"): Decimal("1.5"), (2, 41, "US"): Decimal("24691357802468.246912")}
    assert sums(aggregates.by_head_office, "month", "plate") == {
        (1, 6): Decimal("0.30"), (1, 34): Decimal("1000000.05"), (2, 34): Decimal("1.5"),
        (2, 41): Decimal("24691357802468.246912")}


def test_technology_follows_the_longest_listed_prefix(scanned):
    aggregates = scanned[3]
    assert sums(aggregates.by_technology, "month", "plate", "level") == {
        (1, 34, "yuksek"): Decimal("0.30"),          # 8471 computers
        (1, 34, "imalat-disi"): Decimal("1000000.05"),  # 0802 nuts: a crop
        (2, 41, "orta-yuksek"): Decimal("-5.5"),     # 8703 cars
        (2, 41, "dusuk"): Decimal("7"),              # 710239 cut diamonds: 710239 over chapter 71
        (2, 41, "yuksek"): Decimal("24691357802468.246912"),  # 3004 medicines
    }


def test_validation_counts_and_repeats(scanned):
    grouped, validated, repeats, _, data = scanned
    assert validated.rows == 7 and validated.has_hq
    assert validated.plates == {"İstanbul": 34, "ISTANBUL": 34, "34": 34, "Kocaeli": 41, "kocaeli": 41, "41": 41,
                                "Ankara": 6}
    chapters = grouped.part("chapter")
    assert int(chapters["records"].sum()) == 7 and set(chapters["flags"]) == {0}
    assert sorted(set(grouped.table["grouping_set"].to_pylist())) == sorted(grouping_mask(n) for n in ("chapter", "country", "hq"))
    countries = grouped.part("country")
    assert dict(countries.groupby("country")["records"].sum()) == {"DE": 2, "NA": 1, "GB": 2, "US": 2}
    assert dict(grouped.part("hq").groupby("hq_province")["records"].sum()) == {"Ankara": 2, "34": 1, "İstanbul": 2, "41": 2}
    row = 8 if data.suffix == ".csv" else 7  # a CSV file's first line is its header
    assert repeats == [f"1 kayıt başka bir kaydın birebir aynısı (1 kayıt birden çok kez var); hepsi toplamlara "
                       f"eklendi; ilk tekrarlar: {data} satır {row}"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_spellings_of_a_year_and_month_are_one_period_and_one_record(tmp_path, suffix):
    """A text year or month padded with spaces or zeros is the same number: its records add
    up into one period and repeat each other. A value just under the limit stays exact
    (a DOUBLE range check would have refused it)."""
    data = tmp_path / f"veri{suffix}"
    write(data, [HEADER, ["2023", "6", "İstanbul", "0802", "DE", "1.25", "34"],
                 [" 2023 ", "06", "İstanbul", "0802", "DE", "1.25", "34"],
                 ["02023", " 6 ", "Ankara", "0802", "DE", "999999999999999.99", "06"]])
    config = load_config(None, {"data": [str(data)], "period": "2023-06"})
    with open_inputs(config) as (engine, sources, _):
        grouped = scan(engine, sources)
        validated = validate(engine, sources, grouped)
        repeats = repeated_records(engine.concurrent(), sources, grouped.repeated)
    aggregates = aggregate(grouped, validated.plates, validated.has_hq)
    assert sums(aggregates.by_chapter, "year", "month", "plate", "chapter") == {
        (2023, 6, 34, "08"): Decimal("2.50"), (2023, 6, 6, "08"): Decimal("999999999999999.99")}
    assert aggregates.months() == {(2023, 6)}
    assert repeats == [f"1 kayıt başka bir kaydın birebir aynısı (1 kayıt birden çok kez var); hepsi toplamlara "
                       f"eklendi; ilk tekrarlar: {data} satır {3 if suffix == '.csv' else 2}"]


def write(path, rows: list[list[str]]) -> None:
    """Rows (the header first) as a CSV file, or as a Parquet file of text columns."""
    if path.suffix == ".parquet":
        pq.write_table(pa.table({name: [row[i] for row in rows[1:]] for i, name in enumerate(rows[0])}), path)
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("way", ["few repeats", "colliding hashes", "many repeats", "hashes grouped"])
def test_repeated_records_are_the_same_whichever_way_they_are_compared(tmp_path, monkeypatch, way, suffix):
    """Few records with a repeated hash are compared in Python, many in the engine; a hash
    that collides for every record must still report only records equal in every column
    (1.5 and 1.50 are one value, 1.5 and 1.6 are not), whether the file is text to parse
    or typed, and whether the scan lists every hash or (for more records than
    ``LISTED_RECORDS``) groups them in the engine."""
    import reportgen.data.validate as validate_module

    first = [HEADER, *ROWS, ["2023", "2", "Kocaeli", "870323", "GB", "-5.50", "İstanbul"], ROWS[0], ROWS[1]]
    second = [HEADER, ["2023", "1", "İstanbul", "847130000000", "DE", "0.1", "Ankara"], ROWS[3],
              ["2023", "2", "Kocaeli", "870323", "GB", "-5.6", "İstanbul"], ROWS[3]]
    files = [tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"]
    for path, rows in zip(files, (first, second)):
        write(path, rows)
    config = load_config(None, {"data": [str(f) for f in files], "period": "2023-02"})
    with open_inputs(config) as (engine, sources, _):
        if way == "colliding hashes":
            engine.con.execute("CREATE MACRO everything_alike(a, b, c, d, e, f, g) AS 42")
            monkeypatch.setattr(type(engine), "record_hash", "everything_alike")
        if way == "many repeats":
            monkeypatch.setattr(validate_module, "MANY_REPEATS", 1)
        if way == "hashes grouped":
            monkeypatch.setattr(aggregate_module, "LISTED_RECORDS", 10)
        assert lists_fit(sources) is (way != "hashes grouped")
        grouped = scan(engine, sources)
        validate(engine, sources, grouped)
        assert grouped.repeated is not None
        repeats = repeated_records(engine.concurrent(), sources, grouped.repeated)
    rows_of_a, row_of_b = ("8, 9, 10, 11", 5) if suffix == ".csv" else ("7, 8, 9, 10", 4)
    # Repeated: ROWS[0] ×3 (b.csv's 0.1 too), ROWS[3] ×4 (-5.50 and twice in b.csv), ROWS[5] ×2,
    # ROWS[1] ×2: 11 records, 4 distinct, 7 extra copies. A file's rows are those repeating
    # an earlier row of the same file, five at most in all.
    assert repeats == ["7 kayıt başka bir kaydın birebir aynısı (4 kayıt birden çok kez var); hepsi toplamlara "
                       f"eklendi; ilk tekrarlar: {files[0]} satır {rows_of_a}; {files[1]} satır {row_of_b}"]


@pytest.mark.parametrize("name, codes, expected", [
    ("repeated.parquet", ["0802", "870323"] * 5, True),
    ("half.parquet", [f"{8471 + i // 2}" for i in range(10)], True),
    ("more-than-half.parquet", ["0802", "0802", "0802", "0802", *(f"{8471 + i}" for i in range(6))], False),
    ("repeated.csv", ["0802", "870323"] * 5, False),
])
def test_codes_are_classified_once_when_a_columnar_file_repeats_them(tmp_path, name, codes, expected):
    """Two records a code at least, in a file whose codes can be read alone: each distinct
    code is classified once. Fewer repeats, or a CSV file (read whole again for its codes):
    every record."""
    write(tmp_path / name, [HEADER[:6], *(["2023", "6", "Ankara", code, "DE", "1"] for code in codes)])
    with open_inputs(load_config(None, {"data": [str(tmp_path / name)], "period": "2023-06"})) as (engine, sources, _):
        assert by_code(engine, sources) is expected


ARROW_POOL_AFTER_OPENING = """
import sys
import pyarrow as pa
from reportgen.config import load_config
from reportgen.data.inputs import open_inputs
with open_inputs(load_config(None, {"data": [sys.argv[1]], "period": "2023-06"})):
    print(pa.default_memory_pool().backend_name)
"""


@pytest.mark.parametrize("chosen", [None, "system", "mimalloc"])
def test_a_build_reads_into_jemalloc_unless_the_user_chose_arrows_allocator(tmp_path, chosen):
    """The data stage gives Arrow jemalloc (the system's allocator where pyarrow has no
    jemalloc): with pyarrow's default, mimalloc, the filters after a large scan spent tenths
    of a second in the kernel. ``ARROW_DEFAULT_MEMORY_POOL`` set by the user is kept."""
    write(tmp_path / "veri.csv", [HEADER[:6], ["2023", "6", "Ankara", "0802", "DE", "1"]])
    env = {name: value for name, value in os.environ.items() if name != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    result = subprocess.run([sys.executable, "-c", ARROW_POOL_AFTER_OPENING, str(tmp_path / "veri.csv")],
                            capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    fast = "jemalloc" if "jemalloc" in pa.supported_memory_backends() else "system"
    assert result.stdout.strip() == (chosen or fast)


def test_the_scan_finds_the_repeated_records_in_the_same_pass(scanned):
    """The one repeated record of ROWS (twice) is the only hash the scan reports, with its
    count; the grouping sets have none of those rows."""
    grouped = scanned[0]
    assert [count for _, count in grouped.repeated] == [2]
    assert "h" not in grouped.table.column_names and -1 not in set(grouped.table["grouping_set"].to_pylist())


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_each_file_says_how_many_records_it_holds_at_most_before_it_is_read(tmp_path, suffix):
    """A Parquet file's and a sheet's row counts, a CSV file's lines (its header, its
    records and a quoted line end): what decides whether the scan may list every record's hash."""
    from openpyxl import Workbook

    rows = [HEADER, *ROWS, ["2023", "2", "Kocaeli", "870323", "GB", "7", "İstanbul\nMerkez"]]
    path = tmp_path / f"veri{suffix}"
    if suffix == ".xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    else:
        write(path, rows)
    config = load_config(None, {"data": [str(path)], "period": "2023-02"})
    with open_inputs(config) as (engine, sources, _):
        records = len(rows) - 1
        expected = path.read_bytes().count(b"\n") + 1 if suffix == ".csv" else records
        assert [s.most_records for s in sources] == [expected]
        assert expected >= records


@settings(max_examples=150, deadline=None)
@given(hashes=st.lists(st.one_of(st.integers(0, 2**64 - 1), st.integers(0, 40)), max_size=80),
       groups=st.integers(0, 5), chunk=st.integers(1, 7))
def test_listed_hashes_give_each_repeated_hash_and_how_many_records_have_it(hashes, groups, chunk):
    """However the scan's lists of record hashes come (the lists by hash modulo
    ``HASH_LISTS``, NULL rows of the grouping sets between them, Arrow chunks that are
    slices of one array): exactly the hashes more than one record has, each with its count."""
    lists = [[h for h in hashes if h % HASH_LISTS == k] for k in range(HASH_LISTS)]
    rows = [row for listed in lists if listed for row in ([None] * groups + [listed])] + [None] * groups
    whole = pa.array(rows, pa.list_(pa.uint64()))
    chunked = pa.chunked_array([whole.slice(i, chunk) for i in range(0, len(whole), chunk)], whole.type)
    expected = sorted((h, n) for h, n in Counter(hashes).items() if n > 1)
    assert sorted(listed_repeats(chunked)) == expected


def test_without_a_repeated_hash_nothing_more_is_read(tmp_path):
    """No hash repeats: the data is not read again, so a file gone after the scan is no
    error, and there is no warning."""
    data = tmp_path / "veri.csv"
    write(data, [HEADER, *ROWS[:6]])
    config = load_config(None, {"data": [str(data)], "period": "2023-02"})
    with open_inputs(config) as (engine, sources, _):
        grouped = scan(engine, sources)
        validate(engine, sources, grouped)
        data.unlink()
        assert grouped.repeated == ()
        assert repeated_records(engine.concurrent(), sources, grouped.repeated) == []


def test_keys_no_source_has_are_not_grouped(tmp_path):
    """Typed years and months and no head-office column: the scan groups by neither the
    spellings nor a head-office province, computes no head-office set, and the sums and
    validation are the same as ever."""
    data = tmp_path / "veri.parquet"
    pq.write_table(pa.table({"year": pa.array([2023, 2023, 2023], pa.int16()), "month": pa.array([6, 6, 7], pa.int8()),
                             "province": ["İstanbul", "34", "Kocaeli"], "hs_code": ["0802", "0802", "870323"],
                             "country": ["DE", "DE", "GB"], "value_usd": [1.25, 2.5, 7.0]}), data)
    config = load_config(None, {"data": [str(data)], "period": "2023-07"})
    with open_inputs(config) as (engine, sources, _):
        assert [source.keys for source in sources] == [frozenset()]
        grouped = scan(engine, sources)
        validated = validate(engine, sources, grouped)
    assert sorted(set(grouped.table["grouping_set"].to_pylist())) == sorted(grouping_mask(n) for n in ("chapter", "country"))
    assert grouped.part("hq").empty and not validated.has_hq
    assert grouped.part("chapter")["year_text"].isna().all()
    aggregates = aggregate(grouped, validated.plates, validated.has_hq)
    assert aggregates.by_head_office is None
    assert sums(aggregates.by_country, "year", "month", "plate", "country") == {
        (2023, 6, 34, "DE"): Decimal("3.75"), (2023, 7, 41, "GB"): Decimal("7")}


def test_a_key_one_source_has_is_grouped_for_all(tmp_path):
    """A text CSV with head offices beside a typed Parquet without them: the head-office set
    is computed (the Parquet's records under no head office), and a year the CSV spells
    wrongly is still named in that file, row and column."""
    from reportgen.errors import DataError

    typed, text = tmp_path / "a.parquet", tmp_path / "b.csv"
    pq.write_table(pa.table({"year": [2023], "month": [6], "province": ["Ankara"], "hs_code": ["0802"],
                             "country": ["DE"], "value_usd": [1.5]}), typed)
    write(text, [HEADER, ["2023", "6", "İstanbul", "0802", "DE", "2.5", "Ankara"]])
    config = load_config(None, {"data": [str(typed), str(text)], "period": "2023-06"})
    with open_inputs(config) as (engine, sources, _):
        assert [source.keys for source in sources] == [frozenset(), {"hq_province", "year_text", "month_text"}]
        grouped = scan(engine, sources)
        validated = validate(engine, sources, grouped)
    assert validated.has_hq
    assert dict(grouped.part("hq").groupby("hq_province")["records"].sum()) == {"Ankara": 1}
    assert int(grouped.part("hq")["records"].sum()) == 2
    aggregates = aggregate(grouped, validated.plates, validated.has_hq)
    assert sums(aggregates.by_head_office, "month", "plate") == {(6, 6): Decimal("2.5")}
    write(text, [HEADER, ["2023", "6", "İstanbul", "0802", "DE", "2.5", "Ankara"],
                 ["2023.0", "6", "İstanbul", "0802", "DE", "2.5", "Ankara"]])
    with open_inputs(config) as (engine, sources, _), pytest.raises(DataError) as error:
        validate(engine, sources, scan(engine, sources))
    assert str(error.value) == (f"Veri hatası (dosya {text}, satır 3, sütun 'year', değer '2023.0'): "
                                "yıl dört haneli bir sayı olmalı")


def test_the_scan_profile_runs_the_query_the_build_scans_with(tmp_path):
    """``benchmarks/scan.py`` on a CSV file of ROWS: it says the scan classifies every
    record, times the scan, the scan without the repeated-record search and the floor, and
    prints DuckDB's profile of the scan with its grouping operators."""
    data = tmp_path / "veri.csv"
    write(data, [HEADER, *ROWS])
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "scan.py"
    result = subprocess.run([sys.executable, str(script), str(data), "--runs", "1"], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "veri.csv: the scan classifies every record"
    assert [line.split(":")[0] for line in lines[1:5]] == [
        "scan", "scan without the repeated-record search", "floor", "profile of one scan"]
    assert any(line.strip().startswith("HASH_GROUP_BY") for line in lines[5:])


def test_the_benchmark_times_the_scan_beside_its_floor(tmp_path):
    """``benchmarks/run.py``'s ``scan`` way, in a process of its own: the medians of the
    scan, the scan without the repeated-record search and the floor, in that order, each a
    time a run took."""
    data = tmp_path / "veri.csv"
    write(data, [HEADER, *ROWS])
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
    result = subprocess.run([sys.executable, str(script), "--way", "scan", str(data), "--runs", "3",
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    whole, unsearched, floor = json.loads(result.stdout.splitlines()[-1])["medians"]
    assert 0 < floor < 5 and 0 < unsearched < 5 and 0 < whole < 5
