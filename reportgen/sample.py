"""A deterministic, realistic sample dataset whose aggregates reproduce the published
2023 release (``refdata/sample-targets.yaml``) once rounded.

Each province and year gets an exact total (in cents); it is split over chapters and over
countries with exact marginals, the chapter × country matrix is filled by iterative
proportional fitting on a sparse random mask, and each cell is spread over months and
product codes. A few offsetting correction records (negative values) are included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import yaml

from .reference import chapters, province_name

SEED = 2023
CENTS_PER_MILLION = 100_000_000
# Main partners first: their base weights fall off with the position in this list.
COUNTRIES = (
    "DE US GB IT IQ FR ES NL RU AE IL RO PL BE BG EG GR AZ LY SA CN GE SE DZ MA KZ UA TN CZ HU "
    "PT AT DK SK JO LB TM UZ KG CH CA JP KR IN BR MX AU ZA NG GH SN ET KE SD YE OM QA KW BH PK "
    "BD ID MY SG TH VN IR SY AL MK BA RS XK ME MD BY FI NO IE LT LV EE SI HR CY MT CL PE CO AR "
    "NA TZ CM CI SO DJ MR KH PH NZ"
).split()
# Chapters that weigh most in Turkish exports, first; the rest follow in code order.
LEADING_CHAPTERS = "84 87 85 27 72 61 62 39 71 73 76 08 94 40 52 55 03 20 69 70 48 30 89 54 63".split()
# The other 66 provinces, roughly from the largest exporter to the smallest (plate codes).
OTHER_PROVINCES = [int(p) for p in (
    "38 46 10 55 61 39 81 11 64 3 43 19 9 7 48 52 44 17 32 53 70 71 68 67 77 28 78 14 80 47 63 "
    "50 51 23 5 60 58 37 22 74 40 66 72 21 25 65 15 73 2 79 8 57 56 18 29 76 12 24 49 4 13 30 "
    "36 75 69 62"
).split()]
SEASON = np.array([0.82, 0.9, 1.05, 0.98, 1.0, 0.97, 1.02, 0.88, 1.03, 1.08, 1.1, 1.17])


@dataclass(frozen=True)
class Targets:
    years: list[int]
    provinces: dict[int, list[int]]
    other: list[int]
    leaders: dict[int, dict[str, dict[str, int]]]
    extend_to: tuple[int, int]
    """(year, last month) of the synthetic months after the published years"""


def load_targets() -> Targets:
    raw = yaml.safe_load((Path(__file__).parent / "refdata" / "sample-targets.yaml").read_text("utf-8"))
    return Targets(years=raw["years"], provinces={int(k): v for k, v in raw["provinces"].items()},
                   other=raw["other"], leaders={int(k): v for k, v in raw["leaders_2023"].items()},
                   extend_to=tuple(raw["extend_to"]))


def _months_of(year: int, targets: Targets) -> np.ndarray:
    last = targets.extend_to[1] if year == targets.extend_to[0] else 12
    return np.arange(1, last + 1)


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights, exactly (largest remainder)."""
    raw = total * weights / weights.sum()
    base = np.floor(raw).astype(np.int64)
    short = int(total - base.sum())
    base[np.argsort(-(raw - base), kind="stable")[:short]] += 1
    return base


def capped_allocate(total: int, weights: np.ndarray, cap: int) -> np.ndarray:
    """``allocate`` with no share above ``cap``: the excess is spread over the others."""
    weights = weights.astype(float).copy()
    fixed = np.zeros(len(weights), dtype=bool)
    for _ in range(len(weights)):
        share = (total - cap * fixed.sum()) * weights / weights[~fixed].sum()
        over = (share > cap) & ~fixed
        if not over.any():
            break
        fixed |= over
        weights[over] = 0
    result = allocate(total - cap * int(fixed.sum()), weights)
    result[fixed] = cap
    return result


def _marginal(total: int, codes: list[str], weights: np.ndarray, fixed: dict[str, int]) -> dict[str, int]:
    """Split ``total`` over ``codes``; ``fixed`` codes get their exact amounts and every
    other code stays below the smallest fixed one, so the fixed ones lead."""
    free = [c for c in codes if c not in fixed]
    free_weights = np.array([w for c, w in zip(codes, weights) if c not in fixed])
    rest = total - sum(fixed.values())
    cap = int(min(fixed.values()) * 0.96) if fixed else rest
    amounts = capped_allocate(rest, free_weights, cap)
    return {**fixed, **dict(zip(free, (int(a) for a in amounts)))}


def _leading_first(leading: list[str], order: list[str]) -> list[str]:
    return leading + [code for code in order if code not in leading]


