"""Issue 10's memory target: a 200-column table profiled in at most 3 scans with 2 GB of driver memory.

Run from the repository root, in a process of its own (the driver's memory is fixed when its JVM starts):

    bench/.venv/bin/python bench/wide_table.py [--rows 500000] [--columns 200] [--driver-memory 2g]

It generates (or reuses) the table, warms up on a 10,000-row slice, then runs `profile_dataframe` with default
options once and prints its wall time, the driver's peak heap during it, and how many times it scanned the table:
the stages that read the parquet files and ran, from Spark's event log (stages skipped because a shuffle was
reused do not count). Exits 1 if the engine fails, out of memory or otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make `notebooks` and `bench` importable
    sys.path.insert(0, str(REPO_ROOT))

from bench.datasets import ensure_table, wide_table  # noqa: E402
from bench.driver_memory import heap_max_bytes, heap_peak_bytes, mib, reset_heap_peaks  # noqa: E402
from bench.report import scans_verdict  # noqa: E402
from bench.spark_jobs import JobWindow, count_scans, epoch_ms, start_spark  # noqa: E402
from notebooks.dq_profiler import profile_dataframe  # noqa: E402

WARM_UP_ROWS = 10_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000, help="rows of the generated table")
    parser.add_argument("--columns", type=int, default=200, help="columns of the generated table, `id` included")
    parser.add_argument("--driver-memory", default="2g", help="spark.driver.memory (local mode: the whole of Spark)")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "bench" / "data",
                        help="where the generated parquet table is kept between runs")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.columns < 2:
        parser.error("--rows must be positive and --columns at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spec = wide_table(args.rows, args.columns)
    event_log_dir = args.data_dir / "eventlog"
    spark = start_spark(event_log_dir, args.driver_memory, app_name="dq-profiler-wide-table")
    path = ensure_table(spark, spec, args.data_dir)
    print(f"Table: {spec.rows:,} rows x {spec.column_count} columns; driver memory {args.driver_memory} "
          f"(heap max {mib(heap_max_bytes(spark))})", flush=True)

    df = spark.read.parquet(str(path))
    profile_dataframe(df.limit(WARM_UP_ROWS), schema_name="bench", table_name="wide_warm_up")
    reset_heap_peaks(spark)
    started_ms, started = epoch_ms(), time.perf_counter()
    failure = None
    try:
        profiled = len(profile_dataframe(df, schema_name="bench", table_name=spec.name)["columns"])
        if profiled != spec.column_count:
            failure = f"profiled {profiled} columns, expected {spec.column_count}"
    except Exception:  # noqa: BLE001 - any failure (an OOM surfaces as a Py4J error) is the verdict
        failure = traceback.format_exc()
    seconds, window = time.perf_counter() - started, JobWindow("engine", started_ms, epoch_ms())

    try:
        heap_peak = heap_peak_bytes(spark)
        application_id = spark.sparkContext.applicationId
        spark.stop()
    except Exception:  # noqa: BLE001 - a JVM that died of the failure cannot report
        heap_peak, application_id = None, None
    scans = None
    if application_id and not failure:
        event_log = event_log_dir / application_id
        scans = count_scans(event_log, window)
        event_log.unlink()

    if failure:
        print(f"engine FAILED after {seconds:.2f} s:\n{failure}", file=sys.stderr)
    print(f"engine: {seconds:.2f} s" + (" (failed)" if failure else ""))
    print(f"scans of the table: {scans if scans is not None else '-'}")
    heap = mib(heap_peak) if heap_peak is not None else "-"
    print(f"driver heap peak: {heap} (sum of per-pool peaks, an upper bound)")
    print(scans_verdict(None if failure else scans, args.driver_memory))
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
