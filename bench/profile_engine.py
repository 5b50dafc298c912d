"""Benchmark of the Spark profiling engine against Spark's floor, one job per column, DuckDB and ydata-profiling.

Run from the repository root with the benchmark's own virtualenv (see bench/README.md):

    bench/.venv/bin/python bench/profile_engine.py [--rows-scale 0.1] [--skip-ydata] [--output-json out.json]

Everything runs in this one process. Spark starts, the tables are generated (or reused) and a warm-up runs before
any timing, so the Spark figures are net of start-up; the engine, the Spark floor and the per-column baseline share
that session. The driver's peak heap is measured around the engine's run on the wide table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make `notebooks` and `bench` importable
    sys.path.insert(0, str(REPO_ROOT))

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from bench.datasets import TableSpec, benchmark_tables, ensure_table  # noqa: E402
from bench.driver_memory import heap_max_bytes, heap_peak_bytes, mib, reset_heap_peaks  # noqa: E402
from bench.per_column import profile_column_by_column  # noqa: E402
from bench.report import (  # noqa: E402
    DUCKDB, ENGINE, FLOOR, PER_COLUMN, YDATA, Measurement, as_json, results_table, verdicts,
)
from bench.spark_floor import summarize  # noqa: E402
from bench.spark_jobs import JobWindow, assign_jobs, epoch_ms, read_jobs, start_spark  # noqa: E402
from notebooks.dq_profiler import profile_dataframe  # noqa: E402

YDATA_SAMPLE_ROWS = 1_000_000
WARM_UP_ROWS = 10_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-scale", type=float, default=1.0,
                        help="multiply every row count (5M, 2M, the 1M ydata sample) by this, e.g. 0.1 for a quick run")
    parser.add_argument("--skip-ydata", action="store_true", help="leave out ydata-profiling (the slowest contender)")
    parser.add_argument("--output-json", type=Path, help="also write the figures, versions and Spark job timings here")
    parser.add_argument("--repeat", type=int, default=1, help="time each contender this many times and keep the fastest")
    parser.add_argument("--spark-memory", default="4g", help="Spark driver memory (local mode: the whole of Spark)")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "bench" / "data",
                        help="where the generated parquet tables are kept between runs")
    args = parser.parse_args(argv)
    if args.rows_scale <= 0 or args.repeat < 1:
        parser.error("--rows-scale must be positive and --repeat at least 1")
    return args


def timed(label: str, run: Callable[[], int], *, expected_columns: int, repeat: int) -> tuple[float, JobWindow]:
    """The fastest of `repeat` runs, and its wall-clock window; every run must profile every column."""
    best: tuple[float, JobWindow] | None = None
    for _ in range(repeat):
        started_ms, started = epoch_ms(), time.perf_counter()
        profiled = run()
        seconds, ended_ms = time.perf_counter() - started, epoch_ms()
        if profiled != expected_columns:
            raise RuntimeError(f"{label} profiled {profiled} columns, expected {expected_columns}")
        if best is None or seconds < best[0]:
            best = (seconds, JobWindow(label, started_ms, ended_ms))
    print(f"  {label}: {best[0]:.2f} s", flush=True)
    return best


def run_engine(spark: SparkSession, path: Path, spec: TableSpec) -> int:
    table = profile_dataframe(spark.read.parquet(str(path)), schema_name="bench", table_name=spec.table_name)
    return len(table["columns"])


def run_floor(spark: SparkSession, path: Path) -> int:
    return len(summarize(spark.read.parquet(str(path))))


def run_per_column(spark: SparkSession, path: Path, spec: TableSpec) -> int:
    return len(profile_column_by_column(spark.read.parquet(str(path)), spec.table_name))


def run_duckdb(path: Path) -> int:
    import duckdb

    glob = str(path / "*.parquet").replace("'", "''")
    with duckdb.connect() as connection:  # in memory, one thread per core by default
        return len(connection.sql(f"SUMMARIZE SELECT * FROM read_parquet('{glob}')").fetchall())


def load_sample(path: Path, rows: int):
    """The table's first `rows` rows by id, as pandas (not timed)."""
    import pyarrow.dataset as ds

    return ds.dataset(str(path), format="parquet").to_table(filter=ds.field("order_id") < rows).to_pandas()


def run_ydata(frame) -> int:
    from ydata_profiling import ProfileReport

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = ProfileReport(frame, minimal=True, progress_bar=False)
        document = json.loads(report.to_json())
    return len(document["variables"])


def warm_up(spark: SparkSession, paths: dict[str, Path], specs: tuple[TableSpec, ...]) -> None:
    """Read every column once, then profile and summarize a small slice, so JIT, codegen and the parquet readers
    are warm. The per-column baseline's expressions are much the engine's; it runs last on each table anyway.
    """
    for spec in specs:
        df = spark.read.parquet(str(paths[spec.name]))
        df.select(*[F.count(F.col(f"`{name}`")) for name in df.columns]).collect()
        profile_dataframe(df.limit(WARM_UP_ROWS), schema_name="bench", table_name=f"{spec.name}_warm_up")
        summarize(df.limit(WARM_UP_ROWS))


def versions(spark: SparkSession) -> dict[str, str]:
    import duckdb
    import pandas
    import pyarrow

    found = {"python": platform.python_version(), "spark": spark.version, "duckdb": duckdb.__version__,
             "pandas": pandas.__version__, "pyarrow": pyarrow.__version__}
    try:
        with warnings.catch_warnings():  # the package warns on import that it is being renamed
            warnings.simplefilter("ignore")
            import ydata_profiling

        found["ydata_profiling"] = ydata_profiling.__version__
    except ImportError:
        found["ydata_profiling"] = "not installed"
    return found


