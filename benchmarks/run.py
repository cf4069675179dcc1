"""Benchmark: the monthly bulletin (``--period 2024-06``) built from synthetic export records
of several shapes, against the straightforward pandas way and the Polars way on the same
file, each in a fresh process, in one sitting.

    .venv/bin/pip install polars   # the Polars way; not a reportgen dependency (its XLSX reader, fastexcel, is)
    .venv/bin/python benchmarks/run.py                      # every shape, 10 M rows; 50 M; the samples
    .venv/bin/python benchmarks/run.py --shapes float-800k  # one shape
    .venv/bin/python benchmarks/run.py --rows 1000000       # smaller, to try the script
    .venv/bin/python benchmarks/run.py --write benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --engines duckdb        # without Spark (reportgen[spark])

Shapes differ where real data differ: values in cents or full-precision floats (as after
a currency conversion), 6 k, 20 k or 800 k distinct product codes, 80 or 230 countries,
typed columns (integers and floats) or text columns, Parquet or CSV; and one XLSX sheet
(``--xlsx-rows``; the format holds at most 1,048,576 rows). Records spread over
provinces and products at random, not as the sample data do, so nothing is tuned to them.

Every measurement is the whole process with its imports: wall seconds measured from
outside, peak memory as the largest resident set of the process and its children. Each
way's process imports only what that way needs: this script imports the standard library
at the top and everything else where it is used. The
pandas and Polars ways only read the file and group it twice (by chapter and by country);
reportgen's data stages also validate every value, classify technology, find repeated
records and sum exactly; on each file of ``--rows`` records, the scan's queries are also timed
alone (``scan.py``: the scan, the scan without the repeated-record search, and the floor, the
read and two group-bys in DuckDB), to show where the data stages' time goes. Generated files go
to ``benchmarks/data/`` (git-ignored).
reportgen's modules are byte-compiled before the runs, as pip compiles an installed
package's: where ``PYTHONDONTWRITEBYTECODE`` is set (as in some sandboxes), every run would
otherwise compile them again, in each of its processes, while the libraries the other ways
use are already compiled.

With ``--engines duckdb spark`` (the default) the same build also runs on Apache Spark in
local mode (``engine: spark``, ``local[2]``), taking turns with the others; its session's
start (the JVM) is timed apart from its data stages.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import resource
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

HERE = Path(__file__).parent
DATA = HERE / "data"
PERIOD = "2024-06"
SIX_MONTHS = "2024-01..2024-06"
CHUNK = 2_000_000
MONTHS = [(2023, m) for m in range(1, 13)] + [(2024, m) for m in range(1, 7)]


@dataclass(frozen=True)
class Shape:
    name: str
    values: str
    """``cents`` or ``float``"""
    codes: int
    countries: int
    typed: bool
    """integer year and month and float values; otherwise every column is text"""
    file_format: str


SHAPES = [
    Shape("cents-6k", "cents", 6_000, 230, True, "parquet"),
    Shape("cents-20k-text", "cents", 20_000, 80, False, "parquet"),
    Shape("float-800k", "float", 800_000, 230, True, "parquet"),
    Shape("float-20k-80", "float", 20_000, 80, True, "parquet"),
    Shape("cents-20k-csv", "cents", 20_000, 230, False, "csv"),
]
XLSX = Shape("cents-6k-xlsx", "cents", 6_000, 230, True, "xlsx")
"""a month's records as a spreadsheet: one sheet, at most 1,048,576 rows"""


