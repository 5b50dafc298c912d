"""The profiling engine: profile DataFrames and whole table groups into the callback payload (contract section 5).

Pure PySpark and standard library, DataFrame API only (no SparkContext or RDDs), so the same code runs on
Databricks classic and shared clusters, serverless, and local Spark.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from . import rules
from .anomalies import detect_anomalies, detect_run_anomalies
from .columns import TEXT, ColumnSpec, column_specs
from .functional_types import infer_functional_type
from .pass_one import run_pass_one
from .pii import POTENTIAL_PII, WITHHELD_METRICS
from .pass_two import PassTwoResult, add_boolean_values, plan_pass_two, run_pass_two
from .sampling import SAMPLE_SEED, sample_fraction, scale_counts
from .text_checks import COUNT_CHECK_NAMES
from .thresholds import resolve_thresholds
from .version import ENGINE_VERSION

logger = logging.getLogger(__name__)

_FLOAT_METRICS = ("mean", "stddev", "p25", "p50", "p75", "avg_length")
_MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class TableSource:
    schema_name: str
    table_name: str
    load: Callable[[SparkSession], DataFrame]  # e.g. lambda spark: spark.table("cat.sch.t")

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.table_name}"


@dataclass(frozen=True)
class ProfileOptions:
    thresholds: Mapping[str, float] | None = None  # overrides of DEFAULT_THRESHOLDS
    sample_percent: float | None = None  # 0 < p <= 100
    sample_min_rows: int | None = None  # never sample below this many rows
    max_workers: int = 4  # tables profiled concurrently
    columns_per_pass: int = 200


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def profile_dataframe(
    df: DataFrame,
    *,
    schema_name: str,
    table_name: str,
    options: ProfileOptions = ProfileOptions(),
    run_tables: Collection[str] = (),
) -> dict[str, Any]:
    """Profile one table: its document for the payload's `tables`, with its anomalies under `anomalies`.

    `run_tables` names the other tables of the run, so that `customer_id` in `orders` is known for a reference to
    `customers` (see `rules.key_role`). Scans: two per chunk of `options.columns_per_pass` columns (pass 1), one
    more for pass 2, and one count when sampling.
    """
    thresholds = resolve_thresholds(options.thresholds)
    specs = column_specs(df)
    roles = {spec.index: rules.key_role(spec.name, table_name, run_tables) for spec in specs}
    fraction = None
    if options.sample_percent is not None:
        total_rows = df.count()
        fraction = sample_fraction(total_rows, options.sample_percent, options.sample_min_rows)
    sample = df.sample(False, fraction, SAMPLE_SEED) if fraction else df
    columns = _profile_columns(sample, specs, roles, thresholds, options)
    sampled = fraction is not None and bool(columns) and columns[0]["row_count"] > 0
    if fraction and not sampled:  # the sample came back empty: profile every row rather than report nothing
        columns = _profile_columns(df, specs, roles, thresholds, options)
    if sampled:
        factor = total_rows / columns[0]["row_count"]
        for column in columns:
            scale_counts(column, factor)
    row_count = columns[0]["row_count"] if columns else df.count()
    table = {
        "schema_name": schema_name,
        "table_name": table_name,
        "row_count": row_count,
        "column_count": len(specs),
        "error": None,
        "sampled": sampled,
        "columns": columns,
    }
    table["anomalies"] = detect_anomalies(table, thresholds=thresholds, detected_at=utc_now())
    _withhold_pii_values(table)
    return table


def _profile_columns(
    df: DataFrame,
    specs: Sequence[ColumnSpec],
    roles: Mapping[int, str | None],
    thresholds: Mapping[str, float],
    options: ProfileOptions,
) -> list[dict[str, Any]]:
    # Pass 1 needs two wide aggregates per chunk of columns; pass 2 is one group-by over every column whatever
    # the width, so a wider table adds pass 1's scans per further chunk, not pass 2's.
    pass_one: dict[int, Mapping[str, Any]] = {}
    step = max(1, options.columns_per_pass)
    for start in range(0, len(specs), step):
        pass_one.update(run_pass_one(df, specs[start : start + step]))
    pass_two = run_pass_two(df, specs, plan_pass_two(specs, pass_one, roles, thresholds))
    add_boolean_values(pass_two, specs, pass_one)
    return [
        _column_document(spec, pass_one[spec.index], pass_two, roles[spec.index], thresholds) for spec in specs
    ]


def _column_document(
    spec: ColumnSpec,
    metrics: Mapping[str, Any],
    pass_two: PassTwoResult,
    role: str | None,
    thresholds: Mapping[str, float],
) -> dict[str, Any]:
    column = {
        "column_name": spec.name,
        "data_type": spec.data_type,
        "general_type": spec.general_type,
        "ordinal_position": spec.ordinal_position,
        **metrics,
        **_value_check_counts(spec, pass_two),
        **_standardized_matches(spec, pass_two),
        "duplicated_value_count": pass_two.duplicated_value_counts.get(spec.index),
        "top_values": pass_two.top_values.get(spec.index, []),
        "top_patterns": pass_two.top_patterns.get(spec.index, []),
    }
    if spec.index in pass_two.exact_distinct_counts:
        column["distinct_count"] = pass_two.exact_distinct_counts[spec.index]
        column["distinct_count_approximate"] = False
    if column["duplicated_value_count"] is not None and not _is_key_candidate(column, role, thresholds):
        column["duplicated_value_count"] = None  # grouped as a possible key; the exact count says it is not one
    column["functional_type"] = infer_functional_type(column, role)
    for name in _FLOAT_METRICS:
        value = column[name]
        # JSON has no NaN or infinity; an aggregate over infinite values is reported as unknown.
        column[name] = float(value) if value is not None and math.isfinite(value) else None
    return column


def _is_key_candidate(column: Mapping[str, Any], role: str | None, thresholds: Mapping[str, float]) -> bool:
    return rules.is_key_candidate(
        role=role,
        data_type=column["data_type"],
        distinct_count=column["distinct_count"],
        non_null_count=column["row_count"] - column["null_count"],
        min_distinct_ratio=thresholds["key_distinct_min_ratio"],
    )


def _value_check_counts(spec: ColumnSpec, pass_two: PassTwoResult) -> dict[str, int]:
    if spec.general_type != TEXT:
        return {}
    # A text column without a non-null value is not grouped in pass 2: nothing matches any check.
    return pass_two.value_check_counts.get(spec.index, dict.fromkeys(COUNT_CHECK_NAMES, 0))


def _standardized_matches(spec: ColumnSpec, pass_two: PassTwoResult) -> dict[str, int | None]:
    """Text columns with top values: how many distinct values share a standardized form with another, and how
    many forms they share (0 and 0 when none do); None where pass 2 does not look (more than 1000 values)."""
    if spec.general_type != TEXT or spec.index not in pass_two.top_values:
        return {"standardized_match_value_count": None, "standardized_match_form_count": None}
    values, forms = pass_two.standardized_matches.get(spec.index, (0, 0))
    return {"standardized_match_value_count": values, "standardized_match_form_count": forms}


def _withhold_pii_values(table: dict[str, Any]) -> None:
    """A column flagged as potential PII keeps its counts and patterns, but no value of its data."""
    flagged = {a["column_name"] for a in table["anomalies"] if a["anomaly_type"] == POTENTIAL_PII}
    for column in table["columns"]:
        if column["column_name"] in flagged:
            column["top_values"] = []
            column.update(dict.fromkeys(WITHHELD_METRICS))


def _failed_table(source: TableSource, error: Exception) -> dict[str, Any]:
    message = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    return {
        "schema_name": source.schema_name,
        "table_name": source.table_name,
        "row_count": None,
        "column_count": None,
        "error": message[:_MAX_ERROR_LENGTH],
        "sampled": False,
        "columns": [],
        "anomalies": [],
    }


def _profile_source(
    spark: SparkSession, source: TableSource, options: ProfileOptions, run_tables: Collection[str]
) -> dict[str, Any]:
    try:
        table = profile_dataframe(
            source.load(spark),
            schema_name=source.schema_name,
            table_name=source.table_name,
            options=options,
            run_tables=run_tables,
        )
    except Exception as error:  # one table's failure (missing, no permission, bad data) must not stop the group
        logger.exception("Profiling %s failed", source.qualified_name)
        return _failed_table(source, error)
    logger.info("Profiled %s: %s rows, %s columns", source.qualified_name, table["row_count"], table["column_count"])
    return table


def profile_tables(
    spark: SparkSession, sources: Sequence[TableSource], options: ProfileOptions = ProfileOptions()
) -> dict[str, Any]:
    """Profile a table group concurrently and return the whole payload document."""
    started_at = utc_now()
    resolve_thresholds(options.thresholds)  # a bad override fails the run before any table is read
    run_tables = [source.table_name for source in sources]
    with ThreadPoolExecutor(max_workers=max(1, options.max_workers)) as pool:
        tables = list(pool.map(lambda source: _profile_source(spark, source, options, run_tables), sources))
    anomalies = [anomaly for table in tables for anomaly in table.pop("anomalies")]
    anomalies += detect_run_anomalies(tables, detected_at=utc_now())
    failed = [table for table in tables if table["error"]]
    all_failed = bool(tables) and len(failed) == len(tables)
    return {
        "status": "failed" if all_failed else "completed",
        "row_count": sum(table["row_count"] or 0 for table in tables),
        "anomaly_count": len(anomalies),
        "anomalies": anomalies,
        "tables": tables,
        "error_message": _failure_summary(failed) if all_failed else None,
        "started_at": started_at,
        "completed_at": utc_now(),
        "profile_version": ENGINE_VERSION,
        "sampled": any(table["sampled"] for table in tables),
    }


def _failure_summary(failed: Sequence[Mapping[str, Any]]) -> str:
    first = failed[0]
    return (
        f"All {len(failed)} tables failed; first: {first['schema_name']}.{first['table_name']}: {first['error']}"
    )[:_MAX_ERROR_LENGTH]
