"""The report pages. Thin: the permission check, one selector call, one template.

Anonymous users are sent to the login (`LOGIN_URL`); a logged-in user without the view permission gets 403, and
a run on a workspace the user holds no grant on is a 404 (dataquality/services/access/grants.py).
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from dataquality.models import Disposition, ProfileAnomaly, ProfileRun
from dataquality.reports.browse import RunFilters, group_page, runs_page
from dataquality.reports.landing import GroupSearch, latest_run_per_group
from dataquality.reports.run_report import TableNotInRun, build_run_report, get_report_run
from dataquality.services.dispositions import MuteInThePast, set_disposition
from dataquality.services.access.error_details import for_user
from dataquality.services.access.grants import (
    ConnectionNotGranted,
    may_use_connection,
    readable_runs,
    readable_table_groups,
    require_grant,
    scope_to_grants,
)

VIEW_RUNS = "dataquality.view_profilerun"
TRIAGE = "dataquality.triage_profileanomaly"


class ProfileRunReportView(PermissionRequiredMixin, TemplateView):
    """The run report: header, anomalies, the comparison with the previous run, tables and columns."""

    permission_required = VIEW_RUNS
    template_name = "dataquality/report.html"

    def get_context_data(self, **kwargs):
        table_name = self.kwargs.get("table_name")
        try:
            report = build_run_report(
                get_report_run(self.kwargs["profile_run_id"], user=self.request.user), table_name=table_name
            )
        except ProfileRun.DoesNotExist as exc:
            raise Http404("No such profile run.") from exc
        except TableNotInRun as exc:
            raise Http404("The run profiled no such table.") from exc
        # The run's error as this user may see it: without hosts unless staff (as the API shows it).
        error_message = for_user(report.run.error_message, self.request.user)
        user = self.request.user
        can_triage = user.has_perm(TRIAGE) and may_use_connection(user, report.run.table_group.connection)
        return {
            **super().get_context_data(**kwargs), "report": report, "error_message": error_message,
            "can_triage": can_triage, "dispositions": Disposition.choices,
        }


class ProfileRunTableReportView(ProfileRunReportView):
    """One table of a run with every column's details: where a large run's report links for them."""

    template_name = "dataquality/report_table.html"


class LandingView(PermissionRequiredMixin, TemplateView):
    permission_required = VIEW_RUNS
    template_name = "dataquality/landing.html"

    def get_context_data(self, **kwargs):
        search = GroupSearch(self.request.GET)
        page, groups = latest_run_per_group(self.request.user, search, self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "search": search, "page": page, "groups": groups,
                "query": _query_without_page(self.request)}


class RunsView(PermissionRequiredMixin, TemplateView):
    """Every run, filtered by dataset, group, status and time, searchable by group name, paginated."""

    permission_required = VIEW_RUNS
    template_name = "dataquality/runs.html"

    def get_context_data(self, **kwargs):
        filters = RunFilters(self.request.GET or None, user=self.request.user)
        page, rows = runs_page(readable_runs(self.request.user), filters, self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "filters": filters, "page": page, "rows": rows,
                "query": _query_without_page(self.request)}


class TableGroupPageView(PermissionRequiredMixin, TemplateView):
    """A table group's trends (row counts, open anomalies), its schedule and its latest runs."""

    permission_required = VIEW_RUNS
    template_name = "dataquality/table_group.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        group = get_object_or_404(readable_table_groups(user).select_related("dataset", "connection"), pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "page": group_page(group, readable_runs(user))}


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(choices=Disposition.choices)
    note = forms.CharField(required=False, max_length=2000)
    muted_until = forms.DateField(required=False)


class AnomalyDispositionView(PermissionRequiredMixin, View):
    """The report's triage form (no script needed): set the disposition, then back to the report."""

    permission_required = (VIEW_RUNS, TRIAGE)
    http_method_names = ["post"]

    def post(self, request, pk):
        readable = scope_to_grants(ProfileAnomaly.objects.all(), request.user)
        anomaly = get_object_or_404(readable.select_related("profile_run__table_group__connection"), pk=pk)
        try:
            require_grant(request.user, [anomaly])
        except ConnectionNotGranted as exc:
            raise PermissionDenied(str(exc)) from exc
        form = DispositionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            until = _end_of_day(data["muted_until"]) if data["disposition"] == Disposition.MUTED else None
            try:
                set_disposition(anomaly=anomaly, disposition=data["disposition"], note=data["note"],
                                muted_until=until, by=request.user.get_username())
                messages.success(request, f"{anomaly.anomaly_type} on {anomaly.table_name}: {data['disposition']}.")
            except MuteInThePast as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
        report = reverse("profile-run-report", args=[anomaly.profile_run_id])
        return HttpResponseRedirect(f"{report}#anomaly-{anomaly.pk}")


def _end_of_day(day):
    return None if day is None else datetime.combine(day, time.max, timezone.get_current_timezone())


def _query_without_page(request) -> str:
    """The page's query string without `page`, for its pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
