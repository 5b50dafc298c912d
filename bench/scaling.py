"""How the engine's and the Spark floor's times grow with rows and with columns, on the wide table.

Run from the repository root with the benchmark's own virtualenv (see bench/README.md):

    bench/.venv/bin/python bench/scaling.py [--rows-scale 0.1] [--repeat 3] [--plot bench/scaling.png]

In one SparkSession, after a warm-up: the engine, then the floor, on the wide table at 25%, 50% and 100% of its
rows (all 60 columns; each size is a table of its own), and at 15, 30 and 60 columns (all rows; the first N
columns selected, so parquet reads only those). Prints the seconds and each step's ratio to the previous one, a
verdict on whether the engine's time grows no faster than linearly in each, and plots both series.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make `notebooks` and `bench` importable
    sys.path.insert(0, str(REPO_ROOT))

from pyspark.sql import DataFrame, SparkSession  # noqa: E402

from bench.datasets import WIDE_COLUMNS, WIDE_ROWS, ensure_table, wide_table  # noqa: E402
from bench.profile_engine import WARM_UP_ROWS, timed, warm_up  # noqa: E402
from bench.report import ENGINE, FLOOR, growth_steps, growth_verdict, text_table  # noqa: E402
from bench.spark_floor import summarize  # noqa: E402
from bench.spark_jobs import start_spark  # noqa: E402
from notebooks.dq_profiler import profile_dataframe  # noqa: E402

ROW_SHARES = (0.25, 0.5, 1.0)
COLUMN_COUNTS = (15, 30, WIDE_COLUMNS)


@dataclass(frozen=True)
class Point:
    axis: str  # "rows" or "columns": which one varies
    rows: int
    columns: int
    engine_seconds: float
    floor_seconds: float

    @property
    def size(self) -> int:
        return self.rows if self.axis == "rows" else self.columns


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-scale", type=float, default=1.0,
                        help="multiply the wide table's 2M rows by this, e.g. 0.05 for a quick run")
    parser.add_argument("--repeat", type=int, default=1, help="time each run this many times and keep the fastest")
    parser.add_argument("--spark-memory", default="4g", help="Spark driver memory (local mode: the whole of Spark)")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "bench" / "data",
                        help="where the generated parquet tables are kept between runs")
    parser.add_argument("--plot", type=Path, default=REPO_ROOT / "bench" / "scaling.png", help="the PNG to write")
    parser.add_argument("--output-json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.rows_scale <= 0 or args.repeat < 1:
        parser.error("--rows-scale must be positive and --repeat at least 1")
    return args


def _engine(df: DataFrame) -> int:
    return len(profile_dataframe(df, schema_name="bench", table_name="wide")["columns"])


def _floor(df: DataFrame) -> int:
    return len(summarize(df))


def measure(spark: SparkSession, path: Path, axis: str, rows: int, columns: int, repeat: int) -> Point:
    table = spark.read.parquet(str(path))
    df = table.select(*table.columns[:columns])
    label = f"{rows:,} x {columns}"
    engine, _ = timed(f"{ENGINE} on {label}", lambda: _engine(df), expected_columns=columns, repeat=repeat)
    floor, _ = timed(f"{FLOOR} on {label}", lambda: _floor(df), expected_columns=columns, repeat=repeat)
    return Point(axis, rows, columns, engine, floor)


def print_table(points: list[Point]) -> None:
    rows = [("varies", "rows", "cols", "size x", "engine s", "engine x", "floor s", "floor x", "engine/floor")]
    for axis in ("rows", "columns"):
        series = sorted((p for p in points if p.axis == axis), key=lambda p: p.size)
        for previous, point in zip([None, *series], series):
            steps = (point.size / previous.size, point.engine_seconds / previous.engine_seconds,
                     point.floor_seconds / previous.floor_seconds) if previous else None
            rows.append((axis, f"{point.rows:,}", str(point.columns), f"{steps[0]:.2f}" if steps else "-",
                         f"{point.engine_seconds:.2f}", f"{steps[1]:.2f}" if steps else "-",
                         f"{point.floor_seconds:.2f}", f"{steps[2]:.2f}" if steps else "-",
                         f"{point.engine_seconds / point.floor_seconds:.2f}"))
    print(text_table(rows, numeric={1, 2, 3, 4, 5, 6, 7, 8}))
    print("(x: the ratio to the previous size; time ratio <= size ratio means at most linear growth)")


def verdict_lines(points: list[Point]) -> list[str]:
    lines = []
    for axis in ("rows", "columns"):
        series = [p for p in points if p.axis == axis]
        engine = growth_verdict(axis, growth_steps([(p.size, p.engine_seconds) for p in series]))
        floor = growth_verdict(axis, growth_steps([(p.size, p.floor_seconds) for p in series]))
        lines.append(f"{engine.line()}  [floor for reference: {floor.value:.2f}]")
    return lines


def plot(points: list[Point], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, panels = plt.subplots(1, 2, figsize=(10, 4))
    for panel, axis, label in ((panels[0], "rows", "rows (60 columns)"), (panels[1], "columns", "columns (all rows)")):
        series = sorted((p for p in points if p.axis == axis), key=lambda p: p.size)
        sizes = [p.size for p in series]
        engine = [p.engine_seconds for p in series]
        panel.plot(sizes, engine, "o-", label="engine")
        panel.plot(sizes, [p.floor_seconds for p in series], "s-", label="Spark floor")
        panel.plot(sizes, [engine[0] * size / sizes[0] for size in sizes], ":", color="grey",
                   label="engine, linear from the smallest")
        panel.set_xlabel(label)
        panel.set_ylabel("seconds")
        panel.set_ylim(bottom=0)
        panel.set_xlim(left=0)
        panel.grid(alpha=0.3)
        panel.legend()
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    full = wide_table(int(WIDE_ROWS * args.rows_scale))
    by_rows = [wide_table(int(full.rows * share)) for share in ROW_SHARES]
    event_log_dir = args.data_dir / "eventlog"
    spark = start_spark(event_log_dir, args.spark_memory, app_name="dq-profiler-scaling")
    print(f"Wide table: {', '.join(f'{spec.rows:,}' for spec in by_rows)} rows x {WIDE_COLUMNS} columns "
          f"(rows scale {args.rows_scale:g}) in {args.data_dir}", flush=True)
    paths = {spec.rows: ensure_table(spark, spec, args.data_dir) for spec in by_rows}
    warm_up(spark, {full.name: paths[full.rows]}, (full,))

    print(f"Timing (warm-up on {WARM_UP_ROWS:,} rows done):", flush=True)
    points = [measure(spark, paths[spec.rows], "rows", spec.rows, WIDE_COLUMNS, args.repeat) for spec in by_rows]
    full_point = points[-1]
    for columns in COLUMN_COUNTS:
        if columns == WIDE_COLUMNS:  # the full table, measured once for both series
            points.append(Point("columns", full_point.rows, columns, full_point.engine_seconds,
                                full_point.floor_seconds))
        else:
            points.append(measure(spark, paths[full.rows], "columns", full.rows, columns, args.repeat))
    application_id = spark.sparkContext.applicationId
    spark.stop()
    (event_log_dir / application_id).unlink(missing_ok=True)

    print(f"\nCores {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}; best of {args.repeat} run(s)\n")
    print_table(points)
    print("\nVerdict" + ("" if args.rows_scale == 1 else f" (at rows scale {args.rows_scale:g})") +
          "; one run per point unless --repeat, so ratios within a few percent of the line are noise:")
    for line in verdict_lines(points):
        print("  " + line)
    plot(points, args.plot, f"Wide table, {full.rows:,} rows x {WIDE_COLUMNS} columns at 100%")
    plot_path = args.plot.resolve()
    print(f"\nPlot: {plot_path.relative_to(REPO_ROOT) if plot_path.is_relative_to(REPO_ROOT) else plot_path}")
    if args.output_json:
        args.output_json.write_text(json.dumps({"rows_scale": args.rows_scale, "repeat": args.repeat,
                                                "points": [vars(p) for p in points]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
