"""REST endpoints (contract section 3). Views translate HTTP to service calls and service errors to HTTP."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from dataquality.api import serializers as s
from dataquality.services.error_details import for_user, not_configured
from dataquality.api.filters import AnomalyFilter, ProfileRunFilter, TableFilter, TableGroupFilter
from dataquality.api.permissions import DATA_PERMISSIONS, ActionPermissions
from dataquality.api.errors import Conflict
from dataquality.databricks import DatabricksError, DatabricksNotConfigured
from dataquality.models import Connection, Dataset, ProfileRun, Table, TableGroup
from dataquality.selectors import profile_run_results
from dataquality.services.grants import scope_to_grants
from dataquality.services.cancellation import RunAlreadyFinal, cancel_profile_run
from dataquality.services.profiling import ActiveRunExists, DataQualityProfilingService, LaunchFailed, run_summary
from dataquality.services.table_groups import ConnectionChangeRefused, delete_table_group, save_table_group


def _detail(message: str, http_status: int, **extra) -> Response:
    return Response({"detail": message, **extra}, status=http_status)


# DatabricksNotConfigured is a deployment problem, not a Databricks answer, so it stands apart.
DATABRICKS_FAILURES = (DatabricksError, DatabricksNotConfigured)


def _databricks_error_response(exc: Exception, request) -> Response:
    if isinstance(exc, DatabricksNotConfigured):
        return Response(not_configured(exc, request.user), status=status.HTTP_503_SERVICE_UNAVAILABLE)
    return _detail(f"Databricks refused the request: {for_user(str(exc), request.user)}", status.HTTP_502_BAD_GATEWAY)


def _summary(result, request) -> dict:
    summary = result.summary()
    summary["warnings"] = [for_user(warning, request.user) for warning in summary["warnings"]]
    return summary


def _requested_by(request) -> str:
    return request.user.get_username()


class GrantScopedMixin:
    """Rows on workspaces the user holds no grant on are not there: absent from lists, 404 as details."""

    def get_queryset(self):
        return scope_to_grants(super().get_queryset(), self.request.user)


class ConnectionViewSet(viewsets.ModelViewSet):
    """Databricks workspace connections (staff only). `secret_ref` names an env var; secrets are never stored."""

    queryset = Connection.objects.all()
    serializer_class = s.ConnectionSerializer
    permission_classes = [IsAdminUser, ActionPermissions]


class DatasetViewSet(viewsets.ModelViewSet):
    queryset = Dataset.objects.all()
    serializer_class = s.DatasetSerializer
    permission_classes = DATA_PERMISSIONS

    @extend_schema(request=None, responses={202: s.DatasetLaunchSerializer})
    @action(detail=True, methods=["post"], url_path="profile-runs")
    def profile_runs(self, request, pk=None):
        """Start one run per table group of the dataset."""
        dataset = self.get_object()
        try:
            results = DataQualityProfilingService().start_profile_for_dataset(
                dataset=dataset, requested_by=_requested_by(request)
            )
        except DATABRICKS_FAILURES as exc:
            return _databricks_error_response(exc, request)
        summaries = [_summary(result, request) for result in results]
        all_refused = bool(results) and all(result.profile_run.status == "failed" for result in results)
        if all_refused:
            return _detail("Databricks refused every launch.", status.HTTP_502_BAD_GATEWAY, profile_runs=summaries)
        return Response({"profile_runs": summaries}, status=status.HTTP_202_ACCEPTED)


class TableGroupViewSet(GrantScopedMixin, viewsets.ModelViewSet):
    queryset = TableGroup.objects.all()
    serializer_class = s.TableGroupSerializer
    filterset_class = TableGroupFilter
    permission_classes = DATA_PERMISSIONS

    def perform_create(self, serializer):
        serializer.instance = save_table_group(table_group=TableGroup(**serializer.validated_data))

    def perform_update(self, serializer):
        """Through the service, which retires the group's job from its old workspace on a change of connection."""
        table_group = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(table_group, name, value)
        try:
            save_table_group(table_group=table_group)
        except ConnectionChangeRefused as exc:
            raise Conflict(str(exc)) from exc

    def destroy(self, request, *args, **kwargs):
        """Delete the group and its Databricks job."""
        try:
            delete_table_group(table_group=self.get_object())
        except DATABRICKS_FAILURES as exc:
            return _databricks_error_response(exc, request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: s.RunSummarySerializer})
    @action(detail=True, methods=["post"], url_path="profile-runs")
    def profile_runs(self, request, pk=None):
        """Start one profile run of the group."""
        table_group = self.get_object()
        try:
            result = DataQualityProfilingService().start_profile_for_table_group(
                table_group=table_group, requested_by=_requested_by(request)
            )
        except ActiveRunExists as exc:
            return _detail(str(exc), status.HTTP_409_CONFLICT, profile_run=run_summary(exc.profile_run))
        except LaunchFailed as exc:
            detail = for_user(str(exc), request.user)
            return _detail(detail, status.HTTP_502_BAD_GATEWAY, profile_run=run_summary(exc.profile_run))
        except DATABRICKS_FAILURES as exc:
            return _databricks_error_response(exc, request)
        return Response(_summary(result, request), status=status.HTTP_202_ACCEPTED)


class TableViewSet(GrantScopedMixin, viewsets.ModelViewSet):
    queryset = Table.objects.all()
    serializer_class = s.TableSerializer
    filterset_class = TableFilter
    permission_classes = DATA_PERMISSIONS


class ProfileRunViewSet(GrantScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Profile runs, newest first."""

    queryset = ProfileRun.objects.order_by("-created_at")
    filterset_class = ProfileRunFilter
    permission_classes = DATA_PERMISSIONS

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.ProfileRunDetailSerializer
        if self.action == "anomalies":
            return s.ProfileAnomalySerializer
        return s.ProfileRunListSerializer

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        counts = run.anomalies.values("severity").annotate(n=Count("id")).order_by("severity")
        by_severity = {row["severity"]: row["n"] for row in counts}
        context = {**self.get_serializer_context(), "anomaly_counts_by_severity": by_severity}
        return Response(s.ProfileRunDetailSerializer(run, context=context).data)

    @extend_schema(responses={200: s.ProfileAnomalySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def anomalies(self, request, pk=None):
        """The run's anomalies, paginated; filters `severity`, `anomaly_type`, `table_name`, `column_name`."""
        run = self.get_object()
        queryset = AnomalyFilter(request.query_params, queryset=run.anomalies.order_by("id")).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.ProfileAnomalySerializer(page, many=True).data)

    @extend_schema(responses={200: s.RunResultsSerializer})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """The run's tables with their columns, metrics, top values and top patterns."""
        run = self.get_object()
        results = {"profile_run_id": run.pk, "status": run.status, "tables": profile_run_results(run)}
        return Response(s.RunResultsSerializer(results).data)

    @extend_schema(request=None, responses={202: s.RunSummarySerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the run on Databricks and mark it canceled."""
        run = self.get_object()
        try:
            run = cancel_profile_run(profile_run=run, requested_by=_requested_by(request))
        except RunAlreadyFinal as exc:
            return _detail(str(exc), status.HTTP_409_CONFLICT, profile_run=run_summary(exc.profile_run))
        except DATABRICKS_FAILURES as exc:
            return _databricks_error_response(exc, request)
        return Response(run_summary(run), status=status.HTTP_202_ACCEPTED)
