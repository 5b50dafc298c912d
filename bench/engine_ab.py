"""A/B timing of the profiling engine against an earlier commit's engine, alternately, in one Spark session.

Run from the repository root (see bench/README.md):

    bench/.venv/bin/python bench/engine_ab.py [--baseline b36bbcc] [--rows-scale 0.1] [--rounds 3]

The baseline engine is extracted at run time with `git archive` into a temporary directory and imported under
another package name (its imports are relative), so nothing of it is committed. Each round times the baseline then
the current engine on each table; on a shared machine the load swings from one minute to the next, so the rounds
alternate and the fastest of each is kept. The ratio is current / baseline (1.15 is 15% slower).
"""

from __future__ import annotations

import argparse
import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make `notebooks` and `bench` importable
    sys.path.insert(0, str(REPO_ROOT))

from bench.datasets import benchmark_tables, ensure_table  # noqa: E402
from bench.spark_jobs import start_spark  # noqa: E402
from notebooks.dq_profiler import profile_dataframe  # noqa: E402

ENGINE_PATH = "notebooks/dq_profiler"
BASELINE_PACKAGE = "dq_profiler_baseline"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="b36bbcc", help="the commit whose engine is the baseline")
    parser.add_argument("--rows-scale", type=float, default=0.1, help="multiply the tables' row counts by this")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the fastest of each is kept")
    parser.add_argument("--spark-memory", default="4g", help="Spark driver memory (local mode: the whole of Spark)")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "bench" / "data",
                        help="where the generated parquet tables are kept between runs")
    args = parser.parse_args(argv)
    if args.rows_scale <= 0 or args.rounds < 1:
        parser.error("--rows-scale must be positive and --rounds at least 1")
    return args


def import_baseline(commit: str, into: Path) -> Callable:
    """The `profile_dataframe` of the engine at `commit`, imported as its own package."""
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", "--format=tar", commit, ENGINE_PATH],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / ENGINE_PATH).rename(into / BASELINE_PACKAGE)
    sys.path.insert(0, str(into))
    return importlib.import_module(BASELINE_PACKAGE).profile_dataframe


def seconds_of(profile: Callable, spark, path: Path, table_name: str, expected_columns: int) -> float:
    started = time.perf_counter()
    table = profile(spark.read.parquet(str(path)), schema_name="bench", table_name=table_name)
    seconds = time.perf_counter() - started
    if len(table["columns"]) != expected_columns:
        raise RuntimeError(f"profiled {len(table['columns'])} columns of {table_name}, expected {expected_columns}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    specs = benchmark_tables(args.rows_scale)
    spark = start_spark(args.data_dir / "eventlog", args.spark_memory, app_name="dq-profiler-engine-ab")
    paths = {spec.name: ensure_table(spark, spec, args.data_dir) for spec in specs}
    with tempfile.TemporaryDirectory() as scratch:
        engines = {"baseline": import_baseline(args.baseline, Path(scratch)), "current": profile_dataframe}
        for spec in specs:  # warm-up: JIT, codegen, parquet readers, both engines' code paths
            for profile in engines.values():
                df = spark.read.parquet(str(paths[spec.name])).limit(10_000)
                profile(df, schema_name="bench", table_name=spec.table_name)
        best = {(name, spec.name): float("inf") for name in engines for spec in specs}
        for round_number in range(1, args.rounds + 1):
            for spec in specs:
                for name, profile in engines.items():
                    seconds = seconds_of(profile, spark, paths[spec.name], spec.table_name, spec.column_count)
                    best[name, spec.name] = min(best[name, spec.name], seconds)
                    print(f"  round {round_number} {spec.name} {name}: {seconds:.2f} s", flush=True)
    spark.stop()
    print(f"\nSpark {spark.version}; rows scale {args.rows_scale:g}; baseline {args.baseline}; "
          f"fastest of {args.rounds} alternating round(s)")
    for spec in specs:
        before, after = best["baseline", spec.name], best["current", spec.name]
        print(f"  {spec.name} ({spec.rows:,} x {spec.column_count}): baseline {before:.2f} s, current {after:.2f} s, "
              f"ratio {after / before:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
