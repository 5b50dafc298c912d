"""Reads of stored rows. They return model instances and plain data; the API decides how to shape them."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef

from dataquality.models import (
    ProfileAnomaly,
    ProfileColumn,
    ProfileColumnValue,
    ProfileResult,
    ProfileRun,
    ProfileRunStatus,
)
from dataquality.services.results.manifest import qualified_table_name
from dataquality.services.access.pii import PII_ANOMALY_TYPE, WITHHELD_METRICS


def profile_run_results(profile_run: ProfileRun) -> list[ProfileResult]:
    """The run's tables, in order. Each carries `profile_columns`, its columns in ordinal order, and each
    column carries `top_values` and `top_patterns`, ranked lists of `{"value", "count"}`.

    Three queries whatever the number of tables and columns.
    """
    ranked: dict[tuple[str, str, str], dict[str, list[dict]]] = defaultdict(
        lambda: {ProfileColumnValue.Kind.VALUE: [], ProfileColumnValue.Kind.PATTERN: []}
    )
    for entry in profile_run.column_values.order_by("rank", "id"):
        ranked[(entry.schema_name, entry.table_name, entry.column_name)][entry.kind].append(
            {"value": entry.value, "count": entry.frequency}
        )
    columns_by_table: dict[tuple[str, str], list] = defaultdict(list)
    for column in profile_run.columns.order_by("schema_name", "table_name", "ordinal_position", "id"):
        values = ranked[(column.schema_name, column.table_name, column.column_name)]
        column.top_values = values[ProfileColumnValue.Kind.VALUE]
        column.top_patterns = values[ProfileColumnValue.Kind.PATTERN]
        columns_by_table[(column.schema_name, column.table_name)].append(column)
    results = list(profile_run.results.order_by("schema_name", "table_name"))
    for result in results:
        result.profile_columns = columns_by_table[(result.schema_name, result.table_name)]
    return results


def previous_completed_run(profile_run: ProfileRun) -> ProfileRun | None:
    """The group's last completed run created before this one: what this run is compared with."""
    return _adjacent_completed_run(profile_run, later=False)


def next_completed_run(profile_run: ProfileRun) -> ProfileRun | None:
    """The group's first completed run created after this one."""
    return _adjacent_completed_run(profile_run, later=True)


def _adjacent_completed_run(profile_run: ProfileRun, *, later: bool) -> ProfileRun | None:
    side = "created_at__gt" if later else "created_at__lt"
    return (
        ProfileRun.objects.filter(
            table_group_id=profile_run.table_group_id, status=ProfileRunStatus.COMPLETED,
            **{side: profile_run.created_at},
        )
        .order_by("created_at" if later else "-created_at")
        .first()
    )


# --- history (contract 11.1) ------------------------------------------------------------------------------

TABLE_HISTORY_METRICS = ("row_count", "column_count")
COLUMN_HISTORY_METRICS = (
    "null_share", "null_count", "distinct_count", "distinct_share", "blank_share", "mean", "stddev", "p50",
    "min_length", "max_length", "avg_length",
)
# Shares are counts over the table's rows; the rest are stored as they are.
_SHARE_OF = {"null_share": "null_count", "distinct_share": "distinct_count", "blank_share": "blank_count"}
# Values of the data itself: a column flagged as potential PII answers null for them (stored ones are cleared
# already; this keeps the promise for rows of any age).
PII_WITHHELD_HISTORY = frozenset(WITHHELD_METRICS)


def metric_history(table_group_id: int, *, metric: str, schema_name: str, table_name: str,
                   column_name: str | None, limit: int) -> list[dict]:
    """`[{profile_run_id, completed_at, value}]` of one metric over the group's completed runs that profiled the
    table (or column), oldest first, the last `limit` of them. One query, whatever the number of runs."""
    runs = {"profile_run__table_group_id": table_group_id, "profile_run__status": ProfileRunStatus.COMPLETED}
    where = {**runs, "schema_name": schema_name, "table_name": table_name}
    if column_name is None:
        rows = ProfileResult.objects.filter(**where).values("profile_run_id", "profile_run__completed_at", metric)
        points = [(row, row[metric]) for row in _newest(rows, limit)]
    else:
        stored = _SHARE_OF.get(metric, metric)
        pii = ProfileAnomaly.objects.filter(
            profile_run_id=OuterRef("profile_run_id"), anomaly_type=PII_ANOMALY_TYPE,
            table_name=qualified_table_name(schema_name, table_name), column_name=column_name,
        )
        rows = (
            ProfileColumn.objects.filter(**where, column_name=column_name)
            .annotate(is_pii=Exists(pii))
            .values("profile_run_id", "profile_run__completed_at", "row_count", "is_pii", stored)
        )
        points = [(row, _column_value(row, metric, stored)) for row in _newest(rows, limit)]
    return [
        {"profile_run_id": row["profile_run_id"], "completed_at": row["profile_run__completed_at"], "value": value}
        for row, value in reversed(points)
    ]


def _newest(rows, limit: int):
    return rows.order_by("-profile_run__completed_at", "-profile_run__created_at")[:limit]


def _column_value(row: dict, metric: str, stored: str):
    if row["is_pii"] and metric in PII_WITHHELD_HISTORY:
        return None
    value = row[stored]
    if metric in _SHARE_OF:
        return None if value is None or not row["row_count"] else value / row["row_count"]
    return value
