"""Pass 2: one wide-to-long group-by giving exact distinct counts, top values, top patterns, key duplicate checks,
the value checks of text columns and, for text columns with top values, the values that match once standardized.

1. Every column that needs it contributes (column, kind, value) rows through one `explode` (integers as longs,
   anything else as its string form), and a single `groupBy(column, kind, value)` counts each distinct value: the
   only shuffle that carries the data. Booleans are not grouped: pass 1 counts their two values.
2. Each distinct value is then looked at once, not once per row: the text checks (blank-like, numeric-like, ...)
   and the pattern of a text value are computed per group, in a projection of their own, and weighted by its
   count. A second aggregate folds the groups of a column into its totals (distinct values, duplicated values,
   check counts), its pattern counts and, for text columns with top values, its standardized forms (upper case,
   no spaces or punctuation); only the groups of columns whose top values are wanted keep their own row, so this
   shuffle stays small.
3. The checks that read only a value's pattern (case, non-printing characters, list and zip shapes, ...) are then
   counted on the folded pattern rows: once per distinct pattern, far fewer than the distinct values.
4. One window over each (column, kind) ranks what is left by count and sums the totals, on the executors.

The driver receives at most `TOP_LIMIT` rows per column and kind, the table is scanned once, and the number of
Spark jobs does not grow with the number of columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from . import rules, text_checks
from .columns import BINARY, BOOLEAN, NESTED, OTHER, TEXT, ColumnSpec
from .pass_one import DISTINCT_RSD, MAX_VALUE_LENGTH

TOP_LIMIT = 10
TOP_VALUES_MAX_DISTINCT = 1000  # approximate distinct count up to which a column's top values are computed
# Kinds of grouped rows: values ranked for the top N, values only counted, patterns (ranked), standardized forms
# that more than one distinct value shares.
RANKED, COUNTED, PATTERNS, STANDARDIZED = 0, 1, 2, 3
# Per-column totals: those counted per distinct value, carried by the value rows, and those counted per pattern,
# carried by the pattern rows.
_NUMBERS_WITH_LIST_SHAPE = text_checks.NUMBERS_WITH_LIST_SHAPE
_VALUE_CHECK_NAMES = (*text_checks.VALUE_COUNT_CHECKS, *text_checks.SHAPE_COUNT_CHECKS, _NUMBERS_WITH_LIST_SHAPE)
_PATTERN_CHECK_NAMES = tuple(text_checks.PATTERN_COUNT_CHECKS)
_VALUE_TOTALS = ("groups", "duplicated", *_VALUE_CHECK_NAMES)
_TOTALS = (*_VALUE_TOTALS, *_PATTERN_CHECK_NAMES)
# Booleans are not grouped either: pass 1 counts their two values exactly (see `add_boolean_values`).
_NOT_GROUPED = frozenset({BINARY, NESTED, OTHER, BOOLEAN})
# A column whose estimated distinct ratio is this close below the key threshold may still reach it exactly: it is
# grouped too, and the engine decides on the exact count (three standard errors of the estimate).
KEY_RATIO_MARGIN = 3 * DISTINCT_RSD


@dataclass(frozen=True)
class PassTwoPlan:
    """Which columns pass 2 covers, and how."""

    value_columns: tuple[int, ...]  # top values wanted
    key_columns: tuple[int, ...]  # possible key candidates (see KEY_RATIO_MARGIN), also in value_columns or not
    text_columns: tuple[int, ...]  # value checks and top patterns

    @property
    def grouped_columns(self) -> tuple[int, ...]:
        return tuple(sorted({*self.value_columns, *self.key_columns, *self.text_columns}))

    @property
    def is_empty(self) -> bool:
        return not self.grouped_columns


@dataclass
class PassTwoResult:
    top_values: dict[int, list[dict[str, Any]]]
    top_patterns: dict[int, list[dict[str, Any]]]
    exact_distinct_counts: dict[int, int]
    duplicated_value_counts: dict[int, int]  # possible key candidates only
    value_check_counts: dict[int, dict[str, int]]  # text columns only
    # Text columns with top values: (distinct values sharing a standardized form with another, forms they share).
    standardized_matches: dict[int, tuple[int, int]]


def plan_pass_two(
    specs: Sequence[ColumnSpec],
    pass_one: Mapping[int, Mapping[str, Any]],
    roles: Mapping[int, str | None],
    thresholds: Mapping[str, float],
) -> PassTwoPlan:
    """`roles`: each column's key role by name (`rules.key_role`); only a table's own key can be a candidate."""
    value_columns, key_columns, text_columns = [], [], []
    for spec in specs:
        metrics = pass_one[spec.index]
        non_null = metrics["row_count"] - metrics["null_count"]
        if spec.general_type in _NOT_GROUPED or non_null == 0:
            continue
        if metrics["distinct_count"] <= TOP_VALUES_MAX_DISTINCT:
            value_columns.append(spec.index)
        if rules.is_key_candidate(
            role=roles.get(spec.index),
            data_type=spec.data_type,
            distinct_count=metrics["distinct_count"],
            non_null_count=non_null,
            min_distinct_ratio=thresholds["key_distinct_min_ratio"] * (1 - KEY_RATIO_MARGIN),
        ):
            key_columns.append(spec.index)
        if spec.general_type == TEXT:
            text_columns.append(spec.index)
    return PassTwoPlan(tuple(value_columns), tuple(key_columns), tuple(text_columns))


def run_pass_two(df: DataFrame, specs: Sequence[ColumnSpec], plan: PassTwoPlan) -> PassTwoResult:
    """One Spark job scanning `df` (plus its shuffle stages), whatever the number of columns."""
    result = PassTwoResult({}, {}, {}, {}, {}, {})
    if plan.is_empty:
        return result
    for row in _pass_two_frame(df, specs, plan).collect():
        column, kind, rank = row["c"], row["k"], row["rank"]
        if kind == STANDARDIZED:
            # Each surviving form is one row: `duplicated` was set to 1 per form, `groups` counts its values.
            result.standardized_matches[column] = (row["groups"], row["duplicated"])
            continue
        if kind != COUNTED:
            target = result.top_patterns if kind == PATTERNS else result.top_values
            target.setdefault(column, []).append({"value": row["v"], "count": row["n"], "rank": rank})
        if rank != 1:
            continue
        if kind == PATTERNS:
            checks = result.value_check_counts.setdefault(column, {})
            checks.update({name: row[name] for name in _PATTERN_CHECK_NAMES})
            continue
        result.exact_distinct_counts[column] = row["groups"]
        if column in plan.key_columns:
            result.duplicated_value_counts[column] = row["duplicated"]
        if column in plan.text_columns:
            checks = result.value_check_counts.setdefault(column, {})
            checks.update({name: row[name] for name in _VALUE_CHECK_NAMES})
    for checks in result.value_check_counts.values():
        checks["delimited_count"] -= checks.pop(_NUMBERS_WITH_LIST_SHAPE)
    for ranked in (*result.top_values.values(), *result.top_patterns.values()):
        ranked.sort(key=lambda entry: entry.pop("rank"))
    return result


def add_boolean_values(
    result: PassTwoResult, specs: Sequence[ColumnSpec], pass_one: Mapping[int, Mapping[str, Any]]
) -> None:
    """Top values and exact distinct counts of boolean columns, from pass 1's true and false counts."""
    for spec in specs:
        if spec.general_type != BOOLEAN:
            continue
        counts = {"true": pass_one[spec.index]["true_count"], "false": pass_one[spec.index]["false_count"]}
        ranked = sorted(((value, count) for value, count in counts.items() if count), key=lambda vc: (-vc[1], vc[0]))
        result.top_values[spec.index] = [{"value": value, "count": count} for value, count in ranked]
        result.exact_distinct_counts[spec.index] = len(ranked)


