"""Spark's own floor: one wide `df.agg` of exactly what DuckDB's `SUMMARIZE` computes.

Per column: non-null count, minimum, maximum and `approx_count_distinct` at a relative standard error of 0.02;
for numeric columns also mean, sample standard deviation and the three quartiles with `percentile_approx`. Plus the
table's row count. That is `df.summary()` with distinct counts: the cheapest summary a data engineer gets from
Spark, and the reference the engine's extra metrics are priced against.

The per-column baseline (`bench/per_column.py`) builds its statistics with the same helpers.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

DISTINCT_RSD = 0.02
QUARTILES = [0.25, 0.5, 0.75]
PERCENTILE_ACCURACY = 10000  # Spark's default, spelled out


def column_ref(name: str) -> Column:
    """A column by its exact name: backticks stop Spark reading dots as struct access."""
    return F.col("`" + name.replace("`", "``") + "`")


def approx_distinct(column: Column) -> Column:
    return F.approx_count_distinct(column, rsd=DISTINCT_RSD)


def numeric_statistics(as_double: Column) -> list[Column]:
    """Mean, sample standard deviation and the quartiles (as one array) of a numeric value cast to double."""
    return [
        F.avg(as_double).alias("mean"),
        F.stddev_samp(as_double).alias("stddev"),
        F.percentile_approx(as_double, QUARTILES, PERCENTILE_ACCURACY).alias("quartiles"),
    ]


def _summary(field: T.StructField) -> Column:
    column = column_ref(field.name)
    aggregates = [
        F.count(column).alias("non_null"),
        F.min(column).alias("min"),
        F.max(column).alias("max"),
        approx_distinct(column).alias("distinct"),
    ]
    if isinstance(field.dataType, T.NumericType):
        aggregates += numeric_statistics(column.cast("double"))
    return F.struct(*aggregates)


def summarize(df: DataFrame) -> dict[str, dict[str, Any]]:
    """Every column's summary, keyed by column name, from one Spark job."""
    fields = df.schema.fields
    row = df.agg(F.count(F.lit(1)).alias("rows"), *[_summary(f).alias(f"c{i}") for i, f in enumerate(fields)]).collect()[0]
    return {field.name: {"rows": row["rows"], **row[f"c{i}"].asDict()} for i, field in enumerate(fields)}
