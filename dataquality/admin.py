"""Django admin (contract section 9). Secrets are never stored, so none can be shown; anomalies and
results are read-only because only a run's payload may write them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from dataquality.databricks import DatabricksError, DatabricksNotConfigured
from dataquality.models import Connection, Dataset, ProfileAnomaly, ProfileColumn, ProfileResult, ProfileRun, Table, TableGroup
from dataquality.services.cancellation import RunAlreadyFinal, cancel_profile_run
from dataquality.services.profiling import ActiveRunExists, DataQualityProfilingService, LaunchFailed
from dataquality.services.reconcile import poll_profile_run
from dataquality.services.schedules import SCHEDULE_FIELDS, reschedule_table_group
from dataquality.services.table_groups import delete_table_group

DATABRICKS_FAILURES = (DatabricksError, DatabricksNotConfigured)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["name", "host", "auth_type", "secret_ref"]
    search_fields = ["name", "host"]
    fieldsets = [
        (None, {"fields": ["name", "host", "auth_type", "client_id"]}),
        ("Secret", {"fields": ["secret_ref"], "description": "The name of the environment variable that holds the token or client secret."}),
        ("Overrides", {"fields": ["profiling_notebook_path", "cluster_id", "policy_id"]}),
    ]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


class TableInline(admin.TabularInline):
    model = Table
    extra = 0


@admin.register(TableGroup)
class TableGroupAdmin(admin.ModelAdmin):
    list_display = [
        "name", "dataset", "connection", "catalog", "schema_name", "schedule", "next_run_at", "profiling_job_id",
    ]
    list_select_related = ["dataset", "connection"]  # the connection is nullable: not joined by default
    list_filter = ["dataset", "connection", "schedule_enabled"]
    search_fields = ["name", "schema_name", "profiling_job_id"]
    readonly_fields = [
        "profiling_job_id", "job_settings_fingerprint", "next_run_at", "schedule_last_skipped_at",
        "schedule_last_skip_reason",
    ]
    inlines = [TableInline]
    actions = ["start_profile_run"]

    @admin.display(description="Schedule")
    def schedule(self, group):
        if not group.schedule_cron:
            return "-"
        return f"{group.schedule_cron} ({group.schedule_timezone}){'' if group.schedule_enabled else ', disabled'}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or set(form.changed_data) & set(SCHEDULE_FIELDS):
            reschedule_table_group(table_group=obj)

    @admin.action(description="Start a profile run")
    def start_profile_run(self, request, queryset):
        service = DataQualityProfilingService()
        for group in queryset.select_related("connection"):
            try:
                result = service.start_profile_for_table_group(table_group=group, requested_by=request.user.get_username())
                self.message_user(request, f"{group}: run {result.profile_run.pk} started.", messages.SUCCESS)
            except (ActiveRunExists, LaunchFailed, *DATABRICKS_FAILURES) as exc:
                self.message_user(request, f"{group}: {exc}", messages.ERROR)

    # Deleting a group deletes its Databricks job (contract section 4); a group whose job Databricks
    # will not delete is kept, so that no job is left behind without its group.

    def delete_model(self, request, obj):
        if not self._delete_with_job(request, obj):
            request._table_group_kept = True

    def delete_queryset(self, request, queryset):
        for group in queryset.select_related("connection"):
            self._delete_with_job(request, group)

    def response_delete(self, request, obj_display, obj_id):
        if getattr(request, "_table_group_kept", False):
            return HttpResponseRedirect(reverse("admin:dataquality_tablegroup_change", args=[obj_id]))
        return super().response_delete(request, obj_display, obj_id)

    def _delete_with_job(self, request, group: TableGroup) -> bool:
        try:
            delete_table_group(table_group=group)
        except DATABRICKS_FAILURES as exc:
            self.message_user(request, f"{group} was kept: its Databricks job could not be deleted: {exc}", messages.ERROR)
            return False
        return True


@admin.register(Table)
class TableAdmin(admin.ModelAdmin):
    list_display = ["table_name", "schema_name", "table_group"]
    list_filter = ["table_group"]
    search_fields = ["table_name", "schema_name"]


class AnomalyInline(ReadOnlyInline):
    model = ProfileAnomaly
    fields = ["table_name", "column_name", "anomaly_type", "severity", "description", "detected_at"]
    readonly_fields = fields


class ResultInline(ReadOnlyInline):
    model = ProfileResult
    fields = ["schema_name", "table_name", "row_count", "column_count", "error"]
    readonly_fields = fields


@admin.register(ProfileRun)
class ProfileRunAdmin(admin.ModelAdmin):
    list_display = ["profile_run_id", "table_group", "status", "created_at", "completed_at", "anomaly_count", "databricks_link"]
    list_filter = ["status", "table_group"]
    search_fields = ["profile_run_id", "databricks_run_id", "databricks_job_id"]
    list_select_related = ["table_group"]
    readonly_fields = [
        "profile_run_id", "table_group", "status", "requested_by", "created_at", "started_at", "completed_at",
        "row_count", "table_count", "column_count", "anomaly_count", "payload_path", "databricks_run_id",
        "databricks_job_id", "databricks_link", "error_message", "last_polled_at", "sampled", "profile_version",
    ]
    exclude = ["run_page_url"]
    inlines = [ResultInline, AnomalyInline]
    actions = ["reconcile_runs", "cancel_runs"]

    def has_add_permission(self, request):
        return False  # runs are started through the service, never typed in

    @admin.display(description="Databricks run")
    def databricks_link(self, run):
        if not run.run_page_url:
            return "-"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', run.run_page_url, run.databricks_run_id)

    @admin.action(description="Reconcile with Databricks")
    def reconcile_runs(self, request, queryset):
        for run in queryset.select_related("table_group__connection"):
            try:
                outcome = poll_profile_run(profile_run=run)
                self.message_user(request, f"{run.pk}: {outcome}.", messages.INFO)
            except DATABRICKS_FAILURES as exc:
                self.message_user(request, f"{run.pk}: {exc}", messages.ERROR)

    @admin.action(description="Cancel on Databricks")
    def cancel_runs(self, request, queryset):
        for run in queryset.select_related("table_group__connection"):
            try:
                cancel_profile_run(profile_run=run, requested_by=request.user.get_username())
                self.message_user(request, f"{run.pk}: canceled.", messages.SUCCESS)
            except (RunAlreadyFinal, *DATABRICKS_FAILURES) as exc:
                self.message_user(request, f"{run.pk}: {exc}", messages.ERROR)


@admin.register(ProfileColumn)
class ProfileColumnAdmin(admin.ModelAdmin):
    list_display = ["column_name", "table_name", "data_type", "null_count", "distinct_count", "profile_run"]
    list_filter = ["general_type"]
    search_fields = ["column_name", "table_name", "profile_run__profile_run_id"]
    list_select_related = ["profile_run"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
