"""Reads of stored rows. They return model instances and plain data; the API decides how to shape them."""

from __future__ import annotations

from collections import defaultdict

from dataquality.models import ProfileColumnValue, ProfileResult, ProfileRun, ProfileRunStatus


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
    return (
        ProfileRun.objects.filter(
            table_group_id=profile_run.table_group_id,
            status=ProfileRunStatus.COMPLETED,
            created_at__lt=profile_run.created_at,
        )
        .order_by("-created_at")
        .first()
    )
