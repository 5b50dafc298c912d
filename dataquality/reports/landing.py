"""The landing page's data: each table group with its latest run and that run's anomaly counts, a page at a time
(a deployment may hold ten thousand groups), searchable by group or dataset name."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from dataquality.models import ProfileRun, TableGroup
from dataquality.services.access.grants import readable_table_groups
from dataquality.reports.display import format_count, format_duration, short_run_id
from dataquality.reports.severity import run_severity_counts, with_severity_counts


GROUPS_PER_PAGE = 50


class GroupSearch(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Group or dataset")


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


def latest_run_per_group(user, search: GroupSearch, page_number) -> tuple[Page, list[GroupLatestRun]]:
    """One page of the groups `user` may read, by dataset and name, each with its most recent run (of any
    status). Four queries, whatever the number of groups: the count, the page's groups, their latest runs' ids
    (looked up for the page's groups only), those runs with their counts."""
    groups = readable_table_groups(user).select_related("dataset").order_by("dataset__name", "name", "pk")
    if search.is_valid() and search.cleaned_data["q"]:
        words = search.cleaned_data["q"]
        groups = groups.filter(Q(name__icontains=words) | Q(dataset__name__icontains=words))
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(page_number)
    latest = ProfileRun.objects.filter(table_group=OuterRef("pk")).order_by("-created_at").values("pk")[:1]
    latest_ids = dict(
        TableGroup.objects.filter(pk__in=[group.pk for group in page.object_list])
        .annotate(latest_run_id=Subquery(latest)).values_list("pk", "latest_run_id")
    )
    run_ids = [run_id for run_id in latest_ids.values() if run_id]
    runs = with_severity_counts(ProfileRun.objects.filter(pk__in=run_ids)).in_bulk() if run_ids else {}
    return page, [_row(group, runs.get(latest_ids.get(group.pk))) for group in page.object_list]


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
