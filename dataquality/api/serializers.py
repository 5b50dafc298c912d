"""Serializers of the REST API. Field names are those of contract section 2; foreign keys by id."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from dataquality.services.access.error_details import for_user
from dataquality.api.permissions import check_grant_of
from dataquality.models import Connection, Dataset, Disposition, ProfileAnomaly, ProfileColumn, ProfileResult, ProfileRun, Table, TableGroup
from dataquality.selectors import COLUMN_HISTORY_METRICS, TABLE_HISTORY_METRICS
from dataquality.services.access.grants import readable_table_groups
from dataquality.services.access.workspaces import connection_errors


class ConnectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Connection
        fields = [
            "id", "name", "host", "auth_type", "client_id", "secret_ref",
            "profiling_notebook_path", "cluster_id", "policy_id", "results_schema", "allowed_users", "allowed_groups",
            "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        # The one check the admin's form makes too; on a partial update, the stored values fill the gaps.
        values = {
            name: attrs.get(name, getattr(self.instance, name, default))
            for name, default in (("host", ""), ("secret_ref", ""), ("auth_type", Connection.AuthType.PAT), ("client_id", ""))
        }
        errors = connection_errors(**values)
        if errors:
            raise serializers.ValidationError({field: [message] for field, message in errors.items()})
        return attrs


class DatasetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dataset
        fields = ["id", "name", "description", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class TableGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = TableGroup
        fields = [
            "id", "dataset", "connection", "name", "catalog", "schema_name", "include_mask", "exclude_mask",
            "sample_percent", "sample_min_rows", "profiling_job_id", "schedule_cron", "schedule_timezone",
            "schedule_enabled", "next_run_at", "schedule_last_skipped_at", "schedule_last_skip_reason",
            "drift_thresholds", "sensitivity", "results_schema", "created_at", "updated_at",
        ]
        read_only_fields = [
            "profiling_job_id", "next_run_at", "schedule_last_skipped_at", "schedule_last_skip_reason",
            "created_at", "updated_at",
        ]

    def validate_sample_percent(self, value):
        if value is not None and not 0 < value <= 100:
            raise serializers.ValidationError("Must be greater than 0 and at most 100.")
        return value

    def validate_connection(self, connection):
        check_grant_of(self.context["request"], connection)
        return connection


class TableSerializer(serializers.ModelSerializer):
    class Meta:
        model = Table
        fields = ["id", "table_group", "schema_name", "table_name"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        # A group of another workspace is no valid choice, as an unknown id is not: its existence does not leak.
        fields["table_group"].queryset = readable_table_groups(request.user if request else None)
        return fields

    def validate_table_group(self, table_group):
        check_grant_of(self.context["request"], table_group)
        return table_group


class RunSummarySerializer(serializers.Serializer):
    """The run summary of contract section 3 (for the OpenAPI schema)."""

    profile_run_id = serializers.UUIDField()
    table_group_id = serializers.IntegerField()
    status = serializers.CharField()
    databricks_run_id = serializers.CharField(allow_null=True)
    databricks_job_id = serializers.CharField(allow_null=True)
    run_page_url = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class StartRunSerializer(serializers.Serializer):
    """The optional body of a start request."""

    force_full = serializers.BooleanField(
        default=False, help_text="Scan every table, even those unchanged since the group's last completed run."
    )


class DatasetLaunchSerializer(serializers.Serializer):
    profile_runs = RunSummarySerializer(many=True)


class ProfileRunListSerializer(serializers.ModelSerializer):
    table_group_id = serializers.IntegerField(read_only=True)
    duration_ms = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ProfileRun
        fields = [
            "profile_run_id", "table_group_id", "status", "created_at", "started_at", "completed_at", "duration_ms",
            "row_count", "anomaly_count", "open_anomaly_count", "new_anomaly_count", "databricks_run_id", "databricks_job_id", "run_page_url", "payload_path",
            "error_message",
        ]

    def to_representation(self, run):
        data = super().to_representation(run)
        request = self.context.get("request")
        data["error_message"] = for_user(data["error_message"], request.user if request else None)
        return data


class ProfileRunDetailSerializer(ProfileRunListSerializer):
    anomaly_counts_by_severity = serializers.SerializerMethodField()
    report_url = serializers.SerializerMethodField()
    reused_tables = serializers.SerializerMethodField()

    class Meta(ProfileRunListSerializer.Meta):
        fields = ProfileRunListSerializer.Meta.fields + [
            "requested_by", "table_count", "column_count", "sampled", "profile_version", "last_polled_at",
            "force_full", "warnings", "reused_tables", "anomaly_counts_by_severity", "report_url",
            "values_pruned_at", "metrics_pruned_at",
        ]

    def get_anomaly_counts_by_severity(self, run) -> dict[str, int]:
        return self.context.get("anomaly_counts_by_severity", {})

    def get_reused_tables(self, run) -> list[dict]:
        """The tables not scanned because unchanged since an earlier run, with that run's id."""
        return [
            {"schema_name": result.schema_name, "table_name": result.table_name, "reused_from": str(result.reused_from)}
            for result in run.results.filter(reused_from__isnull=False)
        ]

    def get_report_url(self, run) -> str:
        """The run report page, absolute when the request is known."""
        path = reverse("profile-run-report", args=[run.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProfileAnomalySerializer(serializers.ModelSerializer):
    is_new = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProfileAnomaly
        fields = [
            "id", "profile_run", "table_name", "column_name", "anomaly_type", "severity", "description", "detected_at",
            "observed", "expected_low", "expected_high", "baseline_runs",
            "fingerprint", "occurrences", "is_new", "first_seen_run", "caused_by",
            "disposition", "disposition_note", "disposition_by", "disposition_at", "muted_until",
        ]


class DispositionSerializer(serializers.Serializer):
    """`POST /data-quality/anomalies/{id}/disposition`."""

    disposition = serializers.ChoiceField(choices=Disposition.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    muted_until = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs["muted_until"] is not None and attrs["disposition"] != Disposition.MUTED:
            raise serializers.ValidationError({"muted_until": ["Only a mute has an end; leave it out."]})
        return attrs


class HistoryQuerySerializer(serializers.Serializer):
    """The query of `GET /data-quality/table-groups/{id}/history` (contract 11.1)."""

    metric = serializers.CharField()
    table = serializers.CharField(max_length=600)
    column = serializers.CharField(required=False, max_length=500)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=90)

    def validate(self, attrs):
        metric, column = attrs["metric"], attrs.get("column")
        valid = COLUMN_HISTORY_METRICS if column is not None else TABLE_HISTORY_METRICS
        if metric not in valid:
            known = "table metrics (no column): " + ", ".join(TABLE_HISTORY_METRICS)
            known += "; column metrics (with column): " + ", ".join(COLUMN_HISTORY_METRICS)
            raise serializers.ValidationError({"metric": [f"{metric!r} is not a valid metric here. Valid {known}."]})
        schema_name, dot, table_name = attrs["table"].partition(".")
        if not dot:  # a table profiled without a schema
            schema_name, table_name = "", schema_name
        if not table_name:
            raise serializers.ValidationError({"table": ["Name the table as schema.table."]})
        attrs["schema_name"], attrs["table_name"] = schema_name, table_name
        return attrs


class HistoryPointSerializer(serializers.Serializer):
    profile_run_id = serializers.UUIDField()
    completed_at = serializers.DateTimeField()
    value = serializers.FloatField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    table_group = serializers.IntegerField()
    table_name = serializers.CharField()
    column_name = serializers.CharField(allow_null=True)
    metric = serializers.CharField()
    points = HistoryPointSerializer(many=True)


class ProfileColumnSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileColumn
        exclude = ["profile_run", "schema_name", "table_name"]


class ProfileResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileResult
        fields = ["schema_name", "table_name", "row_count", "column_count", "error", "delta_version", "reused_from"]


class FrequencySerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True)  # a column's NULL can be among its top values
    count = serializers.IntegerField()


class ResultColumnSerializer(ProfileColumnSerializer):
    """A column as `selectors.profile_run_results` returns it, with its ranked top values and patterns.

    Every metric is a field of the column, whichever the database keeps it in: the metrics without a column of
    their own (the model's `extra`) sit beside the others, so clients read one shape."""

    top_values = FrequencySerializer(many=True, read_only=True)
    top_patterns = FrequencySerializer(many=True, read_only=True)

    class Meta(ProfileColumnSerializer.Meta):
        exclude = [*ProfileColumnSerializer.Meta.exclude, "extra"]

    def to_representation(self, column):
        return {**(column.extra or {}), **super().to_representation(column)}


class ResultTableSerializer(ProfileResultSerializer):
    """A table of the run with its columns (`selectors.profile_run_results`)."""

    columns = ResultColumnSerializer(many=True, read_only=True, source="profile_columns")

    class Meta(ProfileResultSerializer.Meta):
        fields = [*ProfileResultSerializer.Meta.fields, "columns"]


class RunResultsSerializer(serializers.Serializer):
    """`GET /data-quality/profile-runs/{id}/results`: the run's tables with their columns."""

    profile_run_id = serializers.UUIDField()
    status = serializers.CharField()
    tables = ResultTableSerializer(many=True)
