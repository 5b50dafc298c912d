"""The benchmark's two parquet tables, generated with Spark once and reused while their shape still matches.

Every value is a hash of the row id and the column's position, so a table comes out the same whatever the
partitioning or the machine: no `rand()`, no clock.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

# Files per table: enough for both Spark and DuckDB to split the scan over every core.
FILES_PER_TABLE = 8
LOW_CARDINALITY_WORDS = ["alpha", "beta", "gamma", "delta", "N/A", "", " epsilon", "zeta", "eta", "theta"]
# The share of nulls in a nullable column, by its position: most columns have some, a few have none.
NULL_RATES = [0.0, 0.01, 0.05, 0.2]
EPOCH_2015 = 1_420_070_400  # 2015-01-01T00:00:00Z
TEN_YEARS_SECONDS = 10 * 365 * 86_400


def _hash(salt: int, modulus: int) -> Column:
    """A deterministic value in [0, modulus) from the row id."""
    return F.pmod(F.xxhash64(F.col("id"), F.lit(salt)), F.lit(modulus))


def _with_nulls(value: Column, salt: int, null_rate: float) -> Column:
    if null_rate == 0:
        return value
    return F.when(_hash(salt + 10_000, 10_000) < int(null_rate * 10_000), F.lit(None)).otherwise(value)


def _integer(salt: int) -> Column:
    return (_hash(salt, 20_000) - 1_000).cast("int")


def _double(salt: int) -> Column:
    return (_hash(salt, 10_000_000) / 100.0 - 5_000.0).cast("double")


def _low_cardinality_string(salt: int) -> Column:
    words = F.array(*[F.lit(word) for word in LOW_CARDINALITY_WORDS])
    return F.element_at(words, (_hash(salt, len(LOW_CARDINALITY_WORDS)) + 1).cast("int"))


def _high_cardinality_string(salt: int) -> Column:
    return F.concat(F.lit("key-"), F.hex(F.xxhash64(F.col("id"), F.lit(salt))))


def _date(salt: int) -> Column:
    return F.date_add(F.lit("2015-01-01").cast("date"), _hash(salt, 3_650).cast("int"))


def _timestamp(salt: int) -> Column:
    return F.timestamp_seconds(F.lit(EPOCH_2015) + _hash(salt, TEN_YEARS_SECONDS))


def _boolean(salt: int) -> Column:
    return _hash(salt, 3) != 0


# Column kinds of the wide table, cycled in this order.
WIDE_KINDS: dict[str, Callable[[int], Column]] = {
    "int": _integer,
    "double": _double,
    "code": _low_cardinality_string,
    "key": _high_cardinality_string,
    "date": _date,
    "ts": _timestamp,
    "flag": _boolean,
}


def _narrow_columns() -> list[Column]:
    return [
        F.col("id").alias("order_id"),
        _low_cardinality_string(1).alias("status"),
        _with_nulls(F.concat(F.lit("user"), _hash(2, 1_000_000), F.lit("@example.com")), 2, 0.02).alias("email"),
        _with_nulls(_double(3), 3, 0.05).alias("amount"),
        _integer(4).alias("quantity"),
        _date(5).alias("order_date"),
        _with_nulls(_timestamp(6), 6, 0.01).alias("updated_at"),
        _with_nulls(_boolean(7), 7, 0.01).alias("is_active"),
    ]


def _wide_columns(column_count: int) -> list[Column]:
    kinds = list(WIDE_KINDS.items())
    columns = [F.col("id")]
    for position in range(1, column_count):
        kind, build = kinds[(position - 1) % len(kinds)]
        null_rate = NULL_RATES[position % len(NULL_RATES)]
        columns.append(_with_nulls(build(position), position, null_rate).alias(f"{kind}_{position:02d}"))
    return columns


@dataclass(frozen=True)
class TableSpec:
    name: str
    rows: int
    column_count: int

    @property
    def table_name(self) -> str:
        """The name the table is profiled under: the narrow table's rows are orders, so `order_id` is its own key
        (a key candidate, checked for duplicates) as in the benchmark's earlier figures."""
        return "orders" if self.name == "narrow" else self.name

    @property
    def directory_name(self) -> str:
        return f"{self.name}_{self.rows}x{self.column_count}"

    def build(self, spark: SparkSession) -> DataFrame:
        ids = spark.range(0, self.rows, 1, numPartitions=FILES_PER_TABLE)
        columns = _narrow_columns() if self.name == "narrow" else _wide_columns(self.column_count)
        return ids.select(*columns)


WIDE_ROWS = 2_000_000
WIDE_COLUMNS = 60


def wide_table(rows: int, column_count: int = WIDE_COLUMNS) -> TableSpec:
    """A wide table of any width: `id`, then the kinds of `WIDE_KINDS` in turn (200 columns for the memory target)."""
    return TableSpec("wide", max(1, rows), column_count)


def benchmark_tables(rows_scale: float) -> tuple[TableSpec, TableSpec]:
    """The 5M-row, 8-column table and the 2M-row, 60-column table, scaled."""
    return TableSpec("narrow", max(1, int(5_000_000 * rows_scale)), 8), wide_table(int(WIDE_ROWS * rows_scale))


def _is_complete(spark: SparkSession, spec: TableSpec, path: Path) -> bool:
    if not (path / "_SUCCESS").exists():
        return False
    table = spark.read.parquet(str(path))
    return len(table.columns) == spec.column_count and table.count() == spec.rows


def ensure_table(spark: SparkSession, spec: TableSpec, data_dir: Path) -> Path:
    """The table's parquet directory, written only when missing or of the wrong shape."""
    path = data_dir / spec.directory_name
    if path.exists() and _is_complete(spark, spec, path):
        return path
    shutil.rmtree(path, ignore_errors=True)
    spec.build(spark).write.parquet(str(path))
    return path