def run_spark_contenders(spark: SparkSession, paths: dict[str, Path], specs: tuple[TableSpec, ...], repeat: int,
                         *, heap_table: str):
    """Engine, floor, per-column on each table in turn; and the driver's peak heap during the engine on `heap_table`
    (over all its repeats)."""
    measurements, windows, heap_peak = [], [], None
    for spec in specs:
        path = paths[spec.name]
        contenders = (
            (ENGINE, lambda: run_engine(spark, path, spec)),
            (FLOOR, lambda: run_floor(spark, path)),
            (PER_COLUMN, lambda: run_per_column(spark, path, spec)),
        )
        for contender, run in contenders:
            watch_heap = contender == ENGINE and spec.name == heap_table
            if watch_heap:
                reset_heap_peaks(spark)
            seconds, window = timed(f"{contender} on {spec.name}", run, expected_columns=spec.column_count,
                                    repeat=repeat)
            if watch_heap:
                heap_peak = heap_peak_bytes(spark)
            measurements.append(Measurement(contender, spec.name, spec.rows, spec.column_count, seconds))
            windows.append(window)
    return measurements, windows, heap_peak


def print_job_breakdown(windows: list[JobWindow]) -> list[dict]:
    summaries = [window.summary() for window in windows]
    print("\nSpark jobs per timed run (job seconds can exceed wall seconds when jobs overlap):")
    for summary in summaries:
        print(f"  {summary['label']}: {summary['job_count']} jobs, {summary['job_seconds']:.2f} s in jobs, "
              f"{summary['wall_seconds']:.2f} s wall")
        for site in summary["slowest_call_sites"]:
            print(f"      {site['seconds']:8.2f} s  {site['jobs']:3d} job(s)  {site['call_site']}")
    return summaries


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    narrow, wide = specs = benchmark_tables(args.rows_scale)
    sample_rows = min(narrow.rows, max(1, int(YDATA_SAMPLE_ROWS * args.rows_scale)))
    load_before = os.getloadavg()

    spark = start_spark(args.data_dir / "eventlog", args.spark_memory)
    print(f"Tables: {narrow.rows:,} x {narrow.column_count} and {wide.rows:,} x {wide.column_count} "
          f"(rows scale {args.rows_scale:g}) in {args.data_dir}", flush=True)
    paths = {spec.name: ensure_table(spark, spec, args.data_dir) for spec in specs}
    found_versions = versions(spark)
    warm_up(spark, paths, specs)

    print("Timing:", flush=True)
    measurements, windows, heap_peak = run_spark_contenders(spark, paths, specs, args.repeat, heap_table=wide.name)
    heap = {"table": wide.name, "peak_bytes": heap_peak, "max_bytes": heap_max_bytes(spark),
            "note": "sum of the heap pools' peaks during the engine's run: an upper bound of the heap's peak"}
    event_log = args.data_dir / "eventlog" / spark.sparkContext.applicationId
    spark.stop()  # frees the cores and memory for DuckDB and pandas
    assign_jobs(windows, read_jobs(event_log))
    event_log.unlink()

    for spec in specs:
        seconds, _ = timed(f"{DUCKDB} on {spec.name}", lambda: run_duckdb(paths[spec.name]),
                           expected_columns=spec.column_count, repeat=args.repeat)
        measurements.append(Measurement(DUCKDB, spec.name, spec.rows, spec.column_count, seconds))
    if not args.skip_ydata:
        frame = load_sample(paths[narrow.name], sample_rows)
        seconds, _ = timed(f"{YDATA} on {narrow.name} sample", lambda: run_ydata(frame),
                           expected_columns=narrow.column_count, repeat=args.repeat)
        measurements.append(Measurement(YDATA, narrow.name, sample_rows, narrow.column_count, seconds,
                                        f"pandas, first {sample_rows:,} rows only"))

    machine = {"cpu_count": os.cpu_count(), "platform": platform.platform(),
               "load_average_before": load_before, "load_average_after": os.getloadavg()}
    print(f"\nDate {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC}; cores {machine['cpu_count']}; "
          f"load average before/after {load_before[0]:.2f}/{machine['load_average_after'][0]:.2f}")
    print("Versions: " + ", ".join(f"{name} {version}" for name, version in found_versions.items()))
    print(f"Spark: local[*], driver memory {args.spark_memory}; DuckDB: default threads; best of {args.repeat} run(s)\n")
    print(results_table(measurements))
    found_verdicts = verdicts(measurements, wide=wide.name, narrow=narrow.name)
    print("\nTargets" + ("" if args.rows_scale == 1 else f" (defined at full scale; this run is at {args.rows_scale:g})") + ":")
    for verdict in found_verdicts:
        print("  " + verdict.line())
    print(f"\nDriver heap during the engine on {wide.name}: peak {mib(heap['peak_bytes'])} of {mib(heap['max_bytes'])} "
          "(sum of per-pool peaks, an upper bound)")
    job_summaries = print_job_breakdown(windows)

    if args.output_json:
        document = {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "rows_scale": args.rows_scale, "repeat": args.repeat, "spark_memory": args.spark_memory,
            "machine": machine, "versions": found_versions, "results": as_json(measurements),
            "targets": [vars(verdict) for verdict in found_verdicts], "driver_heap": heap, "spark_jobs": job_summaries,
        }
        args.output_json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
