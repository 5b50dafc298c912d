"""Pass 1: two wide aggregates over a chunk of columns, giving every metric that needs no grouping.

One struct of aggregates per column, so the number of scans does not grow with the number of metrics (the DuckDB
`SUMMARIZE` / Spark `summary()` shape). The metrics are split by how Spark runs them: the declarative aggregates
with fixed-width buffers (counts, numeric and date extremes, sums, lengths) in one aggregate that Spark compiles
to code, the ones keeping objects or strings (distinct-count sketches, percentile summaries, text extremes) in
another, which Spark can only interpret. Measured on the 2M-row, 60-column benchmark table, the two take less
than the one aggregate mixing both, which Spark interprets whole.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from . import text_checks
from .columns import BINARY, BOOLEAN, DATE, NUMERIC, TEXT, ColumnSpec

logger = logging.getLogger(__name__)

# Spark compiles no plan wider than `spark.sql.codegen.maxFields` fields (100 by default); the fixed-width
# aggregate has up to eight per column.
CODEGEN_MAX_FIELDS_KEY = "spark.sql.codegen.maxFields"
CODEGEN_MAX_FIELDS = 10_000
# Spark's generated code for one aggregate must fit in a 64 KB method. Measured on Spark 3.5: the benchmark's
# 60 columns (about 330 fixed-width aggregates) compile; 200 columns (about 1,100) do not, and Spark falls back
# to interpreting after logging the compiler's error. Above this, pass 1 is one interpreted aggregate (one scan).
MAX_COMPILED_AGGREGATES = 400
# Distinct counts: Spark 3.5+ has DataSketches HLL, whose binary buffer stays cheap for hundreds of columns
# (lgConfigK 14: relative standard error about 0.8%). Spark 3.4 falls back to approx_count_distinct at 2%,
# whose buffer is one field per register word and so slows wide tables down.
HLL_LG_CONFIG_K = 14
FALLBACK_DISTINCT_RSD = 0.02
# The relative standard error of the distinct count on this Spark: 1.04 / sqrt(2^lgConfigK) for the sketch.
DISTINCT_RSD = 1.04 / 2 ** (HLL_LG_CONFIG_K / 2) if hasattr(F, "hll_sketch_agg") else FALLBACK_DISTINCT_RSD
PERCENTILE_ACCURACY = 10000
MAX_VALUE_LENGTH = 1000  # longer text minimums and maximums are cut in the payload
PERCENTILES = (0.25, 0.5, 0.75)
EARLIEST_LIKELY_DATE = dt.date(1900, 1, 1)

# Metrics that count rows, scaled up when the table was sampled. Distinct counts, lengths and statistics are not.
COUNT_METRICS = (
    "row_count", "null_count", "zero_count", "negative_count", "nan_count", *text_checks.COUNT_CHECK_NAMES,
    "future_count", "before_1900_count", "true_count", "false_count",
)
METRIC_NAMES = (
    "row_count", "null_count", "distinct_count", "distinct_count_approximate", "min_value", "max_value",
    "mean", "stddev", "p25", "p50", "p75", "zero_count", "negative_count", "nan_count",
    "min_length", "max_length", "avg_length", *text_checks.COUNT_CHECK_NAMES,
    "future_count", "before_1900_count", "true_count", "false_count",
)


def _count_if(condition: Column) -> Column:
    # count() skips nulls, so null conditions (null values) are not counted and an empty table gives 0.
    return F.count(F.when(condition, True))


def _numeric_value(spec: ColumnSpec) -> Column:
    """NaN is counted on its own and kept out of min, max, mean, stddev and percentiles, which it would swamp."""
    return F.when(~F.isnan(spec.ref), spec.ref) if spec.is_floating else spec.ref


def _numeric_aggregates(spec: ColumnSpec) -> dict[str, Column]:
    value = _numeric_value(spec)
    as_double = value.cast("double")
    aggregates = {
        "min_value": F.min(value).cast("string"),
        "max_value": F.max(value).cast("string"),
        "mean": F.avg(as_double),
        "stddev": F.stddev_samp(as_double),
        "zero_count": _count_if(value == 0),
        "negative_count": _count_if(value < 0),
    }
    if spec.is_floating:
        aggregates["nan_count"] = _count_if(F.isnan(spec.ref))
    return aggregates


def _text_aggregates(spec: ColumnSpec) -> dict[str, Column]:
    length = F.length(spec.ref)
    # The extremes keep strings, so they are sketches (below); the value checks run in pass 2, per distinct value.
    return {"min_length": F.min(length), "max_length": F.max(length), "avg_length": F.avg(length)}


def _date_aggregates(spec: ColumnSpec) -> dict[str, Column]:
    now = F.current_date() if spec.data_type == "date" else F.current_timestamp().cast(spec.spark_type)
    earliest = F.lit(EARLIEST_LIKELY_DATE).cast(spec.spark_type)
    return {
        "min_value": F.min(spec.ref).cast("string"),
        "max_value": F.max(spec.ref).cast("string"),
        "future_count": _count_if(spec.ref > now),
        "before_1900_count": _count_if(spec.ref < earliest),
    }


def _boolean_aggregates(spec: ColumnSpec) -> dict[str, Column]:
    return {
        "min_value": F.min(spec.ref).cast("string"),
        "max_value": F.max(spec.ref).cast("string"),
        "true_count": _count_if(spec.ref),
        "false_count": _count_if(~spec.ref),
    }


def _approx_distinct(spec: ColumnSpec) -> Column:
    if not hasattr(F, "hll_sketch_agg"):
        return F.approx_count_distinct(spec.ref, rsd=FALLBACK_DISTINCT_RSD)
    # The sketch takes integers, strings and binary; other types are counted by a 64-bit hash of their value, much
    # cheaper than their string form (formatting a double or a timestamp), with collisions far below the sketch's
    # error. The hash of a null is not null, hence the guard.
    sketchable = spec.general_type in (TEXT, BINARY) or spec.data_type in ("int", "bigint")
    value = spec.ref if sketchable else F.when(spec.ref.isNotNull(), F.xxhash64(spec.ref))
    return F.hll_sketch_estimate(F.hll_sketch_agg(value, HLL_LG_CONFIG_K))


_TYPE_AGGREGATES = {
    NUMERIC: _numeric_aggregates,
    TEXT: _text_aggregates,
    DATE: _date_aggregates,
    BOOLEAN: _boolean_aggregates,
}
# Distinct counts need hashable values; nested and unknown types only get row and null counts.
_DISTINCT_TYPES = frozenset({NUMERIC, TEXT, DATE, BOOLEAN, BINARY})


def _fixed_width_aggregates(spec: ColumnSpec) -> dict[str, Column]:
    aggregates = {"non_null_count": F.count(spec.ref)}  # the row count is the table's, counted once
    type_aggregates = _TYPE_AGGREGATES.get(spec.general_type)
    if type_aggregates:
        aggregates.update(type_aggregates(spec))
    return aggregates


def _sketch_aggregates(spec: ColumnSpec) -> dict[str, Column]:
    aggregates = {}
    if spec.general_type in _DISTINCT_TYPES:
        aggregates["distinct_count"] = _approx_distinct(spec)
    if spec.general_type == NUMERIC:
        as_double = _numeric_value(spec).cast("double")
        aggregates["percentiles"] = F.percentile_approx(as_double, list(PERCENTILES), PERCENTILE_ACCURACY)
    if spec.general_type == TEXT:
        aggregates["min_value"] = F.substring(F.min(spec.ref), 1, MAX_VALUE_LENGTH)
        aggregates["max_value"] = F.substring(F.max(spec.ref), 1, MAX_VALUE_LENGTH)
    return aggregates


def _by_column(aggregates_by_column: Mapping[int, Mapping[str, Column]]) -> list[Column]:
    """One struct per column holding its aggregates, aliased by position (names may be anything)."""
    return [
        F.struct(*[expression.alias(name) for name, expression in aggregates.items()]).alias(f"c{index}")
        for index, aggregates in aggregates_by_column.items()
        if aggregates
    ]


def allow_wide_code_generation(spark: SparkSession) -> None:
    """Let Spark compile the fixed-width aggregate however many columns it covers.

    A session that may not change the setting (some shared and serverless ones) interprets it: same answers,
    slower."""
    try:
        if int(spark.conf.get(CODEGEN_MAX_FIELDS_KEY)) < CODEGEN_MAX_FIELDS:
            spark.conf.set(CODEGEN_MAX_FIELDS_KEY, str(CODEGEN_MAX_FIELDS))
    except Exception as error:  # noqa: BLE001 - Spark raises its own error classes, which vary by runtime
        logger.info("Keeping %s: %s", CODEGEN_MAX_FIELDS_KEY, error)


def _aggregate_groups(specs: Sequence[ColumnSpec]) -> list[dict[int, dict[str, Column]]]:
    """The aggregates of each query pass 1 runs: the compiled one and the interpreted one, or a single interpreted
    one when the fixed-width part is too wide to compile."""
    fixed = {spec.index: _fixed_width_aggregates(spec) for spec in specs}
    sketches = {spec.index: _sketch_aggregates(spec) for spec in specs}
    if sum(len(aggregates) for aggregates in fixed.values()) <= MAX_COMPILED_AGGREGATES:
        return [fixed, sketches]
    return [{index: {**fixed[index], **sketches[index]} for index in fixed}]


def run_pass_one(df: DataFrame, specs: Sequence[ColumnSpec]) -> dict[int, dict[str, Any]]:
    """One or two Spark queries scanning `df`: the pass-1 metrics of each column, keyed by column index."""
    groups = _aggregate_groups(specs)
    if len(groups) > 1:
        allow_wide_code_generation(df.sparkSession)
    aggregated: dict[int, dict[str, Any]] = {spec.index: {} for spec in specs}
    row_count = None
    for group in groups:
        columns = _by_column(group)
        if row_count is None:
            columns.insert(0, F.count(F.lit(1)).alias("rows"))
        if not columns:
            continue
        row = df.agg(*columns).collect()[0].asDict()
        row_count = row.pop("rows", row_count)
        for key, struct in row.items():
            aggregated[int(key[1:])].update(struct.asDict())
    return {index: _read_metrics(metrics, row_count) for index, metrics in aggregated.items()}


def _read_metrics(aggregated: dict[str, Any], row_count: int) -> dict[str, Any]:
    """The payload metrics of one column from its pass-1 struct."""
    metrics: dict[str, Any] = dict.fromkeys(METRIC_NAMES)
    metrics["row_count"] = row_count
    non_null = aggregated.pop("non_null_count")
    percentiles = aggregated.pop("percentiles", None) or (None,) * len(PERCENTILES)
    metrics.update(aggregated)
    metrics["p25"], metrics["p50"], metrics["p75"] = percentiles
    metrics["null_count"] = row_count - non_null
    metrics["distinct_count_approximate"] = True
    if metrics["distinct_count"] is not None:
        # The estimate can overshoot; a column never has more distinct values than non-null ones.
        metrics["distinct_count"] = min(metrics["distinct_count"], non_null)
    return metrics
