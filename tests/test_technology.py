"""Technology intensity of well-known products, each expected class reasoned from the NACE
Rev.2 activity that makes the goods and Eurostat's levels; and the data file's checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen import technology

# The issue's products: heading, and a twelve-digit GTİP code under it.
ISSUE = {
    "yuksek": [("3004", "300490000019"), ("8471", "847130000000"), ("8517", "851713000000"),
               ("8541", "854110000000"), ("8542", "854231900000"), ("8802", "880240001000")],
    "orta-yuksek": [("8703", "870380100000"), ("8708", "870829100000"), ("8418", "841810200011"),
                    ("3901", "390110100000")],
    "orta-dusuk": [("2710", "271019430000"), ("7208", "720851200000"), ("4011", "401110000000"),
                   ("8901", "890190100000")],
    "dusuk": [("6109", "610910000000"), ("9403", "940360100000"), ("1905", "190531000000"),
              ("7113", "711319000000")],
    "imalat-disi": [("0802", "080222000000"), ("2709", "270900900000")],
}

# Other products, with the activity that makes them.
OTHERS = {
    "yuksek": [
        "852872000000",  # colour television receivers: 26.40
        "901812000000",  # ultrasonic scanners: electromedical, 26.60
        "841191000000",  # parts of turbojets: aircraft engines, 30.30
        "844332100000",  # printers for computers: 26.20
        "294110000000",  # penicillins: basic pharmaceuticals, 21.10
        "910211000000",  # wrist-watches: 26.52
        "902140000000",  # hearing aids: 26.60
    ],
    "orta-yuksek": [
        "845011110000",  # household washing machines: 27.51
        "732111100000",  # gas cookers: non-electric domestic appliances, 27.52
        "930200000000",  # pistols: weapons and ammunition, 25.40
        "850152000000",  # electric motors: 27.11
        "540247000000",  # polyester filament yarn: man-made fibres, 20.60
        "550320000000",  # polyester staple fibres: 20.60
        "220710000000",  # undenatured ethyl alcohol: 20.14
        "940120000000",  # car seats: parts of motor vehicles, 29.32
        "871200300000",  # bicycles: 30.92
        "901831100000",  # syringes: medical instruments, 32.50
        "310210100000",  # urea: fertilisers, 20.15
        "844339000000",  # copiers not connectable to a computer: 28.23
    ],
    "orta-dusuk": [
        "710813000000",  # gold, semi-manufactured: precious metals, 24.41
        "890399100000",  # motor yachts: boats, 30.12
        "848071000000",  # moulds for rubber or plastics: tools, 25.73
        "680291000000",  # worked marble: cut stone, 23.70
        "252329000000",  # Portland cement: 23.51
        "730890000000",  # steel structures: 25.11
        "760120000000",  # unwrought aluminium alloys: 24.42
        "392330000000",  # plastic bottles: 22.22
        "690721000000",  # ceramic tiles: 23.31
        "940690000000",  # steel prefabricated buildings: 25.11
        "271112000000",  # liquefied propane: refinery product, 19.20
        "840310000000",  # central-heating boilers: 25.21
    ],
    "dusuk": [
        "020130000000",  # boneless beef: 10.11
        "040690000000",  # cheese: 10.51
        "220300000000",  # beer: 11.05
        "520512000000",  # cotton yarn: 13.10
        "540262000000",  # folded polyester yarn: spinning, 13.10
        "640399000000",  # leather footwear: 15.20
        "481910000000",  # corrugated cartons: 17.21
        "950300000000",  # toys: 32.40
        "620342000000",  # cotton trousers: 14.13
        "570242000000",  # man-made fibre carpets: 13.93
        "030389000000",  # frozen fish: 10.20
        "081310000000",  # dried apricots: 10.39
        "090230000000",  # black tea in small packings: 10.83
        "410221000000",  # raw sheep skins, pickled: slaughterhouse by-product, 10.11
        "491110000000",  # trade catalogues: printing, 18.12
        "940610000000",  # wooden prefabricated buildings: 16.23
        "961900000000",  # nappies: 17.22
    ],
    "imalat-disi": [
        "010121000000",  # pure-bred horses: farming
        "100199000000",  # wheat: farming
        "030289000000",  # fresh fish: fishing
        "080620000000",  # raisins: grapes, fresh or dried, one farm heading
        "090240000000",  # black tea in bulk: a crop
        "251512000000",  # marble blocks: quarrying
        "260111000000",  # iron ore: mining
        "271111000000",  # liquefied natural gas: extraction
        "710231000000",  # rough diamonds: mining
        "720449000000",  # ferrous scrap: waste
        "271600000000",  # electricity: section D
        "490199000000",  # printed books: publishing, section J
        "970191000000",  # paintings: works of art
    ],
}


@pytest.mark.parametrize("level, heading, code", [(level, heading, code)
                                                  for level, pairs in ISSUE.items() for heading, code in pairs])
def test_issue_products(level, heading, code):
    assert technology.classify(heading) == level
    assert technology.classify(code) == level


@pytest.mark.parametrize("level, code", [(level, code) for level, codes in OTHERS.items() for code in codes])
def test_other_products(level, code):
    assert technology.classify(code) == level


def test_longest_prefix_wins():
    assert technology.classify("84") == "orta-yuksek"
    assert technology.classify("8471") == "yuksek"
    assert technology.classify("847330000000") == "yuksek"  # parts of computers
    assert technology.classify("847329000000") == "orta-yuksek"  # parts of calculators: one-dash subheading
    assert technology.classify("7102") == "imalat-disi"
    assert technology.classify("710239000000") == "dusuk"
    assert technology.classify("2711") == "imalat-disi"


def test_every_chapter_has_a_class():
    for chapter in range(1, 100):
        assert technology.classify(f"{chapter:02d}") in technology.LEVELS + (technology.NOT_MANUFACTURED,)


def test_every_level_occurs():
    assert set(technology.mapping().values()) == set(technology.LEVELS) | {technology.NOT_MANUFACTURED}


def test_codes_outside_the_chapters_are_errors():
    with pytest.raises(ValueError, match="'0012'"):
        technology.classify("0012")


@given(st.sampled_from(sorted(technology.mapping())), st.text("0123456789", max_size=10))
def test_lookups_on_six_then_four_characters_then_the_chapter_classify_like_the_longest_prefix(prefix, rest):
    """What the engine does (a join on the first six characters, one on the first four,
    the chapter's default where both miss) agrees with the longest-prefix rule, for codes
    at and around every listed prefix."""
    code = (prefix + rest)[:12]
    lookups = technology.refinements()
    found = lookups[6].get(code[:6]) or lookups[4].get(code[:4]) or technology.chapter_defaults()[code[:2]]
    assert found == technology.classify(code)


def test_refinements_hold_the_longer_prefixes_only():
    lookups = technology.refinements()
    assert lookups[4]["8471"] == "yuksek" and lookups[6]["847329"] == "orta-yuksek"
    assert "847330" not in lookups[6] and lookups[4]["8473"] == "yuksek"  # the 4-digit prefix decides
    assert lookups[6]["84111"] == lookups[6]["841119"] == "yuksek"  # a 5-digit prefix and its extensions
    assert "84" not in lookups[4] and "8405" not in lookups[4]  # the chapter's default decides these


def test_a_shorter_lookup_holds_the_start_of_every_longer_prefix_and_says_it_is_refined():
    from reportgen.data.queries import lookup_rows

    rows = lookup_rows({6: {"710239": "dusuk", "84111": "yuksek"}, 4: {"7102": "imalat-disi", "8471": "yuksek"}})
    assert sorted(rows[4]) == [("7102", "imalat-disi", True), ("8411", None, True), ("8471", "yuksek", False)]
    assert sorted(rows[6]) == [("710239", "dusuk", False), ("84111", "yuksek", False)]


def test_the_engine_gives_every_record_the_level_of_its_longest_listed_prefix(tmp_path):
    """The scan's lookups (the shortest prefix first, a longer one only where the shorter
    row is refined) against the longest-prefix rule, for codes at, under and beside every
    listed prefix, through the records view that editors' sections read."""
    import random

    import pyarrow as pa
    import pyarrow.parquet as pq

    from reportgen.config import load_config
    from reportgen.data.engine import compile_sql
    from reportgen.data.extra import names_of
    from reportgen.data.inputs import open_inputs
    from reportgen.data.queries import records_view

    rng = random.Random(7)
    codes = sorted({code for prefix in technology.mapping() for code in (
        prefix, (prefix + "0000")[:6], (prefix + "".join(rng.choices("0123456789", k=10)))[:12],
        *([prefix[:-1] + str((int(prefix[-1]) + 1) % 10)] if len(prefix) > 2 else []))})
    data = tmp_path / "kodlar.parquet"
    pq.write_table(pa.table({"year": [2023] * len(codes), "month": [1] * len(codes), "province": ["Ankara"] * len(codes),
                             "hs_code": codes, "country": ["DE"] * len(codes), "value_usd": [1.0] * len(codes)}), data)
    config = load_config(None, {"data": [str(data)], "period": "2023-01"})
    with open_inputs(config) as (engine, sources, _):
        view = records_view([s.records() for s in sources], technology.refinements(), names_of(config, {"Ankara": 6}))
        found = dict(engine.con.execute(f"SELECT hs_code, technology FROM ({compile_sql(view, 'duckdb')})").fetchall())
    assert len(codes) > 1200 and found == {code: technology.classify(code) for code in codes}


