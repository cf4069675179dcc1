"""A monthly bulletin from data the tool has never seen, checked against expectations
worked out here with plain Python from the rules — not from the package's code."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conftest import built_bulletin

# plate → (official name, how the file spells it)
PROVINCES = {34: ("İstanbul", "ISTANBUL"), 41: ("Kocaeli", "kocaeli"), 35: ("İzmir", "İZMİR"),
             16: ("Bursa", "16"), 6: ("Ankara", "06"), 21: ("Diyarbakır", "DIYARBAKIR"),
             63: ("Şanlıurfa", "Sanliurfa"), 76: ("Iğdır", "IGDIR"), 39: ("Kırklareli", "Kırklareli"),
             27: ("Gaziantep", "gaziantep"), 33: ("Mersin", "MERSİN"), 59: ("Tekirdağ", "tekirdag"),
             1: ("Adana", "1"), 20: ("Denizli", "DENIZLI"), 42: ("Konya", "konya"), 45: ("Manisa", "Manisa"),
             26: ("Eskişehir", "ESKISEHIR"), 31: ("Hatay", "hatay"), 54: ("Sakarya", "54"),
             38: ("Kayseri", "KAYSERİ"), 7: ("Antalya", "antalya")}
CHAPTERS = {"08": "Yenilen meyveler, kabuklu yemişler", "27": "Mineral yakıtlar, mineral yağlar",
            "61": "Örme giyim eşyası ve aksesuarı", "72": "Demir ve çelik", "84": "Kazanlar, makinalar",
            "87": "Motorlu kara taşıtları"}
WORD = {"61": ""}  # chapter 61 is written without "faslı", as the ministry does
COUNTRIES = {"DE": "Almanya", "GB": "İngiltere", "NA": "Namibya", "IQ": "Irak", "US": "Amerika Birleşik Devletleri",
             "FR": "Fransa"}
MONTHS = [(2023, m) for m in range(1, 13)] + [(2024, m) for m in range(1, 7)]
MONTH_NAMES = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran"]
ORDINALS = ["birinci", "ikinci", "üçüncü", "dördüncü", "beşinci"]
MILLION = Decimal(1_000_000)


def write_data(path: Path) -> list[tuple]:
    rng = random.Random(2406)
    size = {plate: rng.uniform(0.05, 1.0) ** 2 * 3e9 for plate in PROVINCES}
    records = []
    for year, month in MONTHS:
        for plate, (_, spelled) in PROVINCES.items():
            for _ in range(rng.randint(4, 9)):
                chapter = rng.choice(list(CHAPTERS))
                value = Decimal(int(size[plate] / 6 * rng.uniform(0.2, 1.8) * 100)) / 100
                if rng.random() < 0.03:
                    value = -value / 10
                records.append((year, month, plate, spelled, chapter + "%06d" % rng.randint(0, 999999),
                                rng.choice(list(COUNTRIES)), value))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["year", "month", "province", "hs_code", "country", "value_usd"])
        writer.writerows([(y, m, s, code, c, f"{v:.2f}") for y, m, _, s, code, c, v in records])
    return [(y, m, p, code[:2], c, v) for y, m, p, _, code, c, v in records]


def half_up(value: Decimal, places: int = 0) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def thousands(value: Decimal) -> str:
    text = f"{abs(int(value)):,}".replace(",", ".")
    return ("-" if value < 0 else "") + text


def one_decimal(value: Decimal) -> str:
    rounded = half_up(value, 1)
    return ("-" if rounded < 0 else "") + f"{abs(rounded):.1f}".replace(".", ",")


def words(dollars: Decimal) -> str:
    millions = int(half_up(dollars / MILLION))
    billions, rest = divmod(millions, 1000)
    return " ".join(p for p in (f"{billions} milyar" if billions else "", f"{rest} milyon" if rest else "") if p) + " dolar"


def upper(name: str) -> str:
    return name.replace("i", "İ").replace("ı", "I").upper()


def totals(records, months) -> dict[int, Decimal]:
    result = defaultdict(Decimal)
    for y, m, plate, *_, value in records:
        if (y, m) in months:
            result[plate] += value
    return result


def ranked(current: dict[int, Decimal]) -> list[int]:
    plates = range(1, 82)
    return sorted(plates, key=lambda p: (-current.get(p, Decimal(0)), p))


def table_rows(records, months_now, months_before) -> list[list[str]]:
    now, before = totals(records, months_now), totals(records, months_before)
    total_now, total_before = sum(now.values()), sum(before.values())
    order = ranked(now)

    def cells(label, b, n, shares=True):
        share_b = one_decimal(b / total_before * 100) if shares else ""
        share_n = one_decimal(n / total_now * 100) if shares else ""
        return [label, thousands(half_up(b / MILLION)), share_b, thousands(half_up(n / MILLION)), share_n,
                one_decimal((n - b) / abs(b) * 100) if b else "–"]

    rows = [cells(upper(PROVINCES[p][0]), before.get(p, Decimal(0)), now.get(p, Decimal(0))) for p in order[:15]]
    rest = order[15:]
    rows.append(cells("Diğer", sum(before.get(p, Decimal(0)) for p in rest), sum(now.get(p, Decimal(0)) for p in rest)))
    rows.append(cells("Toplam", total_before, total_now, shares=False))
    return rows


def change_words(now: Decimal, before: Decimal) -> str:
    rounded = half_up((now - before) / abs(before) * 100, 1)
    word = "artış" if rounded > 0 else "azalış"
    return f"%{one_decimal(abs(rounded))} {word}"


def expected_sentences(records) -> list[str]:
    june, june_before = {(2024, 6)}, {(2023, 6)}
    half, half_before = {(2024, m) for m in range(1, 7)}, {(2023, m) for m in range(1, 7)}
    now, before = totals(records, june), totals(records, june_before)
    order = [p for p in ranked(now) if now.get(p, 0) > 0]
    sentences = ["2024 yılı Haziran ayında faaliyet illerine göre ihracatta;"]
    for i, plate in enumerate(order[:5]):
        name = PROVINCES[plate][0] + (" ise" if i == 4 else "")
        end = " yer almaktadır." if i == 4 else ","
        sentences.append(f"{name} {change_words(now[plate], before[plate])} ve {words(now[plate])}la "
                         f"{ORDINALS[i]} sırada{end}")
    for months, months_before, phrase in ((june, june_before, "2024 yılı Haziran ayında"),
                                          (half, half_before, "Ocak-Haziran döneminde")):
        n, b = totals(records, months), totals(records, months_before)
        rising = sorted((p for p in PROVINCES if n[p] - b[p] > 0), key=lambda p: (-(n[p] - b[p]), p))[:5]
        sentences.append(f"{phrase} ihracatını en fazla artıran {['bir', 'iki', 'üç', 'dört', 'beş'][len(rising) - 1]} il;")
        for i, plate in enumerate(rising):
            end = " yer almaktadır." if i == len(rising) - 1 else ","
            name = PROVINCES[plate][0] + (" ise" if i == len(rising) - 1 and i else "")
            sentences.append(f"{name} {words(n[plate] - b[plate])}lık artışla {ORDINALS[i]} sırada{end}")
    n, b = totals(records, half), totals(records, half_before)
    over = sum(1 for p in n if n[p] > 1_000_000_000)
    increased = sum(1 for p in n if n[p] > b.get(p, 0))
    sentences.append(f"Ocak-Haziran döneminde 1 milyar doları aşan ihracat yapan il sayısı {over} olurken, "
                     f"{increased} il ihracatını bir önceki yılın aynı dönemine göre artırmıştır.")
    for plate in order[:3]:
        name = PROVINCES[plate][0]
        by_chapter, by_country = defaultdict(Decimal), defaultdict(Decimal)
        for y, m, p, chapter, country, value in records:
            if p == plate and (y, m) in june:
                by_chapter[chapter] += value
                by_country[country] += value
        chapters = sorted(((c, v) for c, v in by_chapter.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))[:3]
        countries = sorted(((c, v) for c, v in by_country.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))[:3]
        named = [f"{c} {CHAPTERS[c]}{' faslı' if WORD.get(c, 'faslı') else ''} ({words(v)})" for c, v in chapters]
        sentences.append(f"{name} ili en fazla ihracatı {named[0]} ile yapmış olup, bu faslı sırasıyla "
                         f"{named[1]} ve {named[2]} takip etmektedir.")
        named = [f"{COUNTRIES[c]} ({words(v)})" for c, v in countries]
        sentences.append(f"{name} ili en fazla ihracatı {named[0]} ile yapmış olup, bu ülkeyi sırasıyla "
                         f"{named[1]} ve {named[2]} takip etmektedir.")
    return sentences


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("unseen")
    records = write_data(root / "veri.csv")
    _, page, pdf = built_bulletin(root, root / "veri.csv", "2024-06")
    return records, page, pdf


def test_month_and_cumulative_tables(built):
    records, page, pdf = built
    month = table_rows(records, {(2024, 6)}, {(2023, 6)})
    cumulative = table_rows(records, {(2024, m) for m in range(1, 7)}, {(2023, m) for m in range(1, 7)})
    assert page.tables[0][0] == ["İL", "Haziran 2023", "Pay (%)", "Haziran 2024", "Pay (%)", "Değişim (%)"]
    assert page.tables[0][1:] == month
    assert page.tables[1][0] == ["İL", "Ocak-Haziran 2023", "Pay (%)", "Ocak-Haziran 2024", "Pay (%)", "Değişim (%)"]
    assert page.tables[1][1:] == cumulative
    for row in month + cumulative:
        assert " ".join(cell for cell in row if cell) in pdf


def test_sentences_in_html_and_pdf(built):
    records, page, pdf = built
    for sentence in expected_sentences(records):
        assert sentence in page.text
        assert sentence in pdf
