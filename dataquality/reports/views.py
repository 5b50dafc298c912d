"""The report pages. Thin: the permission check, one selector call, one template.

Anonymous users are sent to the login (`LOGIN_URL`); a logged-in user without the view permission gets 403, and
a run on a workspace the user holds no grant on is a 404 (dataquality/services/grants.py).
"""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView

from dataquality.models import ProfileRun
from dataquality.reports.landing import latest_run_per_group
from dataquality.reports.run_report import TableNotInRun, build_run_report, get_report_run
from dataquality.services.error_details import for_user

VIEW_RUNS = "dataquality.view_profilerun"


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
        return {**super().get_context_data(**kwargs), "report": report, "error_message": error_message}


class ProfileRunTableReportView(ProfileRunReportView):
    """One table of a run with every column's details: where a large run's report links for them."""

    template_name = "dataquality/report_table.html"


class LandingView(PermissionRequiredMixin, TemplateView):
    permission_required = VIEW_RUNS
    template_name = "dataquality/landing.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "groups": latest_run_per_group(self.request.user)}
