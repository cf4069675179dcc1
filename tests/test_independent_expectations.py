"""The 2022 annual bulletin from a dataset the tool has never seen, checked against
expectations worked out here with plain Python (``Decimal`` and dicts) from the bulletin's
rules — never from the package's code.

The data are built so that every province's yearly total is a chosen exact amount: that
puts exact halves where half-up and half-even rounding differ, ties in the ranking (one of
them at the Tablo 1 cut-off) and round grand totals into a dataset of ~3,000 records with
mixed spellings, cents and negative corrections.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from babel import Locale

from conftest import built_bulletin

SEED = 2022
YEARS = (2021, 2022)
TOP = 15
MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")
ZERO = Decimal(0)
CHAPTERS_CSV = Path(__file__).resolve().parents[1] / "reportgen" / "refdata" / "chapters.csv"
STEM = "faaliyet-illerine-gore-ihracat-2022"

# plate → (official name, the spellings the file uses for it)
PROVINCES = {
    34: ("İstanbul", ["İSTANBUL", "34", "istanbul"]), 35: ("İzmir", ["izmir", "İZMİR"]),
    63: ("Şanlıurfa", ["ŞANLIURFA", "şanlıurfa"]), 41: ("Kocaeli", ["kocaeli", "KOCAELİ"]),
    16: ("Bursa", ["Bursa", "16"]), 6: ("Ankara", ["6", "ANKARA", "ankara"]),
    21: ("Diyarbakır", ["Diyarbakır", "DİYARBAKIR"]), 76: ("Iğdır", ["Iğdır", "IĞDIR", "ığdır"]),
    39: ("Kırklareli", ["Kırklareli", "KIRKLARELİ"]), 1: ("Adana", ["ADANA", "01"]),
    38: ("Kayseri", ["kayseri", "KAYSERİ"]), 27: ("Gaziantep", ["GAZİANTEP"]),
    33: ("Mersin", ["Mersin", "MERSİN"]), 59: ("Tekirdağ", ["TEKİRDAĞ", "tekirdağ"]),
    20: ("Denizli", ["denizli"]), 42: ("Konya", ["KONYA", "42"]), 26: ("Eskişehir", ["eskişehir"]),
    45: ("Manisa", ["manisa"]), 31: ("Hatay", ["Hatay"]), 54: ("Sakarya", ["SAKARYA"]),
    7: ("Antalya", ["ANTALYA"]), 9: ("Aydın", ["aydın", "AYDIN"]), 10: ("Balıkesir", ["BALIKESİR"]),
    17: ("Çanakkale", ["çanakkale", "ÇANAKKALE"]), 48: ("Muğla", ["MUĞLA"]), 55: ("Samsun", ["samsun"]),
    61: ("Trabzon", ["Trabzon"]), 71: ("Kırıkkale", ["KIRIKKALE"]), 81: ("Düzce", ["düzce"]),
    11: ("Bilecik", ["bilecik", "11"]),
}

# Exact yearly totals (2021, 2022) in dollars. Kocaeli changes by exactly 1.25 %, Bursa has
# exactly 6.25 % of 2022, Ankara exactly 4.45 % of 2021, Şanlıurfa exactly 23,792.5 million
# in 2022 (all half-up ≠ half-even); Adana/Kayseri and Denizli/Konya (ranks 15 and 16) tie.
FIXED = {
    34: ("55229000000.00", "59381234567.89"), 35: ("28000000000.00", "30000499999.99"),
    63: ("25000000000.00", "23792500000.00"), 41: ("16000000000.00", "16200000000.00"),
    16: ("12001234567.89", "12500000000.00"), 6: ("8544000000.00", "9876543210.98"),
    21: ("7012345678.90", "7654321098.76"), 76: ("6999999999.99", "6543210987.65"),
    39: ("5000000000.01", "5432109876.54"), 1: ("4100000000.00", "4444444444.44"),
    38: ("4600000000.00", "4444444444.44"), 27: ("3800000000.00", "3987654321.00"),
    33: ("3300000000.00", "3456789012.34"), 59: ("3500000000.00", "3210987654.32"),
    20: ("2900000000.00", "2999999999.99"), 42: ("3100000000.00", "2999999999.99"),
}
GRAND_TOTALS = (Decimal("192000000000.00"), Decimal("200000000000.00"))
BALANCING = 11  # Bilecik takes up whatever makes the grand totals round

CHAPTER_WEIGHTS = {"08": 6, "61": 5, "84": 5, "87": 4, "03": 3, "27": 3, "71": 2, "72": 2, "85": 2, "39": 1}
COUNTRY_WEIGHTS = {"NA": 6, "GB": 5, "DE": 5, "US": 4, "IQ": 3, "AE": 2, "FR": 2, "IT": 2, "NL": 1, "RU": 1}
ORDINALS = ["birinci", "ikinci", "üçüncü"]
INTRO = "2022 yılı Faaliyet İllerine Göre İhracat İstatistikleri kapsamında temel bilgiler aşağıda sıralanmaktadır."


class Record(NamedTuple):
    year: int
    month: int
    plate: int
    chapter: str
    country: str
    value: Decimal


class Line(NamedTuple):
    """A line of Tablo 1: exact dollars; ``rank`` and ``plate`` are None on ``Diğer`` and ``Toplam``."""

    rank: int | None
    plate: int | None
    label: str
    previous: Decimal
    current: Decimal


class Built(NamedTuple):
    records: list[Record]
    out: Path
    page: object
    """the HTML as conftest's ``read_page`` gives it: ``tables`` and ``text``"""
    pdf: str
    """``pdftotext -layout`` output, whitespace collapsed"""