def _grouping_value(spec: ColumnSpec) -> tuple[Column, Column]:
    """The value to group by, as `v` (a string) or, for integers, as `i` (a long): integers (ids above all) are
    hashed and shuffled cheaper as they are than as strings."""
    if isinstance(spec.spark_type, T.IntegralType):
        return F.lit(None).cast("string").alias("v"), spec.ref.cast("bigint").alias("i")
    return spec.ref.cast("string").alias("v"), F.lit(None).cast("bigint").alias("i")


def _pass_two_frame(df: DataFrame, specs: Sequence[ColumnSpec], plan: PassTwoPlan) -> DataFrame:
    by_index = {spec.index: spec for spec in specs}
    entries = [
        F.struct(
            F.lit(index).alias("c"),
            F.lit(RANKED if index in plan.value_columns else COUNTED).alias("k"),
            *_grouping_value(by_index[index]),
        )
        for index in plan.grouped_columns
    ]
    groups = (
        df.select(F.explode(F.array(*entries)).alias("e"))
        .select("e.c", "e.k", "e.v", "e.i")
        .where(F.col("v").isNotNull() | F.col("i").isNotNull())
        .groupBy("c", "k", "v", "i")
        .agg(F.count(F.lit(1)).alias("n"))
    )
    folded = _fold_groups(groups, plan.text_columns, [i for i in plan.text_columns if i in plan.value_columns])

    # One partitioning and one ordering for every window expression: a single Window operator over a small input.
    by_frequency = Window.partitionBy("c", "k").orderBy(F.desc("n"), F.asc("v"))
    whole_partition = by_frequency.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    totals = [F.sum(name).over(whole_partition).alias(name) for name in _TOTALS]
    ranked = folded.select("c", "k", "v", "n", F.row_number().over(by_frequency).alias("rank"), *totals)
    return ranked.where(F.col("rank") <= TOP_LIMIT).select(
        "c", "k", F.substring("v", 1, MAX_VALUE_LENGTH).alias("v"), "n", "rank", *_TOTALS
    )