SHAPES_HEAD = ["| shape | format | reportgen total | peak MB | data stages | pandas way | Polars way | "
               "data stages vs pandas | vs Polars |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]


def generate(shape: Shape, rows: int) -> Path:
    """Records spread at random: provinces weighted like real exports, products and
    countries uniform."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from reportgen.reference import country_codes, provinces

    path = DATA / f"{shape.name}-{rows}.{shape.file_format}"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(sum(map(ord, shape.name)))
    names = np.array([p.name for p in provinces()])
    weights = 1 / np.arange(1, 82) ** 1.2
    weights /= weights.sum()
    chapters = np.array([c for c in range(1, 98) if c != 77])
    digits = 6 if shape.codes > 100_000 else 12
    per_chapter = 10 ** (digits - 2)
    chosen = rng.choice(len(chapters) * per_chapter, shape.codes, replace=False)
    products = np.array([f"{chapters[i // per_chapter]:02d}{i % per_chapter:0{digits - 2}d}" for i in chosen])
    countries = np.array(sorted(country_codes()))[:shape.countries]
    partial = path.with_name(path.name + ".partial")
    writer = None
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        month = rng.integers(0, len(MONTHS), n)
        values = rng.lognormal(9, 2, n)
        if shape.values == "cents":
            values = np.round(values, 2)
        columns = {
            "year": np.array([y for y, _ in MONTHS], dtype=np.int16)[month],
            "month": np.array([m for _, m in MONTHS], dtype=np.int8)[month],
            "province": names[rng.choice(81, n, p=weights)],
            "hs_code": products[rng.integers(0, shape.codes, n)],
            "country": countries[rng.integers(0, shape.countries, n)],
            "value_usd": values,
        }
        table = pa.table(columns if shape.typed else {k: pa.array(v).cast(pa.string()) for k, v in columns.items()})
        if shape.file_format == "parquet":
            writer = writer or pq.ParquetWriter(partial, table.schema, compression="zstd")
            writer.write_table(table)
        elif shape.file_format == "xlsx":
            write_xlsx(table, partial)
        else:
            with open(partial, "ab") as handle:
                pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=start == 0, quoting_style="none"))
    if writer:
        writer.close()
    partial.rename(path)
    return path


def write_xlsx(table: pa.Table, path: Path) -> None:
    """One sheet, as a spreadsheet program saves it (numbers as numbers, codes as text);
    the file format holds at most 1,048,576 rows."""
    import xlsxwriter

    assert table.num_rows < 2**20, "an XLSX sheet holds at most 1,048,576 rows"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Veri")
    sheet.write_row(0, 0, table.column_names)
    for number, row in enumerate(zip(*(table[c].to_pylist() for c in table.column_names)), start=1):
        sheet.write_row(number, 0, row)
    workbook.close()


def read_frame(path: Path, library):
    """The file read as the library reads it by default, codes kept as text."""
    if path.suffix == ".parquet":
        return library.read_parquet(path)
    codes = {"dtype": {"hs_code": str}} if library.__name__ == "pandas" else {"schema_overrides": {"hs_code": library.String}}
    return (library.read_excel if path.suffix == ".xlsx" else library.read_csv)(path, **codes)


def way_pandas(path: Path) -> None:
    import pandas as pd

    frame = read_frame(path, pd)
    frame["chapter"] = frame["hs_code"].str[:2]
    frame["value_usd"] = frame["value_usd"].astype(float)
    assert len(frame.groupby(["year", "month", "province", "chapter"])["value_usd"].sum())
    assert len(frame.groupby(["year", "month", "province", "country"])["value_usd"].sum())


def way_polars(path: Path) -> None:
    import polars as pl

    frame = read_frame(path, pl)
    frame = frame.with_columns(pl.col("hs_code").str.slice(0, 2).alias("chapter"),
                               pl.col("value_usd").cast(pl.Float64))
    assert len(frame.group_by(["year", "month", "province", "chapter"]).agg(pl.col("value_usd").sum()))
    assert len(frame.group_by(["year", "month", "province", "country"]).agg(pl.col("value_usd").sum()))


def way_reportgen(path: Path, period: str, out: Path, profiles: bool = False, engine: str = "duckdb") -> dict:
    """The real build through its public entry, with the data stages' time (and, on Spark,
    the session's start, which comes first and is not in the data stages)."""
    from reportgen.build import build_all
    from reportgen.config import load_config

    config = load_config(None, {"data": [str(path)], "period": period, "profiles": profiles, "engine": engine})
    start = {}
    if engine == "spark":
        from reportgen.data.spark import shared_session

        started = time.perf_counter()
        shared_session(config.spark)
        start = {"start_seconds": time.perf_counter() - started}
    marks: dict[str, float] = {}

    def hook(stage: str, *progress) -> None:
        marks.setdefault(stage, time.perf_counter())

    build_all(config, out=out, progress=hook)
    return {"data_seconds": marks["compute"] - marks["load"], **start}


def measure(way: str, path: Path, *more: str) -> dict:
    """One way in a fresh process: wall seconds from outside, peak memory of the process
    and its children."""
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        result = subprocess.run([sys.executable, __file__, "--way", way, str(path), *more,
                                 "--out", str(Path(scratch) / "out")], capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"{way} on {path.name} failed:\n{result.stderr}")
    return {"seconds": seconds, **json.loads(result.stdout.strip().splitlines()[-1])}


def rounds(ways: list[tuple], runs: int) -> list[dict]:
    """Each way measured ``runs`` times, the ways taking turns so that a slow minute of the
    machine falls on all of them; per way, the run of median time (its peak memory with it)."""
    results: list[list[dict]] = [[] for _ in ways]
    for _ in range(runs):
        for measured, way in zip(results, ways):
            measured.append(measure(*way))
    return [sorted(measured, key=lambda r: r["seconds"])[len(measured) // 2] for measured in results]


def run_way(way: str, path: Path, period: str, out: Path, runs: int) -> None:
    """One way, its figures printed; reportgen's process then ends as the ``reportgen``
    command does (``exit_now``: no interpreter teardown), the others as scripts do. The
    ``scan`` way times the scan's queries alone (``scan.py``), each ``runs`` times."""
    extra = {}
    if way == "scan":
        from scan import medians

        extra = {"medians": medians(path, runs)}
    elif way == "pandas":
        way_pandas(path)
    elif way == "polars":
        way_polars(path)
    else:
        extra = way_reportgen(path, period, out, profiles=way == "reportgen-profiles",
                              engine="spark" if way == "reportgen-spark" else "duckdb")
    print(json.dumps({"peak_mb": max(own_peak_kb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                                     *live_children_peak_kb()) / 1024,
                      **extra}))
    if way.startswith("reportgen"):
        from reportgen.processes import exit_now

        exit_now(0)


def own_peak_kb() -> int:
    """This process's peak resident set since its exec. ``ru_maxrss`` would not do: Linux
    carries it across exec, so a process spawned by a large parent reports the parent's peak."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1))


def live_children_peak_kb() -> list[int]:
    """The peak resident set of each child still running: Spark's JVM, which lives until
    this process ends, so ``RUSAGE_CHILDREN`` (finished children only) never sees it."""
    peaks = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == os.getpid():
                peaks.append(int(re.search(r"^VmHWM:\s+(\d+) kB", (stat.parent / "status").read_text(),
                                           re.MULTILINE).group(1)))
        except (OSError, AttributeError, IndexError, ValueError):
            continue
    return peaks


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {memory:.0f} GiB; "
            f"load average {load:.2f} at the start ({'idle' if load < 0.5 else 'not idle'})")


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    names = ("duckdb", "pyspark", "pandas", "polars", "weasyprint", "reportgen")
    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


def sample(kind: str) -> Path:
    folder = DATA / "ornek"
    if not (folder / "ihracat-ornek.parquet").exists():
        subprocess.run([sys.executable, "-m", "reportgen", "sample-data", "--out", str(folder), "-q"], check=True)
    return folder / "ihracat-ornek.parquet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--shapes", nargs="+", choices=[s.name for s in SHAPES], default=[s.name for s in SHAPES])
    parser.add_argument("--large", type=int, default=50_000_000, help="rows of the large run (0: none)")
    parser.add_argument("--xlsx-rows", type=int, default=300_000, help="rows of the XLSX run (0: none)")
    parser.add_argument("--write", type=Path, help="also write the results to this Markdown file")
    parser.add_argument("--runs", type=int, default=3, help="runs of each way; the median is reported")
    parser.add_argument("--engines", nargs="+", choices=["duckdb", "spark"], default=["duckdb", "spark"],
                        help="engines to compare on the --rows shapes (DuckDB is always measured: the reference)")
    parser.add_argument("--way", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--period", default=PERIOD, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        run_way(args.way[0], Path(args.way[1]), args.period, args.out, args.runs)
        return
    import reportgen
    from reportgen.serve import POLL_SECONDS

    compileall.compile_dir(Path(reportgen.__file__).parent, quiet=1)
    lines = [f"Measured {dt.date.today().isoformat()} by `benchmarks/run.py`.", "",
             f"Machine: {machine()}.", "", f"Versions: {versions()}.", "",
             f"Each time is the median of {args.runs} runs, each in a fresh process, the ways taking turns "
             f"(the {args.large // 1_000_000} M run: one run). Peak MB is the largest resident set of that run "
             f"(VmHWM, the process and its children). reportgen's modules were byte-compiled first, as an "
             f"installed package's are.", "",
             f"### Monthly bulletin ({PERIOD}) from {args.rows:,} records".replace(",", "."), "",
             *SHAPES_HEAD]
    print("\n".join(lines), flush=True)
    shapes = [s for s in SHAPES if s.name in args.shapes]
    runs = [(shape, args.rows) for shape in shapes]
    if args.large:
        runs.append((SHAPES[0], args.large))
    spark = "spark" in args.engines
    engines, split = [], []
    for shape, rows in runs:
        path = generate(shape, rows)
        with_spark = spark and rows == args.rows
        ours, pandas, polars, *on_spark = rounds(
            [("reportgen", path), ("pandas", path), ("polars", path)] + [("reportgen-spark", path)] * with_spark,
            args.runs if rows == args.rows else 1)
        if on_spark:
            engines.append(engine_line(shape, ours, on_spark[0]))
        label = shape.name if rows == args.rows else f"{shape.name}, {rows // 1_000_000} M rows"
        lines.append(shape_line(label, shape, ours, pandas, polars))
        if rows == args.rows:
            split.append(split_line(shape, measure("scan", path, "--runs", str(args.runs)), ours, polars))
    if split:
        table = ["", "### Where the data stages' time goes", "",
                 f"`benchmarks/scan.py` on each file above, in a process of its own right after that file's ways, "
                 f"its three queries taking turns (median of {args.runs} each, every result taken apart as the build "
                 f"does): the floor is the pandas and Polars ways' work done by DuckDB (the read and two group-bys, "
                 f"values as DOUBLE, nothing checked); then reportgen's scan without the search for repeated records, "
                 f"and the whole scan, which validates, classifies and sums exactly. The data stages add opening the "
                 f"file, choosing the scan and validating the distinct values, in a build whose other processes "
                 f"import and start meanwhile.", "",
                 "| shape | floor | scan without the repeated-record search | scan | reportgen data stages | "
                 "Polars way |", "|---|---:|---:|---:|---:|---:|", *split]
        print("\n".join(table), flush=True)
        lines += table
    if args.xlsx_rows:
        records = f"{args.xlsx_rows:,}".replace(",", ".")
        table = ["", f"### The same bulletin from an XLSX sheet of {records} records", "", *SHAPES_HEAD]
        print("\n".join(table), flush=True)
        path = generate(XLSX, args.xlsx_rows)
        table.append(shape_line(XLSX.name, XLSX, *rounds([("reportgen", path), ("pandas", path), ("polars", path)],
                                                         args.runs)))
        lines += table
    if engines:
        records = f"{args.rows:,}".replace(",", ".")
        table = ["", f"### Engines: DuckDB and Spark local (`local[2]`), the same {records} records", "",
                 "| shape | DuckDB total | DuckDB data stages | Spark total | Spark start | "
                 "Spark data stages | peak MB (DuckDB, Spark) | Spark data stages vs DuckDB |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|", *engines]
        print("\n".join(table), flush=True)
        lines += table
    more = ["", "### The sample data (0.3 M records)", "", "| build | total | peak MB |", "|---|---:|---:|"]
    print("\n".join(more), flush=True)
    totals = {}
    for label, way, period in [("annual bulletin (2023)", "reportgen", "2023"),
                               ("monthly bulletin (2024-06)", "reportgen", PERIOD),
                               ("monthly bulletin and 81 profiles", "reportgen-profiles", PERIOD),
                               ("six monthly bulletins in one run (2024-01..2024-06)", "reportgen", SIX_MONTHS)]:
        result, = rounds([(way, sample("ornek"), "--period", period)], args.runs)
        totals[period, way] = result["seconds"]
        line = f"| {label} | {result['seconds']:.1f} s | {result['peak_mb']:.0f} |"
        print(line, flush=True)
        more.append(line)
    ratio = totals[SIX_MONTHS, "reportgen"] / totals[PERIOD, "reportgen"]
    more += ["", f"Six monthly bulletins from one reading of the data take ×{ratio:.1f} the time of one."]
    print(more[-1], flush=True)
    edits = preview_latencies(sample("ornek"))
    preview = ["", "### The live preview (`reportgen serve`, sample data, 2023)", "",
               f"A template edit shows in the page open in Chromium after {median(edits):.2f} s (median of "
               f"{len(edits)} edits; slowest {max(edits):.2f} s), from saving the file to the new text on the screen: "
               f"the watcher's poll (every {POLL_SECONDS} s), the re-render and the page's reload (its waiting request is "
               f"answered as the new page is ready)."]
    print("\n".join(preview), flush=True)
    if args.write:
        args.write.write_text("\n".join(lines + more + preview) + "\n", encoding="utf-8")


def shape_line(label: str, shape: Shape, ours: dict, pandas: dict, polars: dict) -> str:
    """A row of a shapes table, printed as it is measured."""
    line = (f"| {label} | {shape.file_format} | {ours['seconds']:.1f} s | {ours['peak_mb']:.0f} | "
            f"{ours['data_seconds']:.1f} s | {pandas['seconds']:.1f} s, {pandas['peak_mb']:.0f} MB | "
            f"{polars['seconds']:.1f} s, {polars['peak_mb']:.0f} MB | "
            f"×{pandas['seconds'] / ours['data_seconds']:.1f} | ×{polars['seconds'] / ours['data_seconds']:.1f} |")
    print(line, flush=True)
    return line


def split_line(shape: Shape, scan: dict, ours: dict, polars: dict) -> str:
    """A row of the table of where the data stages' time goes."""
    whole, unsearched, floor = scan["medians"]
    return (f"| {shape.name} | {floor:.1f} s | {unsearched:.1f} s | {whole:.1f} s | {ours['data_seconds']:.1f} s | "
            f"{polars['seconds']:.1f} s |")


def engine_line(shape: Shape, duckdb: dict, spark: dict) -> str:
    """A row of the engines table; Spark's peak is its JVM's (a child process)."""
    return (f"| {shape.name} | {duckdb['seconds']:.1f} s | {duckdb['data_seconds']:.1f} s | {spark['seconds']:.1f} s | "
            f"{spark['start_seconds']:.1f} s | {spark['data_seconds']:.1f} s | "
            f"{duckdb['peak_mb']:.0f}, {spark['peak_mb']:.0f} | "
            f"×{spark['data_seconds'] / duckdb['data_seconds']:.1f} |")


def preview_latencies(data: Path, edits: int = 10) -> list[float]:
    """Seconds from saving a template to the edit showing in a real browser's open page."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        subprocess.run([sys.executable, "-m", "reportgen", "templates", "export", str(root / "sablon")], check=True,
                       capture_output=True)
        (root / "config.yaml").write_text(f"period: 2023\ndata: [{data.resolve()}]\ntemplates_dir: sablon\n",
                                          encoding="utf-8")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "reportgen", "serve", "--port", str(port)], cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/"
            for _ in range(300):
                try:
                    urllib.request.urlopen(url, timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            template = root / "sablon" / "sections" / "closing.html"
            original = template.read_text(encoding="utf-8")
            seconds = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=["--no-sandbox", "--disable-gpu"])
                tab = browser.new_page()
                tab.goto(url)
                for edit in range(edits):
                    marker = f"Ölçüm işareti {edit}"
                    time.sleep(0.5)
                    started = time.perf_counter()
                    template.write_text(original.replace("{{ config.closing }}", marker), encoding="utf-8")
                    tab.wait_for_function("text => document.body.innerText.includes(text)", arg=marker, timeout=10_000)
                    seconds.append(time.perf_counter() - started)
                browser.close()
            return seconds
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
