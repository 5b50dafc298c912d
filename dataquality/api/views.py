"""REST endpoints (contract section 3). Views translate HTTP to service calls and service errors to HTTP."""

from __future__ import annotations

from django.db.models import Count
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from dataquality.api import serializers as s
from dataquality.services.access.error_details import for_user, not_configured
from dataquality.api.filters import AnomalyFilter, ProfileRunFilter, TableFilter, TableGroupFilter
from dataquality.api.permissions import DATA_PERMISSIONS, ActionPermissions
from dataquality.api.errors import Conflict
from dataquality.databricks import DatabricksError, DatabricksNotConfigured
from dataquality.models import Connection, Dataset, ProfileAnomaly, ProfileRun, Table, TableGroup
from dataquality.reports.severity import SEVERITIES
from dataquality.selectors import metric_history, profile_run_results
from dataquality.services.dispositions import MuteInThePast, set_disposition
from dataquality.services.access.grants import scope_to_grants
from dataquality.services.launch.cancellation import RunAlreadyFinal, cancel_profile_run
from dataquality.services.launch.profiling import ActiveRunExists, DataQualityProfilingService, LaunchFailed, run_summary
from dataquality.services.launch.table_check import TableSettingsInvalid, check_table_group_tables, needs_check
from dataquality.services.launch.table_groups import ConnectionChangeRefused, delete_table_group, save_table_group


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


def _table_settings_refusal(exc: TableSettingsInvalid, request) -> dict:
    """The body of a 400 naming the setting to fix, in the shape of field errors."""
    message = for_user(str(exc), request.user)
    return {"detail": message, "errors": {exc.field: [message]}}


def _table_settings_refused(exc: TableSettingsInvalid, request) -> Response:
    return Response(_table_settings_refusal(exc, request), status=status.HTTP_400_BAD_REQUEST)


def _start_options(request) -> dict:
    """The start request's body (optional): `{"force_full": true}` scans unchanged tables too; 400 otherwise."""
    serializer = s.StartRunSerializer(data=request.data or {})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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

    @extend_schema(request=s.StartRunSerializer, responses={202: s.DatasetLaunchSerializer})
    @action(detail=True, methods=["post"], url_path="profile-runs")
    def profile_runs(self, request, pk=None):
        """Start one run per table group of the dataset."""
        dataset = self.get_object()
        options = _start_options(request)
        try:
            results = DataQualityProfilingService().start_profile_for_dataset(
                dataset=dataset, requested_by=_requested_by(request), **options
            )
        except TableSettingsInvalid as exc:
            return _table_settings_refused(exc, request)
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

    # A new group, or a change of its workspace, schema or masks, is checked against the workspace first: a schema
    # it lacks or masks that select nothing are a 400; a workspace that cannot answer leaves a warning in the answer.

    def create(self, request, *args, **kwargs):
        return self._with_warnings(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return self._with_warnings(super().update(request, *args, **kwargs))

    def perform_create(self, serializer):
        table_group = TableGroup(**serializer.validated_data)
        self._check_tables(table_group)
        serializer.instance = save_table_group(table_group=table_group)

    def perform_update(self, serializer):
        """Through the service, which retires the group's job from its old workspace on a change of connection."""
        table_group = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(table_group, name, value)
        if needs_check(table_group):
            self._check_tables(table_group)
        try:
            save_table_group(table_group=table_group)
        except ConnectionChangeRefused as exc:
            raise Conflict(str(exc)) from exc

    def _check_tables(self, table_group: TableGroup) -> None:
        try:
            check = check_table_group_tables(table_group=table_group)
        except TableSettingsInvalid as exc:
            raise ValidationError(_table_settings_refusal(exc, self.request)) from exc
        self._warnings = [for_user(warning, self.request.user) for warning in check.warnings]

    def _with_warnings(self, response: Response) -> Response:
        warnings = getattr(self, "_warnings", [])
        if warnings:
            response.data["warnings"] = warnings
        return response

    def destroy(self, request, *args, **kwargs):
        """Delete the group and its Databricks job."""
        try:
            delete_table_group(table_group=self.get_object())
        except DATABRICKS_FAILURES as exc:
            return _databricks_error_response(exc, request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[s.HistoryQuerySerializer], responses={200: s.HistorySerializer})
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """One metric of a table or column over the group's completed runs, oldest first (contract 11.1)."""
        table_group = self.get_object()
        query = s.HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        points = metric_history(
            table_group.pk, metric=params["metric"], schema_name=params["schema_name"],
            table_name=params["table_name"], column_name=params.get("column"), limit=params["limit"],
        )
        return Response(
            s.HistorySerializer(
                {"table_group": table_group.pk, "table_name": params["table"], "column_name": params.get("column"),
                 "metric": params["metric"], "points": points}
            ).data
        )

    @extend_schema(request=s.StartRunSerializer, responses={202: s.RunSummarySerializer})
    @action(detail=True, methods=["post"], url_path="profile-runs")
    def profile_runs(self, request, pk=None):
        """Start one profile run of the group."""
        table_group = self.get_object()
        options = _start_options(request)
        try:
            result = DataQualityProfilingService().start_profile_for_table_group(
                table_group=table_group, requested_by=_requested_by(request), **options
            )
        except ActiveRunExists as exc:
            return _detail(str(exc), status.HTTP_409_CONFLICT, profile_run=run_summary(exc.profile_run))
        except TableSettingsInvalid as exc:
            return _table_settings_refused(exc, request)
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
        # Every severity of the catalogue, zeros included, so clients need no defaults; others after them.
        by_severity = dict.fromkeys(SEVERITIES, 0) | {row["severity"]: row["n"] for row in counts}
        context = {**self.get_serializer_context(), "anomaly_counts_by_severity": by_severity}
        return Response(s.ProfileRunDetailSerializer(run, context=context).data)

    @extend_schema(responses={200: s.ProfileAnomalySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def anomalies(self, request, pk=None):
        """The run's anomalies, paginated; filters `severity`, `anomaly_type`, `table_name`, `column_name`,
        `disposition` and `is_new`. Without filters, every anomaly: muted, dismissed and folded ones too."""
        run = self.get_object()
        found = AnomalyFilter(request.query_params, queryset=run.anomalies.order_by("id"))
        if not found.is_valid():
            raise translate_validation(found.errors)
        queryset = found.qs
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


class AnomalyViewSet(GrantScopedMixin, viewsets.GenericViewSet):
    """Triage of one anomaly (contract 11.3). Anomalies are listed per run, under `profile-runs/{id}/anomalies`."""

    queryset = ProfileAnomaly.objects.select_related("profile_run__table_group__connection")
    serializer_class = s.ProfileAnomalySerializer
    permission_classes = DATA_PERMISSIONS

    @extend_schema(request=s.DispositionSerializer, responses={200: s.ProfileAnomalySerializer})
    @action(detail=True, methods=["post"])
    def disposition(self, request, pk=None):
        """Confirm, dismiss, mute (until `muted_until`, or until reopened) or reopen the anomaly, with a note."""
        anomaly = self.get_object()
        entry = s.DispositionSerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        try:
            anomaly = set_disposition(
                anomaly=anomaly, disposition=entry.validated_data["disposition"], note=entry.validated_data["note"],
                muted_until=entry.validated_data["muted_until"], by=_requested_by(request),
            )
        except MuteInThePast as exc:
            raise ValidationError({"muted_until": [str(exc)]}) from exc
        return Response(s.ProfileAnomalySerializer(anomaly).data)