def _fold_groups(groups: DataFrame, text_columns: Sequence[int], standardized_columns: Sequence[int]) -> DataFrame:
    """Per distinct value: its checks and pattern. Then one row per ranked value, one per column whose values are
    only counted, carrying the column's totals, one per pattern, carrying the counts of the checks read from it,
    and one per standardized form that more than one distinct value shares."""
    value, count = F.col("v"), F.col("n")
    is_text = F.col("c").isin(*text_columns) if text_columns else F.lit(False)
    checked = is_text & text_checks.may_match_a_check(value)
    # The checks and the pattern are computed in projections of their own, not inside the explode below: the
    # Luhn check has no generated code, and an explode holding it would evaluate every check interpreted. (Spark
    # merges the two projections into one; only that one runs without whole-stage code.)
    pattern_of_value = F.when(is_text, text_checks.pattern_of(value))
    with_shapes = groups.select(
        "c", "k", "v", "i", "n", pattern_of_value.alias("pattern"),
        *[F.when(is_text & check(value), count).otherwise(0).alias(name)
          for name, check in text_checks.SHAPE_COUNT_CHECKS.items()],
    )
    pattern_value = F.col("pattern")
    per_value = with_shapes.select(
        "c", "k", "v", "i", "n", "pattern", *text_checks.SHAPE_COUNT_CHECKS,
        *[F.when(checked & check(value), count).otherwise(0).alias(name)
          for name, check in text_checks.VALUE_COUNT_CHECKS.items()],
        F.when(checked & text_checks.is_number_with_list_shape(value), count).otherwise(0)
        .alias(_NUMBERS_WITH_LIST_SHAPE),
    )
    folded_value = F.struct(
        F.col("k").alias("k"),
        # counted-only values fold into one row per column
        F.when(F.col("k") == RANKED, F.coalesce(value, F.col("i").cast("string"))).alias("v"),
        F.lit(1).cast("bigint").alias("groups"),
        F.when(count > 1, 1).otherwise(0).cast("bigint").alias("duplicated"),
        *[F.col(name) for name in _VALUE_CHECK_NAMES],
    )
    no_totals = [F.lit(0).cast("bigint").alias(name) for name in _VALUE_TOTALS]
    pattern = F.struct(F.lit(PATTERNS).alias("k"), pattern_value.alias("v"), *no_totals)
    standardizes = F.col("c").isin(*standardized_columns) if standardized_columns else F.lit(False)
    standard = text_checks.standardized(value)
    standard_form = F.struct(
        F.lit(STANDARDIZED).alias("k"), standard.alias("v"), F.lit(1).cast("bigint").alias("groups"), *no_totals[1:]
    )
    # Blank values standardize to nothing: they are non_standard_blanks' business, not a match.
    records = F.array(
        folded_value, F.when(pattern_value.isNotNull(), pattern), F.when(standardizes & (standard != ""), standard_form)
    )
    exploded = (
        per_value.select("c", "n", F.explode(records).alias("r")).where(F.col("r").isNotNull()).select("c", "n", "r.*")
    )
    sums = [F.sum(name).alias(name) for name in _VALUE_TOTALS]
    folded = exploded.groupBy("c", "k", "v").agg(F.sum("n").alias("n"), *sums)
    # A form that one distinct value alone has matches nothing; each form kept counts as one in `duplicated`.
    is_form = F.col("k") == STANDARDIZED
    is_pattern = F.col("k") == PATTERNS
    return folded.where(~is_form | (F.col("groups") > 1)).select(
        "c", "k", "v", "n", "groups",
        F.when(is_form, F.lit(1).cast("bigint")).otherwise(F.col("duplicated")).alias("duplicated"),
        *_VALUE_CHECK_NAMES,
        *[F.when(is_pattern & check(F.col("v")), F.col("n")).otherwise(0).alias(name)
          for name, check in text_checks.PATTERN_COUNT_CHECKS.items()],
    )
