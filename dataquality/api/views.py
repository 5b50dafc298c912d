"""REST endpoints (contract section 3). Views translate HTTP to service calls and service errors to HTTP."""

from __future__ import annotations

from django.db.models import Count
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from dataquality.api import serializers as s
from dataquality.api.errors import Conflict
from dataquality.databricks import DatabricksError, DatabricksNotConfigured
from dataquality.models import Connection, Dataset, ProfileAnomaly, ProfileRun, Table, TableGroup
from dataquality.selectors import profile_run_results
from dataquality.services.cancellation import RunAlreadyFinal, cancel_profile_run
from dataquality.services.profiling import ActiveRunExists, DataQualityProfilingService, LaunchFailed, run_summary
from dataquality.services.table_groups import ConnectionChangeRefused, delete_table_group, save_table_group


def _detail(message: str, http_status: int, **extra) -> Response:
    return Response({"detail": message, **extra}, status=http_status)


# DatabricksNotConfigured is a deployment problem, not a Databricks answer, so it stands apart.
DATABRICKS_FAILURES = (DatabricksError, DatabricksNotConfigured)


def _databricks_error_response(exc: Exception) -> Response:
    if isinstance(exc, DatabricksNotConfigured):
        return _detail(str(exc), status.HTTP_503_SERVICE_UNAVAILABLE, problems=exc.problems)
    return _detail(f"Databricks refused the request: {exc}", status.HTTP_502_BAD_GATEWAY)


def _requested_by(request) -> str:
    return request.user.get_username()


class ConnectionViewSet(viewsets.ModelViewSet):
    """Databricks workspace connections (staff only). `secret_ref` names an env var; secrets are never stored."""

    queryset = Connection.objects.all()
    serializer_class = s.ConnectionSerializer
    permission_classes = [IsAdminUser]


class DatasetViewSet(viewsets.ModelViewSet):
    queryset = Dataset.objects.all()
    serializer_class = s.DatasetSerializer

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
            return _databricks_error_response(exc)
        summaries = [result.summary() for result in results]
        all_refused = bool(results) and all(result.profile_run.status == "failed" for result in results)
        if all_refused:
            return _detail("Databricks refused every launch.", status.HTTP_502_BAD_GATEWAY, profile_runs=summaries)
        return Response({"profile_runs": summaries}, status=status.HTTP_202_ACCEPTED)


class TableGroupFilter(filters.FilterSet):
    class Meta:
        model = TableGroup
        fields = ["dataset", "connection"]


class TableGroupViewSet(viewsets.ModelViewSet):
    queryset = TableGroup.objects.all()
    serializer_class = s.TableGroupSerializer
    filterset_class = TableGroupFilter

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
            return _databricks_error_response(exc)
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
            return _detail(str(exc), status.HTTP_502_BAD_GATEWAY, profile_run=run_summary(exc.profile_run))
        except DATABRICKS_FAILURES as exc:
            return _databricks_error_response(exc)
        return Response(result.summary(), status=status.HTTP_202_ACCEPTED)


class TableViewSet(viewsets.ModelViewSet):
    queryset = Table.objects.all()
    serializer_class = s.TableSerializer
    filterset_fields = ["table_group"]


class ProfileRunFilter(filters.FilterSet):
    dataset = filters.NumberFilter(field_name="table_group__dataset")

    class Meta:
        model = ProfileRun
        fields = ["table_group", "dataset", "status"]


class AnomalyFilter(filters.FilterSet):
    class Meta:
        model = ProfileAnomaly
        fields = ["severity", "anomaly_type", "table_name", "column_name"]


class ProfileRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Profile runs, newest first."""

    queryset = ProfileRun.objects.order_by("-created_at")
    filterset_class = ProfileRunFilter

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
            return _databricks_error_response(exc)
        return Response(run_summary(run), status=status.HTTP_202_ACCEPTED)
