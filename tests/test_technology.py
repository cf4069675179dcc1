"""Technology intensity of known products, reasoned from NACE Rev.2 and Eurostat's levels."""

from __future__ import annotations

import pytest

from reportgen import technology

KNOWN = {
    "yuksek": ["3004", "8471", "8517", "8541", "8542", "8802", "9022", "9102", "8528"],
    "orta-yuksek": ["8703", "8708", "8418", "3901", "2902", "3102", "8501", "9405", "8711", "9018", "9301"],
    "orta-dusuk": ["2710", "7208", "4011", "8901", "6907", "7308", "7601", "3923", "7108", "8402"],
    "dusuk": ["6109", "9403", "1905", "7113", "0201", "0406", "5205", "6403", "4819", "2203", "9503"],
    "imalat-disi": ["0802", "2709", "0101", "1001", "2601", "2711", "7102", "9701", "7204"],
}


@pytest.mark.parametrize("code, level", [(c, level) for level, codes in KNOWN.items() for c in codes])
def test_known_products(code, level):
    assert technology.classify(code) == level
    assert technology.classify(code + "90000019"[: 12 - len(code)]) == level


def test_longest_prefix_wins():
    assert technology.classify("84") == "orta-yuksek"
    assert technology.classify("847130000000") == "yuksek"
    assert technology.classify("710231000000") == "imalat-disi"
    assert technology.classify("710239000000") == "dusuk"


def test_every_chapter_has_a_class():
    for chapter in range(1, 100):
        assert technology.classify(f"{chapter:02d}") in technology.LEVELS + (technology.NOT_MANUFACTURED,)


def test_classify_many_returns_each_distinct_code():
    assert technology.classify_many(["8471", "8471", "0802"]) == {"8471": "yuksek", "0802": "imalat-disi"}