def half_up(value: Decimal, places: int = 0) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- the data


def yearly_totals(rng: random.Random) -> dict[int, tuple[Decimal, Decimal]]:
    """Each province's exact (2021, 2022) total: fixed ones, small random ones, and the
    balancing province that makes both grand totals round."""
    totals = {plate: tuple(Decimal(v) for v in pair) for plate, pair in FIXED.items()}
    for plate in PROVINCES:
        if plate not in totals and plate != BALANCING:
            now = Decimal(rng.randint(4_000_000_000, 25_000_000_000)) * CENT  # 40–250 million
            totals[plate] = (half_up(now * Decimal(rng.uniform(0.7, 1.3)), 2), now)
    totals[BALANCING] = tuple(grand - sum((t[i] for t in totals.values()), ZERO)
                              for i, grand in enumerate(GRAND_TOTALS))
    return totals


def split(total: Decimal, count: int, rng: random.Random) -> list[Decimal]:
    """``count`` record values with cents and a few negative corrections that add up to
    ``total`` exactly (the last record balances)."""
    weights = [rng.uniform(0.2, 1.8) for _ in range(count - 1)]
    scale = total * Decimal("0.9") / Decimal(sum(weights))
    values = [half_up(scale * Decimal(w), 2) for w in weights]
    values = [-half_up(v / 10, 2) if rng.random() < 0.04 else v for v in values]
    return values + [total - sum(values, ZERO)]


def hs_code(chapter: str, rng: random.Random) -> str:
    digits = rng.choice([4, 6, 8, 8, 8, 10, 12])
    return chapter + "".join(str(rng.randint(0, 9)) for _ in range(digits - 2))


def generate(path: Path) -> list[Record]:
    """Write the CSV; return its records."""
    rng = random.Random(SEED)
    chapters, countries = list(CHAPTER_WEIGHTS), list(COUNTRY_WEIGHTS)
    records, rows = [], []
    for plate, pair in yearly_totals(rng).items():
        for year, total in zip(YEARS, pair):
            for index, value in enumerate(split(total, 50, rng)):
                month = index % 12 + 1
                chapter = rng.choices(chapters, list(CHAPTER_WEIGHTS.values()))[0]
                country = rng.choices(countries, list(COUNTRY_WEIGHTS.values()))[0]
                records.append(Record(year, month, plate, chapter, country, value))
                spelled = rng.choice(PROVINCES[plate][1])
                rows.append((year, month, spelled, hs_code(chapter, rng), country, f"{value:.2f}"))
    rng.shuffle(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["year", "month", "province", "hs_code", "country", "value_usd"])
        writer.writerows(rows)
    return records


# ---------------------------------------------------------------- the rules, independently


def musd(dollars: Decimal) -> str:
    """Million dollars, half up, ``.`` between thousands: ``59381234567.89`` → ``59.381``."""
    millions = int(half_up(dollars / MILLION))
    return ("-" if millions < 0 else "") + f"{abs(millions):,}".replace(",", ".")


def tr_decimal(value: Decimal) -> str:
    """One decimal, half up, decimal comma: ``7.46`` → ``7,5``; ``-4.94`` → ``-4,9``."""
    rounded = half_up(value, 1)
    return ("-" if rounded < 0 else "") + f"{abs(rounded):.1f}".replace(".", ",")


