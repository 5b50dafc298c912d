"""The two writers of the result tables: thin adapters that put `results_rows` into Delta tables.

Both replace a run's rows in one Delta transaction per table (a rerun of the same `profile_run_id` leaves one row
set, never two or half) and create a table with the full schema on first use.
- `SparkDeltaWriter`, on Databricks: Spark's Delta writer, `saveAsTable` then `replaceWhere`. Spark's Delta jars
  are not available to local Spark here, so tests check its calls with a fake session (docs/lakehouse.md).
- `DeltaRsWriter`, locally (the CLI, the local stand-in): the `deltalake` package (delta-rs) under a directory,
  one Delta table per result table, with the same schema and the same replace-by-run-id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from .results_rows import BOOLEAN, DOUBLE, LONG, RESULT_TABLES, RUN_ID_COLUMN, STRING, TIMESTAMP, ResultTable, Rows

_SPARK_TYPES = {STRING: "STRING", LONG: "BIGINT", DOUBLE: "DOUBLE", BOOLEAN: "BOOLEAN", TIMESTAMP: "TIMESTAMP"}


class ResultsWriter(Protocol):
    def write(self, table: ResultTable, rows: Sequence[Mapping[str, Any]], *, profile_run_id: str) -> None: ...


def write_results(writer: ResultsWriter, rows: Rows, *, profile_run_id: str) -> None:
    """Each of the five tables in turn, each in a transaction of its own; the first failure raises."""
    for table in RESULT_TABLES:
        writer.write(table, rows[table.name], profile_run_id=profile_run_id)


def run_predicate(profile_run_id: str) -> str:
    """The SQL condition selecting one run's rows, in both writers' dialects."""
    return f"{RUN_ID_COLUMN} = '{profile_run_id.replace(chr(39), chr(39) * 2)}'"


def spark_schema(table: ResultTable) -> str:
    """The table's columns as a Spark DDL string (`name TYPE, …`)."""
    return ", ".join(f"`{name}` {_SPARK_TYPES[kind]}" for name, kind in table.columns)


class SparkDeltaWriter:
    """Spark's Delta writer into `catalog.schema`: created by `saveAsTable`, then replaced by run id."""

    def __init__(self, spark: Any, results_schema: str) -> None:
        self._spark = spark
        self._prefix = ".".join(f"`{part}`" for part in results_schema.split("."))

    def write(self, table: ResultTable, rows: Sequence[Mapping[str, Any]], *, profile_run_id: str) -> None:
        name = f"{self._prefix}.`{table.name}`"
        frame = self._spark.createDataFrame([dict(row) for row in rows], schema=spark_schema(table))
        writer = frame.write.format("delta")
        if not self._spark.catalog.tableExists(name):
            writer.saveAsTable(name)
            return
        writer.mode("overwrite").option("replaceWhere", run_predicate(profile_run_id)).saveAsTable(name)


class DeltaRsWriter:
    """delta-rs under `root`: one Delta table per result table, at `root/<table name>`."""

    def __init__(self, root: str | Path) -> None:
        self._root = Path(root)

    def table_path(self, table: ResultTable) -> Path:
        return self._root / table.name

    def write(self, table: ResultTable, rows: Sequence[Mapping[str, Any]], *, profile_run_id: str) -> None:
        import pyarrow as pa
        from deltalake import write_deltalake

        self._root.mkdir(parents=True, exist_ok=True)
        data = pa.Table.from_pylist([dict(row) for row in rows], schema=arrow_schema(table))
        # An overwrite with a predicate is delta-rs' replaceWhere: one commit deletes the run's rows and adds the new.
        write_deltalake(str(self.table_path(table)), data, mode="overwrite", predicate=run_predicate(profile_run_id))


def arrow_schema(table: ResultTable) -> Any:
    import pyarrow as pa

    types = {
        STRING: pa.string(), LONG: pa.int64(), DOUBLE: pa.float64(), BOOLEAN: pa.bool_(),
        TIMESTAMP: pa.timestamp("us", tz="UTC"),
    }
    return pa.schema([(name, types[kind]) for name, kind in table.columns])
