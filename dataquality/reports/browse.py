"""The runs page and the group page (contract 11.5): their data as plain values, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from dataquality.models import Dataset, ProfileResult, ProfileRun, ProfileRunStatus, TableGroup
from dataquality.reports.display import format_count, format_duration, short_run_id
from dataquality.reports.trends import Sparkline, sparkline
from dataquality.services.access.grants import readable_table_groups
from dataquality.services.results.manifest import qualified_table_name

RUNS_PER_PAGE = 50
GROUP_TREND_RUNS = 90  # the group page's charts: its last completed runs
GROUP_RUNS_LISTED = 20


class RunFilters(forms.Form):
    """The runs page's filters; a bad value is shown as the form's error, never a 500. A group id is accepted only
    where the user holds a grant."""

    q = forms.CharField(required=False, max_length=200, label="Group name")
    dataset = forms.ModelChoiceField(queryset=Dataset.objects.order_by("name"), required=False)
    # An id, not a list of every group: a deployment may hold ten thousand (the group page links here with it).
    table_group = forms.ModelChoiceField(
        queryset=TableGroup.objects.none(), required=False, label="Group id",
        widget=forms.NumberInput(attrs={"min": 1, "size": 8}),
        error_messages={"invalid_choice": "no table group with this id that you may read"},
    )
    status = forms.ChoiceField(choices=[("", "any status"), *ProfileRunStatus.choices], required=False)
    since = forms.DateField(required=False, label="Created from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Created to", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["table_group"].queryset = readable_table_groups(user).order_by("name")

    def runs(self, runs: QuerySet) -> QuerySet:
        if not self.is_bound:
            return runs
        if not self.is_valid():
            return runs.none()
        data = self.cleaned_data
        if data["q"]:
            runs = runs.filter(table_group__name__icontains=data["q"])
        if data["dataset"]:
            runs = runs.filter(table_group__dataset=data["dataset"])
        if data["table_group"]:
            runs = runs.filter(table_group=data["table_group"])
        if data["status"]:
            runs = runs.filter(status=data["status"])
        zone = timezone.get_current_timezone()
        if data["since"]:
            runs = runs.filter(created_at__gte=datetime.combine(data["since"], time.min, zone))
        if data["until"]:
            runs = runs.filter(created_at__lte=datetime.combine(data["until"], time.max, zone))
        return runs


@dataclass
class RunRow:
    run: ProfileRun
    short_id: str
    group_id: int
    group_name: str
    dataset_name: str
    duration_text: str
    row_count_text: str
    report_url: str


def run_rows(runs) -> list[RunRow]:
    return [
        RunRow(
            run=run, short_id=short_run_id(run.pk), group_id=run.table_group_id, group_name=run.table_group.name,
            dataset_name=run.table_group.dataset.name, duration_text=format_duration(run.duration_ms),
            row_count_text=format_count(run.row_count), report_url=reverse("profile-run-report", args=[run.pk]),
        )
        for run in runs
    ]


def runs_page(runs: QuerySet, filters: RunFilters, page_number) -> tuple[Page, list[RunRow]]:
    """One page of the filtered runs, newest first: a count and a page query."""
    selected = filters.runs(runs.select_related("table_group__dataset").order_by("-created_at", "-pk"))
    page = Paginator(selected, RUNS_PER_PAGE).get_page(page_number)
    return page, run_rows(page.object_list)


@dataclass
class GroupPage:
    group: TableGroup
    table_trends: list[tuple[str, Sparkline | None, str]]  # (table, its row-count line, latest row count)
    open_trend: Sparkline | None
    runs: list[RunRow]
    runs_url: str
    trend_runs: int = 0
    schedule: list[tuple[str, str]] = field(default_factory=list)


def group_page(group: TableGroup, runs: QuerySet) -> GroupPage:
    """Its row counts and open anomalies over its last completed runs, and its latest runs. Four queries."""
    completed = list(
        runs.filter(table_group=group, status=ProfileRunStatus.COMPLETED)
        .order_by("-created_at").values_list("pk", "open_anomaly_count")[:GROUP_TREND_RUNS]
    )[::-1]
    position = {pk: index for index, (pk, _) in enumerate(completed)}
    rows: dict[str, list] = {}
    for run_id, schema, table, count in ProfileResult.objects.filter(profile_run_id__in=position).values_list(
        "profile_run_id", "schema_name", "table_name", "row_count"
    ):
        rows.setdefault(qualified_table_name(schema, table), [None] * len(completed))[position[run_id]] = count
    wide = {"width": 240.0, "height": 40.0}
    table_trends = [
        (name, sparkline(series, name="Rows", text=format_count, **wide), format_count(next(
            (value for value in reversed(series) if value is not None), None)))
        for name, series in sorted(rows.items())
    ]
    open_counts = [count for _, count in completed]
    latest = runs.filter(table_group=group).select_related("table_group__dataset").order_by("-created_at")
    return GroupPage(
        group=group,
        table_trends=table_trends,
        open_trend=sparkline(open_counts, name="Open anomalies", text=format_count, **wide),
        runs=run_rows(latest[:GROUP_RUNS_LISTED]),
        runs_url=reverse("runs-page") + f"?table_group={group.pk}",
        trend_runs=len(completed),
        schedule=_schedule(group),
    )


def _schedule(group: TableGroup) -> list[tuple[str, str]]:
    if not group.schedule_cron:
        return [("Schedule", "none: runs start by hand, from the API or the admin")]
    facts = [("Cron", f"{group.schedule_cron} ({group.schedule_timezone})"),
             ("Enabled", "yes" if group.schedule_enabled else "no")]
    if group.next_run_at:
        facts.append(("Next run", group.next_run_at.strftime("%Y-%m-%d %H:%M UTC")))
    if group.schedule_last_skipped_at:
        facts.append(("Last skipped", f"{group.schedule_last_skipped_at:%Y-%m-%d %H:%M} UTC: {group.schedule_last_skip_reason}"))
    return facts