def _table(tmp_path, rows: list[str], chapters=range(1, 100)):
    path = tmp_path / "technology.csv"
    body = [f"{c:02d},-,dusuk" for c in chapters]
    path.write_text("# a comment\nprefix,nace,level\n" + "\n".join(body + rows) + "\n", encoding="utf-8")
    return path


def test_a_complete_table_loads(tmp_path):
    table = technology.load(_table(tmp_path, ["8471,26.2,yuksek"]))
    assert len(table) == 100 and table["8471"] == "yuksek"


def test_a_missing_chapter_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="chapters without a default class: 42, 43"):
        technology.load(_table(tmp_path, ["4201,15.12,dusuk"],
                               chapters=[c for c in range(1, 100) if c not in (42, 43)]))


@pytest.mark.parametrize("row, message", [
    ("8471,26.2,high", "line 102: unknown level 'high'"),
    ("8,26.2,yuksek", "prefix '8' is not"),
    ("8471301,26.2,yuksek", "prefix '8471301' is not"),
    ("84a1,26.2,yuksek", "prefix '84a1' is not"),
    ("0012,-,dusuk", "prefix '0012' is not"),
    ("84,28,orta-yuksek", "prefix 84 is listed twice"),
    ("8471,,yuksek", "no NACE code for 8471"),
])
def test_a_bad_row_is_an_error(tmp_path, row, message):
    with pytest.raises(ValueError, match=message):
        technology.load(_table(tmp_path, [row]))
