"""The baseline: the engine's metrics computed one column at a time, as TestGen, ydata-profiling and Deequ's
grouping analyzers do, each column with its own Spark jobs over the table.

It has its own expressions for the engine's metrics, so that it stays a fixed reference while the engine's passes
change. Per column:
- one aggregate job: counts, approximate distinct count (DataSketches HLL, lgConfigK 14, where Spark has it; else
  `approx_count_distinct` at 2%), min/max, and by type: mean, standard deviation, quartiles (`percentile_approx`,
  accuracy 10000), zero/negative/NaN counts; text lengths; future and before-1900 dates; true/false counts. For a
  text column also the engine's value checks (`text_checks.VALUE_COUNT_CHECKS`) on every row, as TestGen's
  profiling query does;
- for a low-cardinality column, one group-by job collecting its (at most a thousand) groups, from which the
  driver takes the top values, the exact distinct count and the duplicate count;
- for a key candidate with more values than that, one group-by job counting groups and duplicated values;
- for a text column, one group-by job for its top patterns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from bench.spark_floor import approx_distinct, numeric_statistics
from notebooks.dq_profiler import rules, text_checks
from notebooks.dq_profiler.columns import BINARY, BOOLEAN, DATE, NESTED, NUMERIC, OTHER, TEXT, ColumnSpec, column_specs
from notebooks.dq_profiler.text_checks import VALUE_COUNT_CHECKS
from notebooks.dq_profiler.thresholds import resolve_thresholds

# The engine's payload limits: top values and patterns kept, and the distinct count up to which top values are
# computed.
TOP_LIMIT = 10
TOP_VALUES_MAX_DISTINCT = 1000
HLL_LG_CONFIG_K = 14
MAX_VALUE_LENGTH = 1000  # text minimums and maximums are cut to this, as in the payload
EARLIEST_LIKELY_DATE = dt.date(1900, 1, 1)

_NOT_GROUPABLE = frozenset({BINARY, NESTED, OTHER})


def _count_if(condition: Column) -> Column:
    return F.count(F.when(condition, True))  # null conditions (null values) are not counted


def _distinct(spec: ColumnSpec) -> Column:
    if not hasattr(F, "hll_sketch_agg"):
        return approx_distinct(spec.ref)
    # The sketch takes integers, strings and binary; other types are counted by their exact string form.
    sketchable = spec.general_type in (TEXT, BINARY) or spec.data_type in ("int", "bigint")
    return F.hll_sketch_estimate(F.hll_sketch_agg(spec.ref if sketchable else spec.ref.cast("string"), HLL_LG_CONFIG_K))


def _numeric(spec: ColumnSpec) -> list[Column]:
    # NaN is counted on its own and kept out of min, max and the statistics.
    value = F.when(~F.isnan(spec.ref), spec.ref) if spec.is_floating else spec.ref
    aggregates = [
        F.min(value).cast("string").alias("min_value"),
        F.max(value).cast("string").alias("max_value"),
        *numeric_statistics(value.cast("double")),
        _count_if(value == 0).alias("zero_count"),
        _count_if(value < 0).alias("negative_count"),
    ]
    if spec.is_floating:
        aggregates.append(_count_if(F.isnan(spec.ref)).alias("nan_count"))
    return aggregates


def _text(spec: ColumnSpec) -> list[Column]:
    length = F.length(spec.ref)
    return [
        F.substring(F.min(spec.ref), 1, MAX_VALUE_LENGTH).alias("min_value"),
        F.substring(F.max(spec.ref), 1, MAX_VALUE_LENGTH).alias("max_value"),
        F.min(length).alias("min_length"),
        F.max(length).alias("max_length"),
        F.avg(length).alias("avg_length"),
        *[_count_if(check(spec.ref)).alias(name) for name, check in VALUE_COUNT_CHECKS.items()],
    ]


def _date(spec: ColumnSpec) -> list[Column]:
    now = F.current_date() if spec.data_type == "date" else F.current_timestamp().cast(spec.spark_type)
    return [
        F.min(spec.ref).cast("string").alias("min_value"),
        F.max(spec.ref).cast("string").alias("max_value"),
        _count_if(spec.ref > now).alias("future_count"),
        _count_if(spec.ref < F.lit(EARLIEST_LIKELY_DATE).cast(spec.spark_type)).alias("before_1900_count"),
    ]


def _boolean(spec: ColumnSpec) -> list[Column]:
    return [
        F.min(spec.ref).cast("string").alias("min_value"),
        F.max(spec.ref).cast("string").alias("max_value"),
        _count_if(spec.ref).alias("true_count"),
        _count_if(~spec.ref).alias("false_count"),
    ]


_BY_TYPE = {NUMERIC: _numeric, TEXT: _text, DATE: _date, BOOLEAN: _boolean}
_DISTINCT_TYPES = frozenset({NUMERIC, TEXT, DATE, BOOLEAN, BINARY})


def column_aggregates(spec: ColumnSpec) -> list[Column]:
    """The column's metrics that need no grouping, as named aggregates for one `df.agg`."""
    aggregates = [F.count(F.lit(1)).alias("row_count"), F.count(spec.ref).alias("non_null_count")]
    if spec.general_type in _DISTINCT_TYPES:
        aggregates.append(_distinct(spec).alias("distinct_count"))
    by_type = _BY_TYPE.get(spec.general_type)
    return aggregates + (by_type(spec) if by_type else [])


def _aggregate(df: DataFrame, spec: ColumnSpec) -> dict[str, Any]:
    return df.agg(*column_aggregates(spec)).collect()[0].asDict()


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


def _profile_column(df: DataFrame, spec: ColumnSpec, table_name: str, key_distinct_min_ratio: float) -> dict[str, Any]:
    metrics = _aggregate(df, spec)
    non_null = metrics["non_null_count"]
    if spec.general_type in _NOT_GROUPABLE or non_null == 0:
        return metrics
    is_key = rules.is_key_candidate(
        role=rules.key_role(spec.name, table_name),
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


def profile_column_by_column(df: DataFrame, table_name: str) -> dict[str, dict[str, Any]]:
    """Every column's metrics, column after column, keyed by column name; `table_name` decides which column is the
    table's own key (`rules.key_role`)."""
    key_distinct_min_ratio = resolve_thresholds(None)["key_distinct_min_ratio"]
    return {spec.name: _profile_column(df, spec, table_name, key_distinct_min_ratio) for spec in column_specs(df)}
