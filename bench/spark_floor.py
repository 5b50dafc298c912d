"""Spark's own floor: one wide `df.agg` of exactly what DuckDB's `SUMMARIZE` computes.

Per column: non-null count, minimum, maximum and `approx_count_distinct` at a relative standard error of 0.02;
for numeric columns also mean, sample standard deviation and the three quartiles with `percentile_approx`. Plus the
table's row count. That is `df.summary()` with distinct counts: the cheapest summary a data engineer gets from
Spark, and the reference the engine's extra metrics are priced against.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

DISTINCT_RSD = 0.02
QUARTILES = [0.25, 0.5, 0.75]


def _summary(field: T.StructField) -> Column:
    column = F.col("`" + field.name.replace("`", "``") + "`")
    aggregates = [
        F.count(column).alias("non_null"),
        F.min(column).alias("min"),
        F.max(column).alias("max"),
        F.approx_count_distinct(column, rsd=DISTINCT_RSD).alias("distinct"),
    ]
    if isinstance(field.dataType, T.NumericType):
        as_double = column.cast("double")
        aggregates += [
            F.avg(as_double).alias("mean"),
            F.stddev_samp(as_double).alias("stddev"),
            F.percentile_approx(as_double, QUARTILES).alias("quartiles"),
        ]
    return F.struct(*aggregates)


def summarize(df: DataFrame) -> dict[str, dict[str, Any]]:
    """Every column's summary, keyed by column name, from one Spark job."""
    fields = df.schema.fields
    row = df.agg(F.count(F.lit(1)).alias("rows"), *[_summary(f).alias(f"c{i}") for i, f in enumerate(fields)]).collect()[0]
    return {field.name: {"rows": row["rows"], **row[f"c{i}"].asDict()} for i, field in enumerate(fields)}
