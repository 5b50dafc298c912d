"""The run manifest: what the notebook must profile, and what it compares against (contract section 3)."""

from __future__ import annotations

from django.db.models import F, Subquery

from dataquality.models import ProfileResult, ProfileRun, ProfileRunStatus
from dataquality.services.results.previous_tables import previous_tables
from notebooks.dq_profiler.thresholds import DEFAULT_THRESHOLDS


def build_manifest(profile_run: ProfileRun) -> dict:
    """The group's scope and sampling, its explicit tables, the thresholds, the previous row counts, and what
    the notebook needs to reuse tables unchanged since the last completed run (none with `force_full`).
    """
    group = profile_run.table_group
    return {
        "profile_run_id": str(profile_run.pk),
        "table_group_id": group.pk,
        "catalog": group.catalog,
        "schema_name": group.schema_name,
        # The contract's default: a blank include mask selects everything.
        "include_mask": group.include_mask or "%",
        "exclude_mask": group.exclude_mask,
        "sample_percent": group.sample_percent,
        "sample_min_rows": group.sample_min_rows,
        "tables": [
            {"schema_name": schema_name, "table_name": table_name}
            for schema_name, table_name in group.tables.values_list("schema_name", "table_name")
        ],
        "thresholds": default_thresholds(),
        "previous_row_counts": previous_row_counts(profile_run),
        "previous_tables": {} if profile_run.force_full else previous_tables(last_completed_run(profile_run)),
    }


def default_thresholds() -> dict:
    """The engine's anomaly thresholds; a copy, so a caller cannot change the engine's defaults."""
    return dict(DEFAULT_THRESHOLDS)


def qualified_table_name(schema_name: str, table_name: str) -> str:
    """`schema.table`, as the notebook names tables in anomalies and previous row counts."""
    return f"{schema_name}.{table_name}" if schema_name else table_name


def last_completed_run(profile_run: ProfileRun):
    """The group's last completed run other than this one, as a query (of one run or none)."""
    return (
        ProfileRun.objects.filter(table_group_id=profile_run.table_group_id, status=ProfileRunStatus.COMPLETED)
        .exclude(pk=profile_run.pk)
        .order_by(F("completed_at").desc(nulls_last=True), "-created_at")[:1]
    )


def previous_row_counts(profile_run: ProfileRun) -> dict[str, int]:
    """`{"schema.table": row_count}` from the group's last completed run other than this one, in one query."""
    last_completed = last_completed_run(profile_run).values("pk")
    rows = ProfileResult.objects.filter(profile_run=Subquery(last_completed), row_count__isnull=False).values_list(
        "schema_name", "table_name", "row_count"
    )
    return {qualified_table_name(schema_name, table_name): row_count for schema_name, table_name, row_count in rows}
