"""Benchmark: build the monthly bulletin from N synthetic records and report, per stage,
the wall time and the process's peak memory; then the straightforward pandas way (read
the whole file, group in pandas) on the same file, as a ratio.

    .venv/bin/python benchmarks/run.py                 # 1, 10 and 50 million rows
    .venv/bin/python benchmarks/run.py --rows 1000000  # one size
    .venv/bin/python benchmarks/run.py --formats parquet

Each measurement runs in a fresh process, so peak memory (ru_maxrss) is its own.
Generated files go to benchmarks/data/ (git-ignored) and are reused when present.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

HERE = Path(__file__).parent
DATA = HERE / "data"
PERIOD = "2024-06"
CHUNK = 5_000_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(rows: int, file_format: str) -> Path:
    """Realistic shape: 18 months (2023-01..2024-06), 81 provinces weighted like real
    exports, ~6,000 twelve-digit product codes over 96 chapters, 200 countries."""
    from reportgen.reference import country_codes, provinces

    path = DATA / f"ihracat-{rows}.{file_format}"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    names = np.array([p.name for p in provinces()])
    weights = 1 / np.arange(1, 82) ** 1.2
    weights /= weights.sum()
    chapters = [f"{c:02d}" for c in range(1, 98) if c != 77]
    products = np.array([f"{rng.choice(chapters)}{rng.integers(0, 10**10):010d}" for _ in range(6000)])
    countries = np.array(sorted(country_codes()))[:200]
    months = [(2023, m) for m in range(1, 13)] + [(2024, m) for m in range(1, 7)]
    partial = path.with_suffix(".partial")
    writer = None
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        month_index = rng.integers(0, len(months), n)
        table = pa.table({
            "year": pa.array(np.array([y for y, _ in months], dtype=np.int16)[month_index]),
            "month": pa.array(np.array([m for _, m in months], dtype=np.int8)[month_index]),
            "province": pa.array(names[rng.choice(81, n, p=weights)]),
            "hs_code": pa.array(products[rng.integers(0, len(products), n)]),
            "country": pa.array(countries[rng.integers(0, len(countries), n)]),
            "value_usd": pa.array(np.round(rng.lognormal(9, 2, n), 2)),
        })
        if file_format == "parquet":
            writer = writer or pq.ParquetWriter(partial, table.schema, compression="zstd")
            writer.write_table(table)
        else:
            with open(partial, "ab") as handle:
                pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=start == 0))
    if writer:
        writer.close()
    partial.rename(path)
    return path


def measure_reportgen(path: Path) -> dict:
    """The real pipeline, stage by stage (stage starts come from its progress hook)."""
    from reportgen.build import prepare, render_files
    from reportgen.config import load_config

    marks: list[tuple[str, float, float]] = []
    config = load_config(None, {"data": [str(path)], "period": PERIOD})
    start = time.perf_counter()

    def hook(stage: str, *progress) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter(), peak_mb()))

    prepared = prepare(config, hook)
    render_files(config, prepared, hook)
    marks.append(("end", time.perf_counter(), peak_mb()))
    groups = {"load": "load+validate", "validate": "load+validate", "aggregate": "compute",
              "compute": "compute", "charts": "charts", "render": "html", "pdf": "pdf", "tables": "workbook"}
    stages: dict[str, dict] = {}
    for (stage, began, _), (_, ended, peak) in zip(marks, marks[1:]):
        entry = stages.setdefault(groups[stage], {"seconds": 0.0, "peak_mb": 0.0})
        entry["seconds"] += ended - began
        entry["peak_mb"] = max(entry["peak_mb"], peak)
    return {"stages": stages, "seconds": marks[-1][1] - start, "peak_mb": peak_mb()}


def measure_pandas(path: Path) -> dict:
    """The straightforward way: the whole file into pandas, then groupby."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype={"hs_code": str})
    frame["chapter"] = frame["hs_code"].str[:2]
    by_chapter = frame.groupby(["year", "month", "province", "chapter"])["value_usd"].sum()
    by_country = frame.groupby(["year", "month", "province", "country"])["value_usd"].sum()
    assert len(by_chapter) and len(by_country)
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb()}


def in_subprocess(kind: str, path: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--measure", kind, str(path)], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {memory:.0f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="record count (repeatable)")
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"], choices=["parquet", "csv"])
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, path = args.measure
        print(json.dumps((measure_reportgen if kind == "reportgen" else measure_pandas)(Path(path))))
        return
    print(f"Machine: {machine()}")
    print(f"Period: {PERIOD} (monthly bulletin: month, January–June, 13-month trend)\n")
    header = f"{'rows':>11} {'format':8} {'stage':14} {'seconds':>8} {'peak MB':>8}"
    for rows in args.rows or [1_000_000, 10_000_000, 50_000_000]:
        for file_format in args.formats:
            if file_format == "csv" and rows > 10_000_000:
                continue
            path = generate(rows, file_format)
            ours, baseline = in_subprocess("reportgen", path), in_subprocess("pandas", path)
            print(header)
            for stage, figures in ours["stages"].items():
                print(f"{rows:>11,} {file_format:8} {stage:14} {figures['seconds']:8.2f} {figures['peak_mb']:8.0f}")
            print(f"{rows:>11,} {file_format:8} {'TOTAL':14} {ours['seconds']:8.2f} {ours['peak_mb']:8.0f}")
            data = {k: v for k, v in ours["stages"].items() if k in ("load+validate", "compute")}
            data_seconds, data_peak = sum(v["seconds"] for v in data.values()), max(v["peak_mb"] for v in data.values())
            print(f"{rows:>11,} {file_format:8} {'pandas way*':14} {baseline['seconds']:8.2f} "
                  f"{baseline['peak_mb']:8.0f}")
            print(f"{'':>11} {'':8} {'ratio**':14} {baseline['seconds'] / data_seconds:7.1f}x "
                  f"{baseline['peak_mb'] / data_peak:7.1f}x  (pandas way / reportgen's data stages)\n")
    print("* pandas way: read the whole file, group by chapter and by country; no validation, "
          "no charts, no PDF.")
    print("** against reportgen's load+validate and compute stages, which do the same work and more "
          "(validation, technology, head offices); charts, HTML, PDF and workbook are the same either way.")


if __name__ == "__main__":
    main()
