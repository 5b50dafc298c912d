"""The completion sink: applies a notebook's payload to its run, from the callback or from the payload file.

The payload is validated and a completed run judged (`services/judges`: baselines, drift, triage) before any
write; then the run's rows are replaced in one transaction under a lock on the run row, so a repeated or
concurrent callback leaves exactly one set of anomalies, results and columns. Alerts go out after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from dataquality.models import (
    ProfileAnomaly,
    ProfileColumn,
    ProfileColumnValue,
    ProfileResult,
    ProfileRun,
    ProfileRunStatus,
)
from dataquality.services.monitor.alerts import alert_on_failure_streak, alert_on_new_anomalies
from dataquality.services.judges import judge_run
from dataquality.services.judges.triage import refresh_anomaly_counts
from dataquality.services.results.bulk_rows import BATCH_SIZE, insert_rows
from dataquality.services.results.lineage import announce_run_end
from dataquality.services.results.manifest import qualified_table_name
from dataquality.services.results.payloads import parse_completion_payload
from notebooks.dq_profiler.results_rows import value_text
from dataquality.services.access.pii import pii_columns, withhold_column

logger = logging.getLogger(__name__)

_RUN_FIELDS = (
    "status", "row_count", "anomaly_count", "table_count", "column_count", "error_message",
    "completed_at", "reported_started_at", "reported_completed_at", "sampled", "profile_version", "warnings",
)


class RunCanceled(Exception):
    """The run was canceled by a user: a late payload must not bring it back."""

    def __init__(self, profile_run: ProfileRun):
        super().__init__(f"Profile run {profile_run.pk} was canceled; its results are not accepted.")
        self.profile_run = profile_run


class RunNoLongerActive(Exception):
    """Raised with `only_if_active` when the run became final before this completion could apply."""

    def __init__(self, profile_run: ProfileRun):
        super().__init__(f"Profile run {profile_run.pk} is {profile_run.status} already.")
        self.profile_run = profile_run


def complete_profile_run(
    *, profile_run_id, payload: Any, source: str = "callback", only_if_active: bool = False
) -> ProfileRun:
    """Validate `payload` and make it the run's outcome, replacing any earlier one.

    Raises `rest_framework.exceptions.ValidationError` (nothing written), `ProfileRun.DoesNotExist`, or
    `RunCanceled`. Queued, running and failed runs accept a completion (a late or retried notebook knows
    better than a timeout); the first completion wins, so a `completed` run is returned unchanged. With
    `only_if_active` (the poll, which read the payload file), a run that became final meanwhile is left as it
    is and `RunNoLongerActive` raised: the callback got there first.
    """
    already = ProfileRun.objects.filter(pk=profile_run_id).select_related("table_group").first()
    if already is not None and only_if_active and already.is_final:
        raise RunNoLongerActive(already)
    if already is not None and already.status == ProfileRunStatus.COMPLETED:
        return _kept(already, source)  # no need to read a payload that changes nothing
    data = parse_completion_payload(payload, profile_run_id=profile_run_id)
    if already is None:
        raise ProfileRun.DoesNotExist(f"No profile run {profile_run_id}.")
    completed_at = timezone.now()  # our clock: the payload's may be skewed (it is kept as data)
    reported = _anomalies(profile_run_id, data.get("anomalies", []), completed_at)
    results, columns, column_values = _results_and_columns(profile_run_id, data.get("tables"))
    column_values = _withhold_pii_values(columns, column_values, reported)
    anomalies = reported
    if data["status"] == ProfileRunStatus.COMPLETED:
        anomalies = judge_run(
            profile_run=already, results=results, columns=columns, column_values=column_values,
            reported=reported, detected_at=completed_at,
        )

    with transaction.atomic():
        profile_run = ProfileRun.objects.select_for_update().get(pk=profile_run_id)
        if profile_run.status == ProfileRunStatus.CANCELED:
            raise RunCanceled(profile_run)
        if only_if_active and profile_run.is_final:
            raise RunNoLongerActive(profile_run)
        if profile_run.status == ProfileRunStatus.COMPLETED:  # completed by a callback that came first
            return _kept(profile_run, source)
        previous_status = profile_run.status
        for model in (ProfileAnomaly, ProfileResult, ProfileColumn, ProfileColumnValue):
            model.objects.filter(profile_run=profile_run).delete()
        # Causes first: a folded anomaly refers to its cause by id.
        ProfileAnomaly.objects.bulk_create([a for a in anomalies if a.caused_by is None], batch_size=BATCH_SIZE)
        ProfileAnomaly.objects.bulk_create([a for a in anomalies if a.caused_by is not None], batch_size=BATCH_SIZE)
        ProfileResult.objects.bulk_create(results, batch_size=BATCH_SIZE)
        insert_rows(ProfileColumn, columns)
        insert_rows(ProfileColumnValue, column_values)
        _apply_outcome(profile_run, data, completed_at, reported, results, columns)
        profile_run.anomaly_count += len(anomalies) - len(reported)
        profile_run.save(update_fields=_RUN_FIELDS)
        refresh_anomaly_counts(profile_run)
        if profile_run.status == ProfileRunStatus.COMPLETED:
            transaction.on_commit(lambda: alert_on_new_anomalies(profile_run))

    announce_run_end(profile_run)
    if profile_run.status == ProfileRunStatus.FAILED:
        alert_on_failure_streak(profile_run)
    logger.info(
        "Profile run %s %s (was %s) via %s: %d table(s), %d column(s), %d anomaly row(s), %d judged on the server",
        profile_run.pk, profile_run.status, previous_status, source, len(results), len(columns),
        len(anomalies), len(anomalies) - len(reported),
    )
    return profile_run


def _kept(profile_run: ProfileRun, source: str) -> ProfileRun:
    logger.info("Profile run %s is completed already; the payload via %s changes nothing", profile_run.pk, source)
    return profile_run


def _apply_outcome(
    profile_run: ProfileRun,
    data: dict,
    completed_at: datetime,
    anomalies: list[ProfileAnomaly],
    results: list[ProfileResult],
    columns: list[ProfileColumn],
) -> None:
    tables = data.get("tables")
    profile_run.status = data["status"]
    profile_run.completed_at = completed_at
    profile_run.reported_started_at = data.get("started_at")
    profile_run.reported_completed_at = data.get("completed_at")
    profile_run.anomaly_count = _first_given(data.get("anomaly_count"), len(anomalies))
    profile_run.row_count = _first_given(data.get("row_count"), _sum_known(result.row_count for result in results))
    profile_run.table_count = len(results) if tables is not None else None
    profile_run.column_count = (
        _sum_known(result.column_count for result in results) if tables is not None else None
    )
    # A run is sampled when the payload says so or any of its tables was.
    profile_run.sampled = bool(data.get("sampled")) or any(table.get("sampled") for table in tables or ())
    profile_run.profile_version = data.get("profile_version") or ""
    profile_run.warnings = data.get("warnings") or []
    profile_run.error_message = data.get("error_message") or (
        "The notebook reported a failure without a message." if data["status"] == ProfileRunStatus.FAILED else ""
    )


def _anomalies(profile_run_id, entries: list[dict], completed_at: datetime) -> list[ProfileAnomaly]:
    return [
        ProfileAnomaly(
            profile_run_id=profile_run_id, **{**entry, "detected_at": entry.get("detected_at") or completed_at}
        )
        for entry in entries
    ]


@dataclass(slots=True)
class RankedValue:
    """A `ProfileColumnValue` row before it is written: a run carries thousands, and a model instance each cost
    a quarter of a completion's time. Judges read it as they would the model; `insert_rows` writes it."""

    profile_run_id: Any
    schema_name: str
    table_name: str
    column_name: str
    kind: str
    value: str | None
    frequency: int
    rank: int


