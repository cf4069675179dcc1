"""Where the scan's time goes: the data stage's one query (``aggregate.scan_query``) on a
file, timed in one process, next to the same scan without the repeated-record search and
next to the floor, the read and two group-bys the pandas and Polars ways do (their values
as DOUBLE); then DuckDB's own profile of one scan, operator by operator.

    .venv/bin/python benchmarks/scan.py benchmarks/data/float-800k-10000000.parquet
    .venv/bin/python benchmarks/scan.py benchmarks/data/cents-20k-csv-10000000.csv --runs 3

The queries take turns, ``--runs`` times, and each median is printed with every run's time;
each time includes taking the result apart as the build does (``Grouped.of``: the scan's
repeated hashes are found there, in its lists of record hashes).
The profile's times are DuckDB's per operator, in CPU seconds summed over its threads.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from sqlglot import exp

from reportgen.config import load_config
from reportgen.data.aggregate import Grouped, by_code, scan_query
from reportgen.data.engine import DuckDBEngine, compile_sql
from reportgen.data.inputs import open_inputs
from reportgen.data.queries import records_of
from reportgen.data.sources import Source

def floor_query(sources: list[Source]) -> exp.Query:
    """Read each file and group its records by chapter and by country, summing the value
    as DOUBLE: what the pandas and Polars ways do, with no check, class or exact sum."""
    parts = []
    for source in sources:
        column = {name: exp.column(c.name, quoted=True) for name, c in source.columns.items() if c.name}
        chapter = exp.Substring(this=column["hs_code"], start=exp.Literal.number(1), length=exp.Literal.number(2))
        parts.append(exp.select(column["year"].as_("year"), column["month"].as_("month"),
                                column["province"].as_("province"), chapter.as_("chapter"),
                                column["country"].as_("country"),
                                exp.TryCast(this=column["value_usd"], to=exp.DataType.build("DOUBLE")).as_("value"))
                     .from_(source.relation))
    sets = [("year", "month", "province", "chapter"), ("year", "month", "province", "country")]
    return exp.select("year", "month", "province", "chapter", "country", exp.Sum(this=exp.column("value"))) \
        .from_(records_of(parts)) \
        .group_by(exp.GroupingSets(expressions=[exp.Tuple(expressions=[exp.column(c) for c in s]) for s in sets]))


def compared(engine: DuckDBEngine, sources: list[Source]) -> dict[str, exp.Query]:
    """The scan, the scan without the repeated-record search, and the floor."""
    return {"scan": scan_query(engine, sources),
            "scan without the repeated-record search": scan_query(engine, sources, record_hash=False),
            "floor: read and two group-bys in DOUBLE": floor_query(sources)}


def medians(path: Path, runs: int) -> list[float]:
    """The median seconds of each query ``compared`` gives, on one file, in this process.
    pandas is imported first, as a build imports it while it scans: taking the first result
    apart would import it (Arrow does, to look for pandas objects)."""
    import pandas  # noqa: F401

    config = load_config(None, {"data": [str(path)], "period": "2024-06", "profiles": False})
    with open_inputs(config) as (engine, sources, _):
        return [median(seconds) for seconds in timed(engine, compared(engine, sources), runs).values()]


def timed(engine: DuckDBEngine, queries: dict[str, exp.Query], runs: int) -> dict[str, list[float]]:
    sql = {label: compile_sql(query, engine.dialect) for label, query in queries.items()}
    times: dict[str, list[float]] = {label: [] for label in sql}
    for _ in range(runs):
        for label, text in sql.items():
            started = time.perf_counter()
            Grouped.of(engine.con.sql(text).to_arrow_table())
            times[label].append(time.perf_counter() - started)
    return times


def profile(engine: DuckDBEngine, query: exp.Query) -> dict:
    """DuckDB's JSON profile of one run of the query."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "profile.json"
        engine.con.execute("PRAGMA enable_profiling = 'json'")
        engine.con.execute("SET profiling_output = $output", {"output": str(output)})
        try:
            engine.con.sql(compile_sql(query, engine.dialect)).to_arrow_table()
        finally:
            engine.con.execute("PRAGMA disable_profiling")
        return json.loads(output.read_text())


def operator_lines(node: dict, depth: int = 0) -> list[str]:
    """The operator tree, one line each, with its CPU seconds, rows and what it computes."""
    info = node.get("extra_info") or {}
    detail = info.get("Projections") or info.get("Groups") or info.get("Conditions") or info.get("Function") or ""
    if isinstance(detail, list):
        detail = ", ".join(map(str, detail))
    seconds = node.get("operator_timing", node.get("timing", 0.0))
    rows = f"{node.get('operator_cardinality', node.get('intermediate_rows', 0)):,}".replace(",", ".")
    lines = [f"{'  ' * depth}{node.get('operator_name', node.get('name'))}  {seconds:.2f} s, {rows} rows  "
             f"{str(detail)[:90]}"]
    for child in node.get("children", []):
        lines.extend(operator_lines(child, depth + 1))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = load_config(None, {"data": [str(p) for p in args.data], "period": "2024-06", "profiles": False})
    with open_inputs(config) as (engine, sources, _):
        if not isinstance(engine, DuckDBEngine):
            sys.exit("scan.py profiles DuckDB's scan of files")
        each = "each distinct code once" if by_code(engine, sources) else "every record"
        print(f"{', '.join(p.name for p in args.data)}: the scan classifies {each}")
        queries = compared(engine, sources)
        for label, seconds in timed(engine, queries, args.runs).items():
            print(f"{label}: {median(seconds):.2f} s (median of {args.runs}: "
                  f"{', '.join(f'{s:.2f}' for s in seconds)})")
        found = profile(engine, queries["scan"])
    query = found.get("query", found)
    print(f"profile of one scan: {query.get('total_time', query.get('latency', 0.0)):.2f} s, "
          f"{query.get('cpu_time', 0.0):.2f} CPU s")
    for node in found.get("operator", found.get("children", [])):
        print("\n".join(operator_lines(node)))


if __name__ == "__main__":
    main()