def _decay(n: int) -> np.ndarray:
    """Weights of the n codes a province exports, largest first."""
    return 1 / np.arange(1, n + 1) ** 0.9


def _fit(rows: np.ndarray, cols: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Iterative proportional fitting on the mask; integer rows exactly, columns to
    within a few cents."""
    x = mask * np.outer(rows / rows.sum(), cols / cols.sum())
    rows, cols = rows.astype(float), cols.astype(float)
    for _ in range(60):
        x *= (cols / np.maximum(x.sum(axis=0), 1e-9))[None, :]
        x *= (rows / np.maximum(x.sum(axis=1), 1e-9))[:, None]
    return np.vstack([allocate(int(r), x[i]) if r else np.zeros(len(cols), np.int64)
                      for i, r in enumerate(rows)])


def _mask(rng: np.random.Generator, n_rows: int, n_cols: int) -> np.ndarray:
    """Sparse support: large chapters reach many countries, small ones a few."""
    row_reach = np.linspace(0.9, 0.15, n_rows)
    col_reach = np.linspace(1.0, 0.3, n_cols)
    mask = rng.random((n_rows, n_cols)) < np.outer(row_reach, col_reach)
    mask[:, 0] = True
    mask[0, :] = True
    return mask


class _Generator:
    def __init__(self, targets: Targets) -> None:
        self.targets = targets
        self.rng = np.random.default_rng(SEED)
        codes = [c for c in chapters() if c not in ("77", "98", "99")]
        self.chapters = LEADING_CHAPTERS + [c for c in codes if c not in LEADING_CHAPTERS]
        self.chapter_base = 1 / np.arange(1, len(self.chapters) + 1) ** 1.1
        self.country_base = 1 / np.arange(1, len(COUNTRIES) + 1) ** 1.0
        self.products = {c: self._product_codes(c) for c in self.chapters}
        self.profiles: dict[int, tuple[list[str], list[str]]] = {}
        self.last_year: dict[int, tuple[dict[str, int], dict[str, int]]] = {}

    def _product_codes(self, chapter: str) -> list[str]:
        """Twelve-digit codes under a few headings of the chapter (01–49, where most real
        headings lie), so products of every technology level occur."""
        headings = self.rng.choice(np.arange(1, 50), size=int(self.rng.integers(3, 7)), replace=False)
        return [f"{chapter}{h:02d}{self.rng.integers(10, 100)}{self.rng.integers(0, 10**6):06d}"
                for h in sorted(headings)]

    def totals(self) -> dict[tuple[int, int], int]:
        """Cents per (plate, year): the seed's provinces exactly, the others drawn so
        that together they make the seed's ``Diğer`` and each stays below the 15th."""
        t = self.targets
        result = {(plate, year): m * CENTS_PER_MILLION
                  for plate, values in t.provinces.items() for year, m in zip(t.years, values)}
        others = [p for p in OTHER_PROVINCES if p not in t.provinces]
        size = self.rng.lognormal(0, 0.25, len(others)) / np.arange(1, len(others) + 1) ** 0.5
        for i, year in enumerate(t.years):
            growth = self.rng.normal(1, 0.08, len(others)).clip(0.7, 1.3)
            cap = int(min(v[i] for v in t.provinces.values()) * 0.9) * CENTS_PER_MILLION
            amounts = capped_allocate(t.other[i] * CENTS_PER_MILLION, size * growth, cap)
            result.update({(plate, year): int(a) for plate, a in zip(others, amounts)})
        extra_year, last_month = t.extend_to
        part_of_year = SEASON[:last_month].sum() / SEASON.sum()
        for plate in sorted({plate for plate, _ in result}):
            growth = float(self.rng.normal(1.03, 0.08))
            result[(plate, extra_year)] = int(result[(plate, t.years[-1])] * growth * part_of_year)
        return result

    def _profile(self, plate: int) -> tuple[list[str], list[str]]:
        """A province's chapters and markets, largest first: drawn once, kept every year."""
        if plate not in self.profiles:
            chapters = np.argsort(-(self.chapter_base * self.rng.lognormal(0, 1.2, len(self.chapters))))
            countries = np.argsort(-(self.country_base * self.rng.lognormal(0, 0.8, len(COUNTRIES))))
            self.profiles[plate] = ([self.chapters[i] for i in chapters], [COUNTRIES[i] for i in countries])
        return self.profiles[plate]

    def _weights(self, codes: list[str], before: Optional[dict[str, int]]) -> np.ndarray:
        """A year like the year before, give or take; the first year from the profile."""
        if not before:
            return _decay(len(codes))
        smallest = min(before.values())
        return np.array([before.get(c, smallest) for c in codes], dtype=float) * self.rng.lognormal(0, 0.12, len(codes))

    def province_year(self, plate: int, year: int, total: int, largest: int) -> pd.DataFrame:
        rng = self.rng
        scale = (total / largest) ** 0.35
        n_chapters = int(np.clip(round(8 + 45 * scale), 8, len(self.chapters)))
        n_countries = int(np.clip(round(10 + 60 * scale), 10, len(COUNTRIES)))
        chapter_order, country_order = self._profile(plate)
        leading = self.targets.leaders.get(plate, {})
        chapter_codes = _leading_first(list(leading.get("chapters", {})), chapter_order)[:n_chapters]
        country_codes = _leading_first(list(leading.get("countries", {})), country_order)[:n_countries]
        fixed = leading if year == self.targets.years[-1] else {}
        before = self.last_year.get(plate)
        by_chapter = _marginal(total, chapter_codes, self._weights(chapter_codes, before and before[0]),
                               {k: v * CENTS_PER_MILLION for k, v in fixed.get("chapters", {}).items()})
        by_country = _marginal(total, country_codes, self._weights(country_codes, before and before[1]),
                               {k: v * CENTS_PER_MILLION for k, v in fixed.get("countries", {}).items()})
        self.last_year[plate] = (by_chapter, by_country)
        rows_ = sorted(by_chapter, key=lambda c: -by_chapter[c])
        cols_ = sorted(by_country, key=lambda c: -by_country[c])
        cells = _fit(np.array([by_chapter[c] for c in rows_], dtype=np.int64),
                     np.array([by_country[c] for c in cols_], dtype=np.int64),
                     _mask(rng, len(rows_), len(cols_)))
        return self._spread(plate, year, rows_, cols_, cells)

    def _spread(self, plate: int, year: int, chapter_codes: list[str], country_codes: list[str],
                cells: np.ndarray) -> pd.DataFrame:
        """Each chapter × country cell over months and product codes."""
        rng = self.rng
        records: list[tuple] = []
        name = province_name(plate)
        calendar = _months_of(year, self.targets)
        for i, j in zip(*np.nonzero(cells)):
            value = int(cells[i, j])
            months = calendar if value > 2e9 else np.sort(
                rng.choice(calendar, size=int(rng.integers(1, len(calendar) + 1)), replace=False))
            weights = SEASON[months - 1] * rng.lognormal(0, 0.25, len(months))
            by_month = allocate(value, weights)
            products = self.products[chapter_codes[i]]
            for month, cents in zip(months, by_month):
                if cents:
                    code = products[int(rng.integers(len(products)))]
                    records.append((year, int(month), name, code, country_codes[j], int(cents)))
            if len(months) > 1 and rng.random() < 0.003:
                correction = int(by_month[1] // 10)
                records[-1] = records[-1][:5] + (records[-1][5] + correction,)
                records.append((year, int(months[0]), name, products[0], country_codes[j], -correction))
        return pd.DataFrame.from_records(
            records, columns=["year", "month", "province", "hs_code", "country", "cents"])


def _head_offices(activity: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Most firms are registered where they produce; many are registered in the large
    cities instead — the gap these statistics exist to show."""
    draw = rng.random(len(activity))
    head_office = activity.copy()
    for name, (low, high) in {"İstanbul": (0.0, 0.14), "Ankara": (0.14, 0.19), "İzmir": (0.19, 0.22)}.items():
        head_office[(draw >= low) & (draw < high)] = name
    return head_office


def generate(targets: Targets | None = None) -> pd.DataFrame:
    """The whole sample, one row per year × month × province × product × country."""
    generator = _Generator(targets or load_targets())
    totals = generator.totals()
    largest = max(totals.values())
    frames = [generator.province_year(plate, year, total, largest)
              for (plate, year), total in sorted(totals.items())]
    data = pd.concat(frames, ignore_index=True)
    data["value_usd"] = data.pop("cents") / 100
    data["hq_province"] = _head_offices(data["province"], generator.rng)
    data["year"] = data["year"].astype("int16")
    data["month"] = data["month"].astype("int8")
    return data.sort_values(["year", "month", "province", "hs_code", "country"], kind="stable",
                            ignore_index=True)


def write_sample(folder: Path, file_format: str = "parquet") -> tuple[Path, int]:
    """Write the sample as one file, atomically (a temporary name, then renamed)."""
    data = generate()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"ihracat-ornek.{file_format}"
    partial = path.with_name(f".{path.name}.partial")
    if file_format == "csv":
        data.to_csv(partial, index=False, encoding="utf-8", float_format="%.2f")
    else:
        data.to_parquet(partial, index=False, compression="zstd")
    partial.replace(path)
    return path, len(data)
