"""The landing page's data: each table group with its latest run and that run's anomaly counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from dataquality.models import ProfileRun, TableGroup
from dataquality.services.access.grants import readable_table_groups
from dataquality.reports.display import format_count, format_duration, short_run_id
from dataquality.reports.severity import run_severity_counts, with_severity_counts


@dataclass
class GroupLatestRun:
    group_id: int
    group_name: str
    dataset_name: str
    schema: str
    run: ProfileRun | None
    short_id: str = ""
    duration_text: str = ""
    row_count_text: str = ""
    severity_counts: list[tuple[str, str, int]] | None = None
    report_url: str = ""


def latest_run_per_group(user) -> list[GroupLatestRun]:
    """Every group `user` may read, by dataset and name, with its most recent run (of any status). Two queries."""
    latest = ProfileRun.objects.filter(table_group=OuterRef("pk")).order_by("-created_at").values("pk")[:1]
    groups = list(
        readable_table_groups(user).select_related("dataset").annotate(latest_run_id=Subquery(latest)).order_by("dataset__name", "name")
    )
    run_ids = [group.latest_run_id for group in groups if group.latest_run_id]
    runs = with_severity_counts(ProfileRun.objects.filter(pk__in=run_ids)).in_bulk() if run_ids else {}
    return [_row(group, runs.get(group.latest_run_id)) for group in groups]


def _row(group: TableGroup, run: ProfileRun | None) -> GroupLatestRun:
    catalog_schema = ".".join(part for part in (group.catalog, group.schema_name) if part)
    if run is None:
        return GroupLatestRun(group.pk, group.name, group.dataset.name, catalog_schema, None)
    return GroupLatestRun(
        group_id=group.pk,
        group_name=group.name,
        dataset_name=group.dataset.name,
        schema=catalog_schema,
        run=run,
        short_id=short_run_id(run.pk),
        duration_text=format_duration(run.duration_ms),
        row_count_text=format_count(run.row_count),
        severity_counts=run_severity_counts(run),
        report_url=reverse("profile-run-report", args=[run.pk]),
    )
