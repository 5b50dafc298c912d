"""What runs found: anomalies across runs and the profiled columns, both read-only."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from dataquality.admin.common import ReadOnlyAdmin, anomaly_standing, severity_badge
from dataquality.models import Disposition, ProfileAnomaly, ProfileColumn
from dataquality.services.dispositions import set_disposition
from dataquality.services.judges.triage import NEW
from dataquality.services.access.grants import may_use_connection
from dataquality.reports.display import short_run_id
from dataquality.reports.severity import ordered_severities
from dataquality.services.access.grants import readable_runs


def run_link(profile_run_id):
    url = reverse("admin:dataquality_profilerun_change", args=[profile_run_id])
    return format_html('<a href="{}" title="{}">{}</a>', url, profile_run_id, short_run_id(profile_run_id))


LISTED_RUNS = 20
TRIAGE_PERMISSION = "dataquality.triage_profileanomaly"


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


class StandingFilter(admin.SimpleListFilter):
    """New, recurring and folded anomalies apart; dismissed, muted and confirmed ones by their disposition."""

    title = "standing"
    parameter_name = "standing"
    STANDINGS = {
        "new": NEW,
        "recurring": Q(occurrences__gt=1, disposition=Disposition.OPEN, caused_by__isnull=True),
        "folded": Q(caused_by__isnull=False),
        **{value: Q(disposition=value) for value in (Disposition.CONFIRMED, Disposition.DISMISSED, Disposition.MUTED)},
    }

    def lookups(self, request, model_admin):
        return [(name, name) for name in self.STANDINGS]

    def queryset(self, request, queryset):
        return queryset.filter(self.STANDINGS[self.value()]) if self.value() in self.STANDINGS else queryset


@admin.register(ProfileAnomaly)
class ProfileAnomalyAdmin(ReadOnlyAdmin):
    grant_path = "profile_run__table_group__connection"
    # Five columns, so that the description has room at 1,400 px beside the navigation and the filters; the
    # standing (new, recurring, folded, or what triage decided) goes under the description.
    list_display = ["severity_colour", "anomaly_type", "where", "description_and_standing", "run"]
    list_filter = [SeverityFilter, StandingFilter, "anomaly_type", ("profile_run", RecentRunFilter), "table_name"]
    search_fields = ["description", "table_name", "column_name", "anomaly_type", "profile_run__profile_run_id"]
    list_select_related = ["profile_run__table_group__connection"]
    ordering = ["-detected_at", "id"]
    actions = ["confirm", "dismiss", "mute", "reopen"]

    @admin.display(description="description · standing", ordering="description")
    def description_and_standing(self, anomaly):
        return format_html('{}<br><span class="dq-standing">{}</span>', anomaly.description, anomaly_standing(anomaly))

    # Triage: the same service and rules as the API (the permission, and a grant on the group's connection).

    def has_triage_permission(self, request) -> bool:
        return request.user.has_perm(TRIAGE_PERMISSION)

    def _dispose(self, request, queryset, disposition: str) -> None:
        done = refused = 0
        for anomaly in queryset.select_related("profile_run__table_group__connection"):
            if not may_use_connection(request.user, anomaly.profile_run.table_group.connection):
                refused += 1
                continue
            set_disposition(anomaly=anomaly, disposition=disposition, by=request.user.get_username())
            done += 1
        self.message_user(request, f"{done} anomal{'y' if done == 1 else 'ies'} set to {disposition}.")
        if refused:
            self.message_user(
                request, f"{refused} left as they were: you have no grant on their connection.", messages.WARNING
            )

    @admin.action(description="Confirm: a real problem, carried to its recurrences", permissions=["triage"])
    def confirm(self, request, queryset):
        self._dispose(request, queryset, Disposition.CONFIRMED)

    @admin.action(description="Dismiss: not a problem, until a run without it", permissions=["triage"])
    def dismiss(self, request, queryset):
        self._dispose(request, queryset, Disposition.DISMISSED)

    @admin.action(description="Mute until reopened", permissions=["triage"])
    def mute(self, request, queryset):
        self._dispose(request, queryset, Disposition.MUTED)

    @admin.action(description="Reopen (and lift a mute)", permissions=["triage"])
    def reopen(self, request, queryset):
        self._dispose(request, queryset, Disposition.OPEN)

    @admin.display(description="severity", ordering="severity")
    def severity_colour(self, anomaly):
        return severity_badge(anomaly.severity)

    @admin.display(description="table.column", ordering="table_name")
    def where(self, anomaly):
        return f"{anomaly.table_name}.{anomaly.column_name}" if anomaly.column_name else anomaly.table_name

    @admin.display(description="run", ordering="profile_run__created_at")
    def run(self, anomaly):
        """The run's admin page and its report, one cell."""
        url = reverse("profile-run-report", args=[anomaly.profile_run_id]) + "#anomalies"
        return format_html('{}<br><a href="{}">Report</a>', run_link(anomaly.profile_run_id), url)


@admin.register(ProfileColumn)
class ProfileColumnAdmin(ReadOnlyAdmin):
    grant_path = "profile_run__table_group__connection"
    list_display = ["column_name", "table_name", "data_type", "functional_type", "null_count", "distinct_count", "run"]
    list_filter = [("profile_run", RecentRunFilter), "table_name", "general_type", "functional_type"]
    search_fields = ["column_name", "table_name", "profile_run__profile_run_id"]

    @admin.display(description="run", ordering="profile_run__created_at")
    def run(self, column):
        return run_link(column.profile_run_id)
