"""Connections, datasets, table groups and their tables: what an operator sets up before profiling.

Groups and tables on a workspace follow the API's grant rule: without a grant on the connection they can be
viewed, not changed, deleted or run, and the forms offer only connections (or groups) the user may use.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from dataquality.admin.common import (
    DATABRICKS_FAILURES,
    AdminStyles,
    GrantScoped,
    ReadOnlyInline,
    compact_time,
    severity_counts,
)
from dataquality.models import (
    Connection,
    Dataset,
    ProfileAnomaly,
    ProfileColumn,
    ProfileResult,
    ProfileRun,
    ProfileRunStatus,
    Table,
    TableGroup,
)
from dataquality.reports.display import format_duration, short_run_id
from dataquality.reports.severity import with_severity_counts
from dataquality.services.access.error_details import for_user
from dataquality.services.access.grants import ConnectionNotGranted, may_use_connection, require_grant
from dataquality.services.launch.profiling import ActiveRunExists, DataQualityProfilingService, LaunchFailed
from dataquality.admin.table_group_form import TableGroupForm
from dataquality.services.launch.table_check import TableSettingsInvalid
from dataquality.services.launch.table_groups import (
    delete_table_group,
    delete_table_group_job,
    save_table_group,
)
from dataquality.services.access.workspaces import connection_errors

# The permission the API's start endpoints require (contract section 3).
START_PERMISSION = "dataquality.start_profilerun"
RECENT_RUNS = 10
# What a group's runs leave, deleted with the group (verbose names, as the admin's delete page lists them).
RUN_ROWS = {str(model._meta.verbose_name) for model in (ProfileRun, ProfileAnomaly, ProfileResult, ProfileColumn)}


class ConnectionForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # The API's check, field for field; a field that failed its own validation is not checked twice.
        errors = connection_errors(
            host=cleaned.get("host", ""), secret_ref=cleaned.get("secret_ref", ""),
            auth_type=cleaned.get("auth_type", ""), client_id=cleaned.get("client_id", ""),
        )
        for field, message in errors.items():
            if field in cleaned:
                self.add_error(field, message)
        return cleaned


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    form = ConnectionForm
    list_display = ["name", "host", "auth_type", "secret_ref"]
    search_fields = ["name", "host"]
    fieldsets = [
        (None, {"fields": ["name", "host", "auth_type", "client_id"]}),
        ("Secret", {"fields": ["secret_ref"], "description": "The name of the environment variable that holds the token or client secret."}),
        ("Overrides", {"fields": ["profiling_notebook_path", "cluster_id", "policy_id", "results_schema"]}),
        ("Grant", {"fields": ["allowed_users", "allowed_groups"], "description": "Who may run table groups on this workspace, besides the staff who manage connections."}),
    ]
    filter_horizontal = ["allowed_users", "allowed_groups"]


class GrantedWorkspaceAdmin(GrantScoped, admin.ModelAdmin):
    """Objects on a workspace the user holds no grant on are not shown (GrantScoped), nor changed or deleted;
    the form's `grant_field` offers (and, being a choice, only accepts) granted targets."""

    grant_field: str

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and granted(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and granted(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == self.grant_field and field is not None:
            field.queryset = field.queryset.filter(pk__in=[target.pk for target in field.queryset if granted(request, target)])
            if db_field.null and not may_use_connection(request.user, None):
                field.required = True  # blank is the default workspace, which this user holds no grant on
        return field


def granted(request, target) -> bool:
    """Whether the user may use the workspace of `target` (None: nothing to check)."""
    if target is None:
        return True
    try:
        require_grant(request.user, [target])
    except ConnectionNotGranted:
        return False
    return True


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


class TableInline(admin.TabularInline):
    """Tables named one by one. The masks select the schema's other tables at each run, so this list may well be
    empty: the group's "tables profiled" field shows what its last run covered."""

    model = Table
    extra = 0
    verbose_name = "explicit table"
    verbose_name_plural = "explicit tables (profiled besides the tables the masks select; often none)"


class RecentRunsFormSet(BaseInlineFormSet):
    """Only the group's latest runs: the full history is one link away, on the runs list."""

    def get_queryset(self):
        if not hasattr(self, "_recent_runs"):
            self._recent_runs = super().get_queryset().order_by("-created_at")[:RECENT_RUNS]
        return self._recent_runs


class RecentRunInline(ReadOnlyInline):
    model = ProfileRun
    formset = RecentRunsFormSet
    verbose_name = "recent profile run"
    verbose_name_plural = f"recent profile runs (latest {RECENT_RUNS})"
    fields = ["run", "status", "started", "duration", "anomalies"]
    readonly_fields = fields

    def get_queryset(self, request):
        return with_severity_counts(super().get_queryset(request))

    @admin.display(description="run")
    def run(self, run):
        url = reverse("admin:dataquality_profilerun_change", args=[run.pk])
        return format_html('<a href="{}" title="{}">{}</a>', url, run.pk, short_run_id(run.pk))

    @admin.display(description="started")
    def started(self, run):
        return compact_time(run.started_at)

    @admin.display(description="duration")
    def duration(self, run):
        return format_duration(run.duration_ms)

    @admin.display(description="anomalies")
    def anomalies(self, run):
        return severity_counts(run)


@admin.register(TableGroup)
class TableGroupAdmin(GrantedWorkspaceAdmin):
    form = TableGroupForm
    grant_field = "connection"
    list_display = ["name", "dataset", "connection", "schema", "schedule", "profiling_job_id"]
    list_select_related = ["dataset", "connection"]  # the connection is nullable: not joined by default
    list_filter = [
        ("dataset", admin.RelatedOnlyFieldListFilter), ("connection", admin.RelatedOnlyFieldListFilter), "schedule_enabled",
    ]
    search_fields = ["name", "schema_name", "profiling_job_id"]
    readonly_fields = [
        "tables_profiled", "profiling_job_id", "profiling_job_host", "settings_fingerprint", "all_runs",
        "next_run_at", "schedule_last_skipped_at", "schedule_last_skip_reason",
    ]
    inlines = [TableInline, RecentRunInline]
    actions = ["start_profile_run"]
    Media = AdminStyles

    @admin.display(description="schema", ordering="schema_name")
    def schema(self, group):
        return ".".join(part for part in (group.catalog, group.schema_name) if part)

    @admin.display(description="job settings fingerprint")
    def settings_fingerprint(self, group):
        """Its first 12 characters tell two settings apart; the whole is on hover."""
        fingerprint = group.job_settings_fingerprint
        return format_html('<code title="{}">{}</code>', fingerprint, fingerprint[:12]) if fingerprint else "—"

    @admin.display(description="tables profiled")
    def tables_profiled(self, group):
        """What the masks and explicit tables came to in the group's last completed run."""
        run = group.pk and group.profile_runs.filter(status=ProfileRunStatus.COMPLETED).order_by("-completed_at").first()
        if not run:
            return "— (no completed run yet; the masks are applied when a run starts)"
        names = [f"{result.schema_name}.{result.table_name}" for result in run.results.order_by("schema_name", "table_name")]
        return f"{len(names)} in run {short_run_id(run.pk)}: {', '.join(names) or 'none'}"

    @admin.display(description="schedule")
    def schedule(self, group):
        """The cron in its zone, then the next run (or why there is none): one cell, so the list fits a screen."""
        if not group.schedule_cron:
            return "—"
        after = f"next {compact_time(group.next_run_at)}" if group.schedule_enabled else "disabled"
        return format_html("{} ({})<br>{}", group.schedule_cron, group.schedule_timezone, after)

    def save_model(self, request, obj, form, change):
        # Through the service, which retires the group's job from its old workspace on a change of connection.
        save_table_group(table_group=obj)
        for warning in form.table_check.warnings:
            self.message_user(request, warning, messages.WARNING)

    @admin.display(description="profile runs")
    def all_runs(self, group):
        if not group.pk:
            return "—"
        url = reverse("admin:dataquality_profilerun_changelist") + f"?table_group__id__exact={group.pk}"
        return format_html('<a href="{}">All runs of this group</a>', url)

    # Starting a run: the change page's button and the list's action share one path and one permission check.

    def has_start_permission(self, request) -> bool:
        return request.user.has_perm(START_PERMISSION)

    @admin.action(description="Start a profile run", permissions=["start"])
    def start_profile_run(self, request, queryset):
        for group in queryset.select_related("connection"):
            self._start_run(request, group)

    def get_urls(self):
        start = self.admin_site.admin_view(self.start_profile_run_view)
        return [
            path("<path:object_id>/start-profile-run/", start, name="dataquality_tablegroup_start_profile_run"),
            *super().get_urls(),
        ]

    def start_profile_run_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # get_object answers None for an id that is no group's, malformed ones included (a 404, not a 500).
        group = self.get_object(request, unquote(object_id))
        if group is None:
            raise Http404("No such table group.")
        if not (self.has_view_permission(request, group) and self.has_start_permission(request)):
            raise PermissionDenied
        run = self._start_run(request, group)
        if run is not None:
            return HttpResponseRedirect(reverse("admin:dataquality_profilerun_change", args=[run.pk]))
        return HttpResponseRedirect(reverse("admin:dataquality_tablegroup_change", args=[group.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_start_profile_run": self.has_start_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _start_run(self, request, group: TableGroup) -> ProfileRun | None:
        try:
            require_grant(request.user, [group])
            result = DataQualityProfilingService().start_profile_for_table_group(
                table_group=group, requested_by=request.user.get_username()
            )
        except (ConnectionNotGranted, ActiveRunExists, LaunchFailed, TableSettingsInvalid, *DATABRICKS_FAILURES) as exc:
            self.message_user(request, f"{group}: {exc}", messages.ERROR)
            return None
        run = result.profile_run
        if run.status == ProfileRunStatus.QUEUED:  # a transient Databricks error: the sweep launches it later
            self.message_user(request, f"{group}: run {run.pk} queued. {for_user(run.error_message, request.user)}", messages.WARNING)
        else:
            self.message_user(request, f"{group}: run {run.pk} started.", messages.SUCCESS)
        return run

    # Deleting a group deletes its Databricks job (contract section 4); a group whose job Databricks
    # will not delete is kept, so that no job is left behind without its group.

    def delete_view(self, request, object_id, extra_context=None):
        """The job goes first, before the transaction Django's delete page opens: no Databricks call waits
        inside it, and a group that is kept is not logged as deleted."""
        if request.method == "POST":
            group = self.get_object(request, unquote(object_id))
            if group is not None and self.has_delete_permission(request, group):
                _, _, perms_needed, protected = self.get_deleted_objects([group], request)
                if not (perms_needed or protected) and not self._delete_job(request, group):
                    return HttpResponseRedirect(reverse("admin:dataquality_tablegroup_change", args=[group.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        # The bulk action, which Django runs outside a transaction.
        for group in queryset.select_related("connection"):
            if not granted(request, group):
                self.message_user(request, f"{group} was kept: you have no grant on its connection.", messages.ERROR)
                continue
            if self._delete_job(request, group):
                delete_table_group(table_group=group)

    def get_deleted_objects(self, objs, request):
        """A group's runs and what they found go with it. Their pages are read-only, so Django would ask for a
        delete permission nobody has; the API asks for `delete_tablegroup` alone, and so does this."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed - RUN_ROWS, protected

    def _delete_job(self, request, group: TableGroup) -> bool:
        try:
            delete_table_group_job(table_group=group)
        except DATABRICKS_FAILURES as exc:
            self.message_user(request, f"{group} was kept: its Databricks job could not be deleted: {exc}", messages.ERROR)
            return False
        return True


@admin.register(Table)
class TableAdmin(GrantedWorkspaceAdmin):
    grant_field = "table_group"
    list_display = ["table_name", "schema_name", "table_group"]
    list_filter = [("table_group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["table_name", "schema_name"]
