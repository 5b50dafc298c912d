"""What the judges compare: the tables and columns of one run, as plain values.

A snapshot is built from stored rows (a run of the history) or from the rows a completion is about to write (the
run being judged), so every judge reads both the same way and none of them queries the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

TableKey = tuple[str, str]  # (schema_name, table_name)


@dataclass(frozen=True)
class ColumnState:
    data_type: str
    general_type: str
    row_count: int | None
    null_count: int | None
    distinct_count: int | None
    blank_count: int | None
    mean: float | None
    stddev: float | None
    values: frozenset[str | None] | None = None  # every distinct value, when the top values list them all

    def share(self, count: int | None) -> float | None:
        """`count` as a fraction of the column's rows."""
        if count is None or not self.row_count:
            return None
        return count / self.row_count

    def metric(self, name: str) -> float | None:
        """A monitored metric by its history name (`null_share`, `distinct_count`, `mean`, `blank_share`)."""
        if name == "null_share":
            return self.share(self.null_count)
        if name == "blank_share":
            return self.share(self.blank_count)
        return getattr(self, name)


@dataclass
class TableState:
    row_count: int | None
    failed: bool
    columns: dict[str, ColumnState] = field(default_factory=dict)


Snapshot = dict[TableKey, TableState]

COLUMN_FIELDS = (
    "schema_name", "table_name", "column_name", "data_type", "general_type", "row_count", "null_count",
    "distinct_count", "blank_count", "mean", "stddev",
)


def snapshot(results: Iterable, columns: Iterable, top_values: Iterable = ()) -> Snapshot:
    """Tables from `results`, their columns from `columns` (objects with `COLUMN_FIELDS` as attributes), and the
    columns' complete value sets from `top_values` (objects with the column's names and a `value`)."""
    tables: Snapshot = {
        (result.schema_name, result.table_name): TableState(result.row_count, bool(result.error)) for result in results
    }
    values: dict[tuple[str, str, str], set[str | None]] = {}
    for entry in top_values:
        values.setdefault((entry.schema_name, entry.table_name, entry.column_name), set()).add(entry.value)
    for column in columns:
        table = tables.get((column.schema_name, column.table_name))
        if table is None:
            continue
        listed = values.get((column.schema_name, column.table_name, column.column_name), set())
        # The engine keeps the ten most frequent values: only when they are all of them is a missing one gone.
        complete = bool(listed) and len(listed) == column.distinct_count
        table.columns[column.column_name] = ColumnState(
            data_type=column.data_type,
            general_type=column.general_type,
            row_count=column.row_count,
            null_count=column.null_count,
            distinct_count=column.distinct_count,
            blank_count=column.blank_count,
            mean=column.mean,
            stddev=column.stddev,
            values=frozenset(listed) if complete else None,
        )
    return tables
