"""Pieces shared by the admin pages: read-only bases, severity colours and per-severity anomaly counts."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.formats import date_format
from django.utils.timezone import localtime

from dataquality.databricks import DatabricksError, DatabricksNotConfigured
from dataquality.reports.severity import run_severity_counts, severity_css_class, standing_text
from dataquality.services.access.grants import scope_to_grants

# DatabricksNotConfigured is a deployment problem, not a Databricks answer, so it is listed apart.
DATABRICKS_FAILURES = (DatabricksError, DatabricksNotConfigured)


class AdminStyles:
    css = {"all": ["dataquality/admin.css"]}


class GrantScoped:
    """The API's read rule in the admin: rows on workspaces the user holds no grant on are left out of the
    list, its filters and its pages (an id of one is "not found"). `grant_path` leads to the connection."""

    grant_path: str | None = None  # None: the model's own (dataquality.services.access.grants.CONNECTION_PATHS)

    def get_queryset(self, request):
        return scope_to_grants(super().get_queryset(request), request.user, self.grant_path)


class NoWrites:
    """Viewable, never added, changed or deleted by hand: only a run's payload writes these rows.

    Without change permission Django renders the view-only page, which has no Save or Delete button.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoWrites, GrantScoped, admin.ModelAdmin):
    Media = AdminStyles


class ReadOnlyInline(NoWrites, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
    classes = ["dq-readonly-inline"]  # admin.css hides the row titles, which repeat the row's own columns


def severity_badge(severity: str):
    return format_html('<span class="dq-sev {}">{}</span>', severity_css_class(severity), severity)


def severity_counts(run) -> str:
    """The run's anomaly counts as coloured chips (from `with_severity_counts`), or a dash when it has none."""
    chips = run_severity_counts(run)
    if not chips:
        return "—"
    return format_html_join(" ", '<span class="dq-sev {}" title="{}">{}</span>', chips)


def compact_time(value) -> str:
    return date_format(localtime(value), "DATETIME_FORMAT") if value else "—"


def anomaly_standing(anomaly) -> str:
    """The report's standing, and for a triage decision who made it and why."""
    text = standing_text(
        folded=anomaly.caused_by_id is not None, disposition=anomaly.disposition, occurrences=anomaly.occurrences
    )
    if anomaly.caused_by_id is None and anomaly.disposition != "open":
        note = f": {anomaly.disposition_note}" if anomaly.disposition_note else ""
        text += f" by {anomaly.disposition_by or '?'}{note}"
    return text