def _results_and_columns(
    profile_run_id, tables: list[dict] | None
) -> tuple[list[ProfileResult], list[ProfileColumn], list[RankedValue]]:
    results: list[ProfileResult] = []
    columns: list[ProfileColumn] = []
    column_values: list[RankedValue] = []
    for table in tables or ():
        table_columns = table.get("columns", [])
        names = {
            "profile_run_id": profile_run_id,
            "schema_name": table.get("schema_name", ""),
            "table_name": table["table_name"],
        }
        results.append(
            ProfileResult(
                **names,
                row_count=table.get("row_count"),
                # A table that failed before its columns were read reports no columns and may say so itself.
                column_count=_first_given(table.get("column_count"), len(table_columns)),
                error=table.get("error") or None,
                delta_version=table.get("delta_version"),
                reused_from=table.get("reused_from"),
            )
        )
        for column in table_columns:
            metrics = dict(column)
            ranked = {
                ProfileColumnValue.Kind.VALUE: metrics.pop("top_values", []),
                ProfileColumnValue.Kind.PATTERN: metrics.pop("top_patterns", []),
            }
            columns.append(ProfileColumn(**names, **metrics))
            column_values.extend(
                RankedValue(**names, column_name=column["column_name"], kind=kind, value=value_text(entry["value"]),
                            frequency=entry["count"], rank=rank)
                for kind, entries in ranked.items()
                for rank, entry in enumerate(entries, start=1)
            )
    return results, columns, column_values


def _withhold_pii_values(
    columns: list[ProfileColumn], column_values: list[RankedValue], anomalies: list[ProfileAnomaly]
) -> list[RankedValue]:
    """Columns flagged as potential PII keep their counts and patterns, but no value of the data
    (dataquality/services/access/pii.py). The engine leaves these out already; this keeps the promise for any payload,
    whichever notebook wrote it."""
    flagged = pii_columns(anomalies)

    def is_flagged(row) -> bool:
        return (qualified_table_name(row.schema_name, row.table_name), row.column_name) in flagged

    for column in columns:
        if is_flagged(column):
            withhold_column(column)
    return [entry for entry in column_values if entry.kind != ProfileColumnValue.Kind.VALUE or not is_flagged(entry)]


def _first_given(value, fallback):
    return fallback if value is None else value


def _sum_known(values) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None
