"""Pass 2: one wide-to-long group-by giving exact top values, top patterns and key duplicate checks.

Every column that needs it contributes (column, kind, value-as-string) rows through one `explode`; a single
`groupBy(column, kind, value)` then counts each value. One window over each (column, kind), on the executors,
ranks the groups by count and, over the whole partition, counts them (the column's exact distinct count) and
those seen more than once (duplicates). Only the top N rows of each partition are kept, and the rank-1 row
carries the partition's totals, so the driver receives at most N rows per column and kind, the table is scanned
and shuffled once, and the number of Spark jobs does not grow with the number of columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from . import rules, text_checks
from .columns import BINARY, NESTED, OTHER, TEXT, ColumnSpec
from .pass_one import MAX_VALUE_LENGTH

TOP_LIMIT = 10
TOP_VALUES_MAX_DISTINCT = 1000  # approximate distinct count up to which a column's top values are computed
VALUES, KEYS, PATTERNS = 0, 1, 2  # kinds: values with top N, values for the duplicate check only, patterns
_NOT_GROUPABLE = frozenset({BINARY, NESTED, OTHER})


@dataclass(frozen=True)
class PassTwoPlan:
    """Which columns pass 2 covers, and how."""

    value_columns: tuple[int, ...]
    key_columns: tuple[int, ...]  # key candidates, whether or not also in value_columns
    pattern_columns: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.value_columns or self.key_columns or self.pattern_columns)


@dataclass
class PassTwoResult:
    top_values: dict[int, list[dict[str, Any]]]
    top_patterns: dict[int, list[dict[str, Any]]]
    exact_distinct_counts: dict[int, int]
    duplicated_value_counts: dict[int, int]  # key candidates only


def plan_pass_two(
    specs: Sequence[ColumnSpec], pass_one: Mapping[int, Mapping[str, Any]], thresholds: Mapping[str, float]
) -> PassTwoPlan:
    value_columns, key_columns, pattern_columns = [], [], []
    for spec in specs:
        metrics = pass_one[spec.index]
        non_null = metrics["row_count"] - metrics["null_count"]
        if spec.general_type in _NOT_GROUPABLE or non_null == 0:
            continue
        if metrics["distinct_count"] <= TOP_VALUES_MAX_DISTINCT:
            value_columns.append(spec.index)
        if rules.is_key_candidate(
            column_name=spec.name,
            data_type=spec.data_type,
            distinct_count=metrics["distinct_count"],
            non_null_count=non_null,
            min_distinct_ratio=thresholds["key_distinct_min_ratio"],
        ):
            key_columns.append(spec.index)
        if spec.general_type == TEXT:
            pattern_columns.append(spec.index)
    return PassTwoPlan(tuple(value_columns), tuple(key_columns), tuple(pattern_columns))


def run_pass_two(df: DataFrame, specs: Sequence[ColumnSpec], plan: PassTwoPlan) -> PassTwoResult:
    """One Spark job scanning `df` (plus its shuffle stages), whatever the number of columns."""
    result = PassTwoResult({}, {}, {}, {})
    if plan.is_empty:
        return result
    for row in _pass_two_frame(df, specs, plan).collect():
        column, kind, rank = row["c"], row["k"], row["rank"]
        if kind != KEYS and rank <= TOP_LIMIT:
            target = result.top_patterns if kind == PATTERNS else result.top_values
            target.setdefault(column, []).append({"value": row["v"], "count": row["n"], "rank": rank})
        if rank == 1 and kind != PATTERNS:
            result.exact_distinct_counts[column] = row["groups"]
            if column in plan.key_columns:
                result.duplicated_value_counts[column] = row["duplicated"]
    for ranked in (*result.top_values.values(), *result.top_patterns.values()):
        ranked.sort(key=lambda entry: entry.pop("rank"))
    return result


def _pass_two_frame(df: DataFrame, specs: Sequence[ColumnSpec], plan: PassTwoPlan) -> DataFrame:
    by_index = {spec.index: spec for spec in specs}
    entries = []
    for index in sorted(set(plan.value_columns) | set(plan.key_columns)):
        kind = VALUES if index in plan.value_columns else KEYS
        entries.append(_entry(index, kind, by_index[index].ref.cast("string")))
    for index in plan.pattern_columns:
        entries.append(_entry(index, PATTERNS, text_checks.pattern_of(by_index[index].ref)))

    long = (
        df.select(F.explode(F.array(*entries)).alias("e"))
        .select("e.c", "e.k", "e.v")
        .where(F.col("v").isNotNull())
    )
    groups = long.groupBy("c", "k", "v").agg(F.count(F.lit(1)).alias("n"))

    # One partitioning and one ordering for all three window expressions: a single Window operator, fed by a
    # single exchange. The totals use the whole partition as their frame.
    by_frequency = Window.partitionBy("c", "k").orderBy(F.desc("n"), F.asc("v"))
    whole_partition = by_frequency.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    ranked = groups.select(
        "c", "k", "v", "n",
        F.row_number().over(by_frequency).alias("rank"),
        F.count(F.lit(1)).over(whole_partition).alias("groups"),
        F.count(F.when(F.col("n") > 1, True)).over(whole_partition).alias("duplicated"),
    )
    kept = F.when(F.col("k") == KEYS, F.col("rank") == 1).otherwise(F.col("rank") <= TOP_LIMIT)
    return ranked.where(kept).select(
        "c", "k", F.substring("v", 1, MAX_VALUE_LENGTH).alias("v"), "n", "rank", "groups", "duplicated"
    )


def _entry(index: int, kind: int, value: Column) -> Column:
    return F.struct(F.lit(index).alias("c"), F.lit(kind).alias("k"), value.alias("v"))