def words(dollars: Decimal) -> str:
    """``59381234567.89`` → ``59 milyar 381 milyon dolar``; ``30000499999.99`` → ``30 milyar dolar``."""
    millions = int(half_up(dollars / MILLION))
    assert millions > 0, "amounts under half a million follow other rules; the data avoid them"
    billions, rest = divmod(millions, 1000)
    parts = [f"{billions} milyar" if billions else "", f"{rest} milyon" if rest else ""]
    return " ".join(p for p in parts if p) + " dolar"


def change_words(change: Decimal) -> str:
    rounded = half_up(change, 1)
    assert rounded != 0, "a change that rounds to zero follows another rule; the data avoid it"
    return f"%{tr_decimal(abs(rounded))} {'artış' if rounded > 0 else 'azalış'}"


def upper_tr(name: str) -> str:
    return name.replace("i", "İ").replace("ı", "I").upper()


def share(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole * 100


def change(current: Decimal, previous: Decimal) -> Decimal:
    return (current - previous) / previous * 100


def chapter_names() -> dict[str, str]:
    """Chapter code → its name as running text writes it (``08 … faslı``; 61 has no ``faslı``)."""
    lines = [line for line in CHAPTERS_CSV.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {r["code"]: r["name"] + (" " + r["word"] if r["word"] else "") for r in csv.DictReader(lines)}


def country_names() -> dict[str, str]:
    return {**Locale("tr").territories, "GB": "İngiltere"}


def sum_by(records, key) -> dict:
    """Exact sums by ``key(record)``; records whose key is None are left out."""
    sums: dict = defaultdict(Decimal)
    for record in records:
        k = key(record)
        if k is not None:
            sums[k] += record.value
    return dict(sums)


def province_totals(records, year: int) -> dict[int, Decimal]:
    return sum_by(records, lambda r: r.plate if r.year == year else None)


def ranking(records) -> list[int]:
    """All 81 plates by 2022 value, largest first; ties by plate code."""
    current = province_totals(records, 2022)
    return sorted(range(1, 82), key=lambda plate: (-current.get(plate, ZERO), plate))


def table_lines(records) -> list[Line]:
    """Tablo 1: the top 15 provinces, ``Diğer`` (all the others) and ``Toplam``."""
    before, now = province_totals(records, 2021), province_totals(records, 2022)
    order = ranking(records)

    def line(label: str, plates: list[int]) -> Line:
        return Line(None, None, label, sum((before.get(p, ZERO) for p in plates), ZERO),
                    sum((now.get(p, ZERO) for p in plates), ZERO))

    top = [Line(rank, plate, upper_tr(PROVINCES[plate][0]), before[plate], now[plate])
           for rank, plate in enumerate(order[:TOP], start=1)]
    return top + [line("Diğer", order[TOP:]), line("Toplam", order)]


def displayed_rows(records) -> list[list[str]]:
    """Tablo 1's rows as the bulletin shows them; ``Toplam`` has no shares."""
    lines = table_lines(records)
    total = lines[-1]

    def shown_share(line: Line, part: Decimal, whole: Decimal) -> str:
        return "" if line is total else tr_decimal(share(part, whole))

    return [[line.label, musd(line.previous), shown_share(line, line.previous, total.previous),
             musd(line.current), shown_share(line, line.current, total.current),
             tr_decimal(change(line.current, line.previous))]
            for line in lines]


def csv_rows(records) -> list[list[str]]:
    """Tablo 1's rows as ``tablo-1-iller.csv`` holds them: the period in a column, plate
    codes of two digits, names as the reference spells them, ``Diğer`` and ``Toplam``
    marked by the codes ``DIGER`` and ``TR`` and without a rank; cents, and per cents to
    one decimal with a point (``Toplam`` has shares of 100)."""
    lines = table_lines(records)
    total = lines[-1]
    codes = {"Diğer": "DIGER", "Toplam": "TR"}

    def point(value: Decimal) -> str:
        return str(half_up(value, 1))

    return [["2022", "" if line.rank is None else str(line.rank),
             codes.get(line.label) or f"{line.plate:02d}",
             line.label if line.plate is None else PROVINCES[line.plate][0], "2021",
             f"{line.previous:.2f}", point(share(line.previous, total.previous)),
             f"{line.current:.2f}", point(share(line.current, total.current)),
             point(change(line.current, line.previous))]
            for line in lines]


def leaders(records) -> list[int]:
    now = province_totals(records, 2022)
    return [plate for plate in ranking(records) if now.get(plate, ZERO) > 0][:3]


def top_items(records, plate: int, field: str) -> list[tuple[str, Decimal]]:
    """The province's three largest 2022 chapters or countries (``field``) with positive
    sums; ties by code."""
    sums = sum_by(records, lambda r: getattr(r, field) if r.year == 2022 and r.plate == plate else None)
    return sorted(((k, v) for k, v in sums.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))[:3]


def leader_sentence(name: str, phrases: list[str], followers: str) -> str:
    return (f"{name} ili en fazla ihracatı {phrases[0]} ile yapmış olup, bu {followers} sırasıyla "
            f"{phrases[1]} ve {phrases[2]} takip etmektedir.")


def expected_sentences(records) -> list[str]:
    """Every data-driven sentence of the 2022 bulletin but the heading's suffix."""
    before, now = province_totals(records, 2021), province_totals(records, 2022)
    top = leaders(records)
    chapters, countries = chapter_names(), country_names()
    sentences = [INTRO, "2022 yılında faaliyet illerine göre ihracatta;"]
    for index, plate in enumerate(top):
        last = index == len(top) - 1
        sentences.append(f"{PROVINCES[plate][0]}{' ise' if last else ''} "
                         f"{change_words(change(now[plate], before[plate]))} ve {words(now[plate])}la "
                         f"{ORDINALS[index]} sırada{' yer almaktadır.' if last else ','}")
    for plate in top:
        phrases = [f"{code} {chapters[code]} ({words(value)})" for code, value in top_items(records, plate, "chapter")]
        sentences.append(leader_sentence(PROVINCES[plate][0], phrases, "faslı"))
    sentences.append("2022 yılında en fazla ihracat yapan ilk üç ilin ülkelere göre dağılımına "
                     "bakıldığında;")
    for plate in top:
        phrases = [f"{countries[code]} ({words(value)})" for code, value in top_items(records, plate, "country")]
        sentences.append(leader_sentence(PROVINCES[plate][0], phrases, "ülkeyi"))
    return sentences


def heading_pattern(records) -> re.Pattern:
    """``… ilk üç il sırasıyla A, B ve C'dir.`` with any copula suffix."""
    a, b, c = (PROVINCES[plate][0] for plate in leaders(records))
    return re.compile(re.escape(f"2022 yılında en fazla ihracat yapan ilk üç il sırasıyla {a}, {b} ve {c}'")
                      + r"[dt][ıiuü]r\.")


# ---------------------------------------------------------------- the build and the checks


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Generate the data and build the 2022 bulletin with the real CLI, once."""
    root = tmp_path_factory.mktemp("unseen-annual")
    records = generate(root / "ihracat.csv")
    return Built(records, *built_bulletin(root, root / "ihracat.csv", "2022"))


def test_data_reach_the_cases_the_rules_are_about(built):
    records = built.records
    assert 2900 <= len(records) <= 3100
    assert {(r.year, r.month) for r in records} == {(y, m) for y in YEARS for m in range(1, 13)}
    assert any(r.value < 0 for r in records) and any(r.value % 1 for r in records)
    named = {code for plate in leaders(records) for field in ("chapter", "country")
             for code, _ in top_items(records, plate, field)}
    assert {"08", "61", "NA", "GB"} <= named


def test_table_in_html(built):
    records, page = built.records, built.page
    assert "Tablo 1: Faaliyet İllerine Göre İhracat, 2022 (Milyon Dolar)" in page.text
    assert page.tables[0][0] == ["İL", "2021", "Pay (%)", "2022", "Pay (%)", "Değişim (%)"]
    assert page.tables[0][1:] == displayed_rows(records)


def test_table_in_pdf(built):
    for row in displayed_rows(built.records):
        assert " ".join(cell for cell in row if cell) in built.pdf


def test_sentences_in_html_and_pdf(built):
    for text in (built.page.text, built.pdf):
        for sentence in expected_sentences(built.records):
            assert sentence in text
        assert heading_pattern(built.records).search(text)


def test_table_csv(built):
    with open(built.out / "tablo-1-iller.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Dönem", "Sıra", "Plaka", "İl", "Önceki dönem", "Önceki dönem değeri (ABD Doları)",
                       "Önceki dönem payı (%)", "Değer (ABD Doları)", "Pay (%)", "Değişim (%)"]
    assert rows[1:] == csv_rows(built.records)
