"""What runs found: anomalies across runs and the profiled columns, both read-only."""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from dataquality.admin.common import ReadOnlyAdmin, severity_badge
from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileRun
from dataquality.reports.display import short_run_id
from dataquality.reports.severity import ordered_severities
from dataquality.services.grants import readable_runs


def run_link(profile_run_id):
    url = reverse("admin:dataquality_profilerun_change", args=[profile_run_id])
    return format_html('<a href="{}" title="{}">{}</a>', url, profile_run_id, short_run_id(profile_run_id))


LISTED_RUNS = 20


class RecentRunFilter(admin.RelatedFieldListFilter):
    """The latest runs and the one chosen, newest first. The filter lists its choices on every page of the list,
    and a list of every run would load thousands of runs for each page; older runs are a link from their page."""

    def field_choices(self, field, request, model_admin):
        shown = list(readable_runs(request.user).order_by("-created_at").values_list("pk", flat=True)[:LISTED_RUNS])
        chosen = [value for value in self.lookup_val or () if _is_uuid(value)]
        shown += readable_runs(request.user).filter(pk__in=chosen).values_list("pk", flat=True)
        return field.get_choices(include_blank=False, ordering=("-created_at",), limit_choices_to={"pk__in": shown})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class SeverityFilter(admin.SimpleListFilter):
    """The severities present, most severe first (not alphabetically, which would put low before medium)."""

    title = "severity"
    parameter_name = "severity"

    def lookups(self, request, model_admin):
        present = model_admin.get_queryset(request).values_list("severity", flat=True).distinct()
        return [(severity, severity) for severity in ordered_severities(present)]

    def queryset(self, request, queryset):
        return queryset.filter(severity=self.value()) if self.value() else queryset


@admin.register(ProfileAnomaly)
class ProfileAnomalyAdmin(ReadOnlyAdmin):
    grant_path = "profile_run__table_group__connection"
    list_display = ["severity_colour", "anomaly_type", "table_name", "column_name", "description", "run", "report"]
    list_filter = [SeverityFilter, "anomaly_type", ("profile_run", RecentRunFilter), "table_name"]
    search_fields = ["description", "table_name", "column_name", "anomaly_type", "profile_run__profile_run_id"]
    list_select_related = ["profile_run"]
    ordering = ["-detected_at", "id"]

    @admin.display(description="severity", ordering="severity")
    def severity_colour(self, anomaly):
        return severity_badge(anomaly.severity)

    @admin.display(description="run", ordering="profile_run__created_at")
    def run(self, anomaly):
        return run_link(anomaly.profile_run_id)

    @admin.display(description="report")
    def report(self, anomaly):
        url = reverse("profile-run-report", args=[anomaly.profile_run_id]) + "#anomalies"
        return format_html('<a href="{}">Report</a>', url)


@admin.register(ProfileColumn)
class ProfileColumnAdmin(ReadOnlyAdmin):
    grant_path = "profile_run__table_group__connection"
    list_display = ["column_name", "table_name", "data_type", "null_count", "distinct_count", "run"]
    list_filter = [("profile_run", RecentRunFilter), "table_name", "general_type"]
    search_fields = ["column_name", "table_name", "profile_run__profile_run_id"]

    @admin.display(description="run", ordering="profile_run__created_at")
    def run(self, column):
        return run_link(column.profile_run_id)
