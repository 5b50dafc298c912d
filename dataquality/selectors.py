"""Reads that shape stored rows for the API."""

from __future__ import annotations

from collections import defaultdict

from dataquality.api.serializers import ProfileColumnSerializer, ProfileResultSerializer
from dataquality.models import ProfileColumnValue, ProfileRun


def profile_run_results(profile_run: ProfileRun) -> list[dict]:
    """The run's tables, each with its columns, and each column with its ranked top values and patterns.

    Three queries whatever the number of tables and columns.
    """
    ranked: dict[tuple[str, str, str], dict[str, list[dict]]] = defaultdict(
        lambda: {ProfileColumnValue.Kind.VALUE: [], ProfileColumnValue.Kind.PATTERN: []}
    )
    for entry in profile_run.column_values.order_by("rank", "id"):
        ranked[(entry.schema_name, entry.table_name, entry.column_name)][entry.kind].append(
            {"value": entry.value, "count": entry.frequency}
        )
    columns_by_table: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for column in profile_run.columns.order_by("schema_name", "table_name", "ordinal_position", "id"):
        values = ranked[(column.schema_name, column.table_name, column.column_name)]
        columns_by_table[(column.schema_name, column.table_name)].append(
            {
                **ProfileColumnSerializer(column).data,
                "top_values": values[ProfileColumnValue.Kind.VALUE],
                "top_patterns": values[ProfileColumnValue.Kind.PATTERN],
            }
        )
    return [
        {**ProfileResultSerializer(result).data, "columns": columns_by_table[(result.schema_name, result.table_name)]}
        for result in profile_run.results.order_by("schema_name", "table_name")
    ]
