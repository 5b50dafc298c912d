"""Profile runs: a list that fits one screen, a read-only page with its tables and anomalies, and the
reconcile and cancel actions, which go through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from dataquality.admin.common import (
    DATABRICKS_FAILURES,
    ReadOnlyAdmin,
    ReadOnlyInline,
    anomaly_standing,
    compact_time,
    severity_badge,
    severity_counts,
)
from dataquality.models import ProfileAnomaly, ProfileResult, ProfileRun
from dataquality.reports.display import format_duration, short_run_id
from dataquality.reports.severity import with_severity_counts
from dataquality.services.launch.cancellation import RunAlreadyFinal, cancel_profile_run
from dataquality.services.access.grants import ConnectionNotGranted, require_grant
from dataquality.services.monitor.sweep import reconcile_profile_runs

# Permissions of the actions, as the API requires them (contract section 3). Reconciling may relaunch a
# run stuck in `queued`, so it needs what starting needs.
CANCEL_PERMISSION = "dataquality.cancel_profilerun"
RECONCILE_PERMISSION = "dataquality.start_profilerun"


class AnomalyInline(ReadOnlyInline):
    model = ProfileAnomaly
    fk_name = "profile_run"
    fields = ["severity_colour", "anomaly_type", "table_name", "column_name", "description", "standing"]
    readonly_fields = fields

    @admin.display(description="severity")
    def severity_colour(self, anomaly):
        return severity_badge(anomaly.severity)

    @admin.display(description="standing")
    def standing(self, anomaly):
        return anomaly_standing(anomaly)


class ResultInline(ReadOnlyInline):
    model = ProfileResult
    fields = ["schema_name", "table_name", "row_count", "column_count", "error", "reused_from"]
    readonly_fields = fields


@admin.register(ProfileRun)
class ProfileRunAdmin(ReadOnlyAdmin):
    list_display = [
        "short_id", "group", "dataset", "status_badge", "started", "duration", "anomalies",
        "databricks_link", "report_link",
    ]
    list_filter = ["status", ("table_group", admin.RelatedOnlyFieldListFilter)]  # granted groups only
    search_fields = ["profile_run_id", "databricks_run_id", "databricks_job_id", "table_group__name"]
    list_select_related = ["table_group__dataset"]
    fieldsets = [
        (None, {"fields": [
            "profile_run_id", "table_group", "status", "report_link", "databricks_link", "requested_by", "error_message",
        ]}),
        ("Times", {"fields": ["created_at", "started_at", "completed_at", "duration", "last_polled_at"]}),
        ("Results", {"fields": [
            "row_count", "table_count", "column_count", "anomaly_count", "open_anomaly_count", "new_anomaly_count",
            "sampled", "profile_version", "force_full", "warnings",
        ]}),
        ("Databricks", {"fields": ["databricks_run_id", "databricks_job_id", "payload_path"]}),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]
    inlines = [ResultInline, AnomalyInline]
    actions = ["reconcile_runs", "cancel_runs"]

    def get_queryset(self, request):
        return with_severity_counts(super().get_queryset(request))

    @admin.display(description="run")  # sorted by "started": a sort control here would widen the list
    def short_id(self, run):
        return format_html('<span title="{}">{}</span>', run.pk, short_run_id(run.pk))

    @admin.display(description="group", ordering="table_group__name")
    def group(self, run):
        return run.table_group

    @admin.display(description="dataset", ordering="table_group__dataset__name")
    def dataset(self, run):
        return run.table_group.dataset

    @admin.display(description="status", ordering="status")
    def status_badge(self, run):
        return format_html('<span class="dq-status dq-status-{}">{}</span>', run.status, run.status)

    @admin.display(description="started", ordering="started_at")
    def started(self, run):
        # Date over time, so that the whole row fits a 1,400 px screen beside the navigation and the filters.
        if not run.started_at:
            return "—"
        day, time = compact_time(run.started_at).split(" ")
        return format_html("{}<br>{}", day, time)

    @admin.display(description="duration")
    def duration(self, run):
        return format_duration(run.duration_ms)

    @admin.display(description="anomalies", ordering="anomaly_count")
    def anomalies(self, run):
        """By severity, and under them how many are open and new (contract 11.3)."""
        if run.open_anomaly_count is None:
            return severity_counts(run)
        new = "—" if run.new_anomaly_count is None else run.new_anomaly_count
        return format_html("{}<br><small>open {} · new {}</small>", severity_counts(run), run.open_anomaly_count, new)

    @admin.display(description="Databricks")
    def databricks_link(self, run):
        if not run.run_page_url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{} ↗</a>', run.run_page_url, run.databricks_run_id)

    @admin.display(description="report")
    def report_link(self, run):
        return format_html('<a href="{}">Report</a>', reverse("profile-run-report", args=[run.pk]))

    def has_reconcile_permission(self, request) -> bool:
        return request.user.has_perm(RECONCILE_PERMISSION)

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm(CANCEL_PERMISSION)

    @admin.action(description="Reconcile with Databricks", permissions=["reconcile"])
    def reconcile_runs(self, request, queryset):
        """The beat sweep, for the selected runs whether due or not (final runs are skipped)."""
        granted = self._granted_runs(request, queryset)
        if not granted:
            return
        summary = reconcile_profile_runs(run_ids=granted)
        for run_id, detail in summary.details.items():
            self.message_user(request, f"{run_id}: {detail}.", messages.INFO)
        self.message_user(request, summary.line(), messages.WARNING if summary.errors else messages.SUCCESS)

    @admin.action(description="Cancel on Databricks", permissions=["cancel"])
    def cancel_runs(self, request, queryset):
        for run in queryset.select_related("table_group__connection"):
            try:
                require_grant(request.user, [run])
                cancel_profile_run(profile_run=run, requested_by=request.user.get_username())
                self.message_user(request, f"{run.pk}: canceled.", messages.SUCCESS)
            except (ConnectionNotGranted, RunAlreadyFinal, *DATABRICKS_FAILURES) as exc:
                self.message_user(request, f"{run.pk}: {exc}", messages.ERROR)

    def _granted_runs(self, request, queryset) -> list:
        """The ids of the selected runs on workspaces the user may use; the others are reported and left alone."""
        granted = []
        for run in queryset.select_related("table_group__connection"):
            try:
                require_grant(request.user, [run])
            except ConnectionNotGranted as exc:
                self.message_user(request, f"{run.pk}: {exc}", messages.ERROR)
            else:
                granted.append(run.pk)
        return granted
