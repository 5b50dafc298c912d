"""The baseline: the engine's metrics computed one column at a time, as TestGen, ydata-profiling and Deequ's
grouping analyzers do, each column with its own Spark jobs over the table.

It builds each column's aggregates with the engine's own expressions (pass 1's aggregate and the text value
checks), so both contenders compute the same metrics. Per column:
- one aggregate job (counts, approximate distinct count, min/max, statistics, percentiles, and for a text column
  the value checks on every row, as TestGen's profiling query does);
- for a low-cardinality column, one group-by job collecting its (at most a thousand) groups, from which the
  driver takes the top values, the exact distinct count and the duplicate count;
- for a key candidate with more values than that, one group-by job counting groups and duplicated values;
- for a text column, one group-by job for its top patterns.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from notebooks.dq_profiler import rules, text_checks
from notebooks.dq_profiler.columns import BINARY, NESTED, OTHER, TEXT, ColumnSpec, column_specs
from notebooks.dq_profiler.pass_one import column_aggregate
from notebooks.dq_profiler.pass_two import TOP_LIMIT, TOP_VALUES_MAX_DISTINCT
from notebooks.dq_profiler.text_checks import VALUE_COUNT_CHECKS
from notebooks.dq_profiler.thresholds import resolve_thresholds

_NOT_GROUPABLE = frozenset({BINARY, NESTED, OTHER})


def _aggregate(df: DataFrame, spec: ColumnSpec) -> dict[str, Any]:
    checks = []
    if spec.general_type == TEXT:
        checks = [F.count(F.when(check(spec.ref), True)).alias(name) for name, check in VALUE_COUNT_CHECKS.items()]
    row = df.agg(column_aggregate(spec).alias("metrics"), F.count(F.lit(1)).alias("row_count"), *checks).collect()[0]
    metrics = row.asDict()
    return {**metrics.pop("metrics").asDict(), **metrics}


def _value_groups(df: DataFrame, spec: ColumnSpec) -> dict[str, Any]:
    groups = df.where(spec.ref.isNotNull()).groupBy(spec.ref.cast("string").alias("v")).count().collect()
    ranked = sorted(groups, key=lambda group: (-group["count"], group["v"]))
    return {
        "top_values": [{"value": group["v"], "count": group["count"]} for group in ranked[:TOP_LIMIT]],
        "exact_distinct_count": len(groups),
        "duplicated_value_count": sum(1 for group in groups if group["count"] > 1),
    }


def _key_duplicates(df: DataFrame, spec: ColumnSpec) -> dict[str, Any]:
    groups = df.where(spec.ref.isNotNull()).groupBy(spec.ref).count()
    summary = groups.agg(F.count(F.lit(1)).alias("groups"), F.count(F.when(F.col("count") > 1, True)).alias("dups"))
    row = summary.collect()[0]
    return {"exact_distinct_count": row["groups"], "duplicated_value_count": row["dups"]}


def _top_patterns(df: DataFrame, spec: ColumnSpec) -> list[dict[str, Any]]:
    patterns = df.where(spec.ref.isNotNull()).groupBy(text_checks.pattern_of(spec.ref).alias("p")).count()
    top = patterns.orderBy(F.desc("count"), F.asc("p")).limit(TOP_LIMIT).collect()
    return [{"value": row["p"], "count": row["count"]} for row in top]


def _profile_column(df: DataFrame, spec: ColumnSpec, key_distinct_min_ratio: float) -> dict[str, Any]:
    metrics = _aggregate(df, spec)
    non_null = metrics["non_null_count"]
    if spec.general_type in _NOT_GROUPABLE or non_null == 0:
        return metrics
    is_key = rules.is_key_candidate(
        column_name=spec.name,
        data_type=spec.data_type,
        distinct_count=metrics["distinct_count"],
        non_null_count=non_null,
        min_distinct_ratio=key_distinct_min_ratio,
    )
    if metrics["distinct_count"] <= TOP_VALUES_MAX_DISTINCT:
        metrics.update(_value_groups(df, spec))
    elif is_key:
        metrics.update(_key_duplicates(df, spec))
    if spec.general_type == TEXT:
        metrics["top_patterns"] = _top_patterns(df, spec)
    return metrics


def profile_column_by_column(df: DataFrame) -> dict[str, dict[str, Any]]:
    """Every column's metrics, column after column, keyed by column name."""
    key_distinct_min_ratio = resolve_thresholds(None)["key_distinct_min_ratio"]
    return {spec.name: _profile_column(df, spec, key_distinct_min_ratio) for spec in column_specs(df)}
