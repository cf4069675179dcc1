"""Turkish formatting rules, with the edge cases the bulletin meets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import turkish as tr


@pytest.mark.parametrize("value, places, expected", [
    (55229, 0, "55.229"),
    (254170, 0, "254.170"),
    (999, 0, "999"),
    (1234567, 0, "1.234.567"),
    (Decimal("21.73"), 1, "21,7"),
    (Decimal("-4.94"), 1, "-4,9"),
    (Decimal("0.25"), 1, "0,3"),      # half up, where Babel alone gives 0,2
    (Decimal("0.35"), 1, "0,4"),
    (Decimal("-0.25"), 1, "-0,3"),    # half away from zero for negatives too
    (0.15, 1, "0,2"),                 # a float's decimal meaning, not its binary value
    (Decimal("2.5"), 0, "3"),
    (Decimal("-0.04"), 1, "0,0"),     # no negative zero
    (Decimal("12.0"), 1, "12,0"),
])
def test_number(value, places, expected):
    assert tr.number(value, places) == expected


def test_millions_rounds_the_exact_value_half_up():
    assert tr.millions(Decimal("55229499999.99")) == "55.229"
    assert tr.millions(Decimal("55229500000")) == "55.230"
    assert tr.millions(-3_500_000) == "-4"


@pytest.mark.parametrize("value, expected", [
    (Decimal("7.46"), "%7,5"), (Decimal("0.3"), "%0,3"), (Decimal("-4.9"), "%-4,9"), (100, "%100,0"),
])
def test_percent_sign_comes_first(value, expected):
    assert tr.percent(value) == expected


@pytest.mark.parametrize("value, expected", [
    (Decimal("7.46"), "%7,5 artış"),
    (Decimal("0.3"), "%0,3 artış"),
    (Decimal("-4.9"), "%4,9 azalış"),
    (Decimal("-11.65"), "%11,7 azalış"),
    (Decimal("0.04"), "%0,0 değişim"),
    (Decimal("-0.04"), "%0,0 değişim"),
])
def test_change_words(value, expected):
    assert tr.change_words(value) == expected


@pytest.mark.parametrize("dollars, expected", [
    (59_381_000_000, "59 milyar 381 milyon dolar"),
    (4_005_000_000, "4 milyar 5 milyon dolar"),
    (3_000_000_000, "3 milyar dolar"),
    (934_000_000, "934 milyon dolar"),
    (10_934_400_000, "10 milyar 934 milyon dolar"),
    (10_934_500_000, "10 milyar 935 milyon dolar"),
    (999_600_000, "1 milyar dolar"),
    (1_000_000_000_000, "1.000 milyar dolar"),
    (1_499_999, "1 milyon dolar"),
    (512_300, "1 milyon dolar"),
    (412_300, "412 bin dolar"),
    (420, "420 dolar"),
    (-2_100_000_000, "-2 milyar 100 milyon dolar"),
    (Decimal("4690999999.99"), "4 milyar 691 milyon dolar"),
])
def test_usd_words(dollars, expected):
    assert tr.usd_words(dollars) == expected


@pytest.mark.parametrize("n, expected", [
    (1, "birinci"), (2, "ikinci"), (3, "üçüncü"), (4, "dördüncü"), (5, "beşinci"), (6, "altıncı"),
    (7, "yedinci"), (8, "sekizinci"), (9, "dokuzuncu"), (10, "onuncu"), (11, "on birinci"),
    (15, "on beşinci"), (20, "yirminci"), (30, "otuzuncu"), (40, "kırkıncı"), (50, "ellinci"),
    (60, "altmışıncı"), (70, "yetmişinci"), (80, "sekseninci"), (81, "seksen birinci"),
    (90, "doksanıncı"), (100, "yüzüncü"), (200, "iki yüzüncü"),
])
def test_ordinal(n, expected):
    assert tr.ordinal(n) == expected


def test_cardinal_words_limits():
    assert tr.cardinal_words(3) == "üç"
    assert tr.cardinal_words(999) == "dokuz yüz doksan dokuz"
    with pytest.raises(ValueError):
        tr.cardinal_words(0)


@pytest.mark.parametrize("text, expected", [
    ("İstanbul", "İSTANBUL"), ("Diyarbakır", "DİYARBAKIR"), ("diyarbakır", "DİYARBAKIR"),
    ("Iğdır", "IĞDIR"), ("Kırklareli", "KIRKLARELİ"), ("Şanlıurfa", "ŞANLIURFA"),
    ("Çanakkale", "ÇANAKKALE"), ("Gümüşhane", "GÜMÜŞHANE"), ("Hakkâri", "HAKKÂRİ"), ("izmir", "İZMİR"),
])
def test_upper_tr(text, expected):
    assert tr.upper_tr(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("İZMİR", "izmir"), ("IĞDIR", "ığdır"), ("DİYARBAKIR", "diyarbakır"), ("ŞANLIURFA", "şanlıurfa"),
])
def test_lower_tr(text, expected):
    assert tr.lower_tr(text) == expected


@pytest.mark.parametrize("code, expected", [("8", "08"), (8, "08"), ("08", "08"), ("84", "84"), (1, "01")])
def test_chapter_code(code, expected):
    assert tr.chapter_code(code) == expected


@pytest.mark.parametrize("name, expected", [
    ("İzmir", "İzmir'dir"), ("Kocaeli", "Kocaeli'dir"), ("Ankara", "Ankara'dır"),
    ("İstanbul", "İstanbul'dur"), ("Muş", "Muş'tur"), ("Gaziantep", "Gaziantep'tir"),
    ("Bursa", "Bursa'dır"), ("Tekirdağ", "Tekirdağ'dır"), ("Düzce", "Düzce'dir"),
    ("Ordu", "Ordu'dur"), ("Bingöl", "Bingöl'dür"), ("Hatay", "Hatay'dır"), ("Uşak", "Uşak'tır"),
])
def test_copula(name, expected):
    assert tr.copula(name) == expected


def test_join_words():
    assert tr.join_words(["İstanbul", "Kocaeli", "İzmir"]) == "İstanbul, Kocaeli ve İzmir"
    assert tr.join_words(["İstanbul", "Kocaeli"]) == "İstanbul ve Kocaeli"
    assert tr.join_words(["İstanbul"]) == "İstanbul"


def test_month_names():
    assert [tr.month_name(m) for m in (1, 2, 6, 8, 12)] == ["Ocak", "Şubat", "Haziran", "Ağustos", "Aralık"]


def test_turkish_alphabetical_order():
    names = ["Şanlıurfa", "Sivas", "Çorum", "Ceyhan", "İzmir", "Iğdır", "Isparta", "Ödemiş", "Ordu", "Ağrı", "Afyon",
             "Üsküdar", "Uşak", "Gümüşhane", "Giresun", "Ğ"]
    assert tr.sort_tr(names) == ["Afyon", "Ağrı", "Ceyhan", "Çorum", "Giresun", "Gümüşhane", "Ğ", "Iğdır", "Isparta",
                                 "İzmir", "Ordu", "Ödemiş", "Sivas", "Şanlıurfa", "Uşak", "Üsküdar"]


TURKISH_TEXT = "abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZâîûÂÎÛ0123456789 -'."


def cldr_order(names: list[str]) -> list[str]:
    """The reference: CLDR's Turkish collation, as ICU implements it."""
    import icu

    collator = icu.Collator.createInstance(icu.Locale("tr_TR"))
    return sorted(names, key=collator.getSortKey)


def test_turkish_order_is_cldrs_on_place_names():
    from reportgen.reference import provinces, regions

    names = [p.name for p in provinces()] + sorted({r.name for r in regions().values()}) + [
        "Doğubayazıt", "Hakkari", "Hakkâri", "düzce", "Düzce", "Ağrı Dağı", "Ağrıdağı", "İç Anadolu", "İçel"]
    assert tr.sort_tr(names) == cldr_order(names)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=TURKISH_TEXT, min_size=1, max_size=8), min_size=2, max_size=12, unique=True))
def test_turkish_order_is_cldrs_on_any_turkish_text(names):
    assert tr.sort_tr(names) == cldr_order(names)
