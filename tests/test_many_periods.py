"""Many bulletins from one reading of the data: the period texts that name them, one
folder per bulletin with the same bytes a build of that period alone writes, and nothing
written when any of them fails."""

from __future__ import annotations


import pytest

from conftest import run_cli
from reportgen.errors import ConfigError, DataError
from reportgen.period import Period, parse_periods, periods_form, supported_periods

SAMPLE_MONTHS = {(2022, m) for m in range(1, 13)} | {(2023, m) for m in range(1, 13)} | \
    {(2024, m) for m in range(1, 7)}
"""the months ``reportgen sample-data`` writes: January 2022 to June 2024"""


@pytest.mark.parametrize("text, expected", [
    ("2024-01..2024-03", [Period(2024, 1), Period(2024, 2), Period(2024, 3)]),
    ("2023-11..2024-02", [Period(2023, 11), Period(2023, 12), Period(2024, 1), Period(2024, 2)]),
    ("2022..2023", [Period(2022), Period(2023)]),
    ("2023, 2023-12, 2024-06", [Period(2023, 12), Period(2023), Period(2024, 6)]),
    ("2024-06,2024-05..2024-06", [Period(2024, 5), Period(2024, 6)]),
    ("latest", [Period(2024, 6)]),
])
def test_period_texts_name_these_bulletins_in_time_order(text, expected):
    assert parse_periods(text, SAMPLE_MONTHS) == expected


def test_all_is_every_bulletin_the_data_supports():
    found = supported_periods(SAMPLE_MONTHS)
    # a year needs the year before; a month needs the same months a year earlier and a
    # 13-month trend, so the sample's first monthly bulletin is January 2023
    assert found == [*(Period(2023, m) for m in range(1, 13)), Period(2023), *(Period(2024, m) for m in range(1, 7))]
    assert parse_periods("all", SAMPLE_MONTHS) == found


@pytest.mark.parametrize("text", ["2024-06..2024-01", "2023..2024-06", "2024-13", "2024..", "..2024",
                                  "2024,,2023", "hepsi", "2024-01...2024-02"])
def test_bad_period_texts_are_refused_naming_the_forms(text):
    with pytest.raises(ValueError):
        periods_form(text)
    with pytest.raises(ConfigError, match="dönem YYYY|aralık iki yılı ya da iki ayı eskiden yeniye"):
        parse_periods(text, SAMPLE_MONTHS)


def test_all_without_a_whole_bulletin_is_a_data_error():
    with pytest.raises(DataError, match="tam bir bülten dönemi yok"):
        parse_periods("all", {(2024, m) for m in range(1, 7)})


def test_six_months_in_one_run_equal_separate_builds(tmp_path, sample_data):
    many = run_cli("build", "--data", str(sample_data), "--period", "2024-04..2024-06", "--out", str(tmp_path / "hepsi"),
                   cwd=tmp_path)
    assert many.returncode == 0, many.stderr
    assert "3 bülten hazır" in many.stderr and "kayıt bir kez okundu" in many.stderr
    assert sorted(p.name for p in (tmp_path / "hepsi").iterdir()) == ["2024-04", "2024-05", "2024-06"]
    alone = run_cli("build", "--data", str(sample_data), "--period", "2024-05", "--out", str(tmp_path / "tek"),
                    cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    names = sorted(p.name for p in (tmp_path / "tek").iterdir())
    assert sorted(p.name for p in (tmp_path / "hepsi" / "2024-05").iterdir()) == names
    for name in names:
        assert (tmp_path / "hepsi" / "2024-05" / name).read_bytes() == (tmp_path / "tek" / name).read_bytes(), name


def test_one_failing_period_writes_nothing(tmp_path, sample_data):
    """December 2022's bulletin needs 2021, which the sample does not have: the run fails
    as one line, and neither its folder nor January 2023's is written."""
    result = run_cli("build", "--data", str(sample_data), "--period", "2022-12..2023-01", "-q", cwd=tmp_path)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Hata: Veri hatası: 2022-12 bülteni: "), lines
    assert "2021" in lines[0]
    assert not (tmp_path / "output").exists()
