"""What the notebook needs to reuse a table unchanged since the group's last completed run (contract section 12.2).

For each table of that run that was read at a known version and profiled without error: the run's id, that
version, and the table's document as the payload had it (columns with their metrics, top values and patterns)
with its anomalies. Drift anomalies are left out: the server works them out again for the new run.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from dataquality.drift_catalogue import DRIFT_TYPES
from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileColumnValue, ProfileResult, ProfileRun

_NOT_METRICS = {"id", "profile_run", "schema_name", "table_name", "extra"}
_COLUMN_FIELDS = [field.name for field in ProfileColumn._meta.concrete_fields if field.name not in _NOT_METRICS]
_DRIFT_TYPE_IDS = [drift_type.id for drift_type in DRIFT_TYPES]


def previous_tables(runs: QuerySet[ProfileRun]) -> dict[str, dict[str, Any]]:
    """`{"schema.table": {"profile_run_id", "delta_version", "table", "anomalies"}}` of the run `runs` holds (one or
    none). One query when no table has a version, four otherwise, however many tables and columns."""
    results = list(
        ProfileResult.objects.filter(
            profile_run__in=runs.values("pk"), delta_version__isnull=False, error__isnull=True
        ).select_related("profile_run")
    )
    if not results:
        return {}
    run = results[0].profile_run
    columns = _columns_by_table(run)
    anomalies = defaultdict(list)
    for anomaly in run.anomalies.exclude(anomaly_type__in=_DRIFT_TYPE_IDS).order_by("id"):
        anomalies[anomaly.table_name].append(_anomaly_document(anomaly))
    return {
        _key(result): {
            "profile_run_id": str(run.pk),
            "delta_version": result.delta_version,
            "table": _table_document(result, columns[(result.schema_name, result.table_name)]),
            "anomalies": anomalies[_key(result)],
        }
        for result in results
    }


def _columns_by_table(run: ProfileRun) -> dict[tuple[str, str], list[dict[str, Any]]]:
    ranked = defaultdict(list)
    for value in run.column_values.order_by("rank"):
        key = "top_values" if value.kind == ProfileColumnValue.Kind.VALUE else "top_patterns"
        ranked[(value.schema_name, value.table_name, value.column_name, key)].append(
            {"value": value.value, "count": value.frequency}
        )
    tables = defaultdict(list)
    for column in run.columns.order_by("ordinal_position", "id"):
        document = {**column.extra, **{name: getattr(column, name) for name in _COLUMN_FIELDS}}
        for key in ("top_values", "top_patterns"):
            document[key] = ranked[(column.schema_name, column.table_name, column.column_name, key)]
        tables[(column.schema_name, column.table_name)].append(document)
    return tables


def _table_document(result: ProfileResult, columns: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_name": result.schema_name, "table_name": result.table_name, "row_count": result.row_count,
        "column_count": result.column_count, "error": None, "sampled": False, "columns": columns,
    }


def _anomaly_document(anomaly: ProfileAnomaly) -> dict[str, Any]:
    return {
        "table_name": anomaly.table_name, "column_name": anomaly.column_name, "anomaly_type": anomaly.anomaly_type,
        "severity": anomaly.severity, "description": anomaly.description,
        "detected_at": anomaly.detected_at.isoformat().replace("+00:00", "Z"),
    }


def _key(result: ProfileResult) -> str:
    return f"{result.schema_name}.{result.table_name}" if result.schema_name else result.table_name
