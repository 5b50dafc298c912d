"""Profile local parquet or CSV files into a payload document: the engine without Databricks.

    python -m notebooks.dq_profiler --table sales.orders=data/orders.parquet --table customers=data/c.csv \\
        --output payload.json [--sample-percent 10 --sample-min-rows 10000] \\
        [--results-dir lakehouse --profile-run-id ID]

With `--results-dir`, the run's rows also go to the five result tables of docs/lakehouse.md, as Delta tables
(delta-rs) under `DIR/<table name>`; a rerun with the same `--profile-run-id` replaces that run's rows.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Sequence
from pathlib import Path

DEFAULT_SCHEMA = "default"


def _table_argument(text: str) -> tuple[str, str, Path]:
    name, separator, path = text.partition("=")
    if not separator or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    schema_name, _, table_name = name.rpartition(".")
    if not table_name:
        raise argparse.ArgumentTypeError(f"no table name in {name!r}")
    location = Path(path)
    if not location.exists():
        raise argparse.ArgumentTypeError(f"no such file or directory: {path}")
    return schema_name or DEFAULT_SCHEMA, table_name, location


def _sample_percent(text: str) -> float:
    value = float(text)
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError("must be greater than 0 and at most 100")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m notebooks.dq_profiler", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--table", action="append", required=True, type=_table_argument, metavar="NAME=PATH",
        help="schema.table or table (schema 'default') = a parquet or CSV file or directory; repeatable",
    )
    parser.add_argument("--output", required=True, type=Path, help="where to write the payload JSON")
    parser.add_argument("--sample-percent", type=_sample_percent, help="profile this percentage of each table")
    parser.add_argument("--sample-min-rows", type=_non_negative_int, help="never sample below this many rows")
    parser.add_argument("--results-dir", type=Path, help="also write the result tables as Delta tables here")
    parser.add_argument(
        "--profile-run-id", default=None, help="the run's id in the result tables (default: a new UUID)"
    )
    return parser


def _is_csv(path: Path) -> bool:
    if path.is_dir():
        return any(child.suffix.lower() == ".csv" for child in path.iterdir())
    return path.suffix.lower() == ".csv"


def _loader(path: Path):
    location = str(path.resolve())
    if _is_csv(path):
        return lambda spark: spark.read.option("header", True).option("inferSchema", True).csv(location)
    return lambda spark: spark.read.parquet(location)


def main(argv: Sequence[str] | None = None, *, spark=None) -> int:
    """Exit code 0 when the run completed, 1 when every table failed; argparse exits 2 on bad arguments.

    `spark` lets a caller that already has a session (tests) reuse it; otherwise a local one is started.
    """
    args = build_parser().parse_args(argv)
    # Spark loads only once the arguments are known to be good, so usage errors come back fast.
    from .engine import ProfileOptions, TableSource, profile_tables

    sources = [TableSource(schema, table, _loader(path)) for schema, table, path in args.table]
    options = ProfileOptions(sample_percent=args.sample_percent, sample_min_rows=args.sample_min_rows)
    if spark is None:
        from .local_spark import local_spark_session

        spark = local_spark_session("dq-profiler-cli")
    payload = profile_tables(spark, sources, options)
    if args.results_dir:
        from .results_writers import DeltaRsWriter
        from .runtime.results import record_results

        profile_run_id = args.profile_run_id or str(uuid.uuid4())
        payload = record_results(
            {**payload, "profile_run_id": profile_run_id}, lambda: DeltaRsWriter(args.results_dir),
            target=str(args.results_dir), profile_run_id=profile_run_id, table_group_id=None,
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(
        f"{payload['status']}: {len(payload['tables'])} tables, {payload['row_count']} rows, "
        f"{payload['anomaly_count']} anomalies -> {args.output}"
    )
    return 0 if payload["status"] == "completed" else 1

