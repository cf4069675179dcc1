"""Reference data shipped with the package: provinces, HS chapters, country names."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

import pycountry
from babel import Locale

from .turkish import lower_tr

# Kosovo has no ISO 3166-1 code yet, but customs data use the user-assigned XK.
_EXTRA_COUNTRY_CODES = {"XK"}


def _read_csv(name: str) -> list[dict[str, str]]:
    text = (Path(__file__).parent / "refdata" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


@dataclass(frozen=True)
class Province:
    plate: int
    name: str


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    return tuple(Province(int(r["plate"]), r["name"]) for r in _read_csv("provinces.csv"))


_FOLD = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def fold(name: str) -> str:
    """A name as staff's systems may spell it: any case, Turkish letters folded to ASCII
    (``DIYARBAKIR``, ``Sanliurfa``, ``IGDIR`` all fold as the official names do)."""
    return lower_tr(name.strip()).translate(_FOLD)


@lru_cache(maxsize=1)
def _province_keys() -> dict[str, int]:
    keys = {fold(p.name): p.plate for p in provinces()}
    if len(keys) != len(provinces()):
        raise ValueError("two provinces fold to the same ASCII name")
    return keys


def resolve_province(raw: str) -> Optional[int]:
    """An official name in any letter case or ASCII-folded, or a plate code 1–81 (``6``
    or ``06``); ``None`` if neither — never a guess."""
    text = raw.strip()
    if text.isdigit():
        plate = int(text)
        return plate if 1 <= plate <= 81 else None
    return _province_keys().get(fold(text))


def province_name(plate: int) -> str:
    return provinces()[plate - 1].name


@lru_cache(maxsize=1)
def chapters() -> dict[str, str]:
    """Two-digit HS chapter code → Turkish short name."""
    return {r["code"]: r["name"] for r in _read_csv("chapters.csv")}


@lru_cache(maxsize=1)
def chapter_words() -> dict[str, str]:
    """Two-digit HS chapter code → the word after its name in running text (``faslı``)."""
    return {r["code"]: r["word"] for r in _read_csv("chapters.csv")}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA_COUNTRY_CODES


def country_names(overrides: Mapping[str, str]) -> dict[str, str]:
    """Turkish country names from CLDR (Babel), with the config's overrides on top."""
    territories = Locale("tr").territories
    names = {code: territories.get(code, code) for code in country_codes()}
    names.update(overrides)
    return names


@dataclass(frozen=True)
class Region:
    """An İBBS Düzey-1 statistical region."""

    code: str
    name: str


@lru_cache(maxsize=1)
def regions() -> dict[int, Region]:
    """Plate code → its İBBS Düzey-1 region."""
    return {int(r["plate"]): Region(r["code"], r["name"]) for r in _read_csv("regions.csv")}
