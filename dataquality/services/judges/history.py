"""A group's history as the judges need it, read in a fixed number of queries whatever the number of runs,
tables and columns: the completed runs before the judged one, their tables and columns, the previous run's
top values and anomalies, and the group's mutes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Q

from dataquality.baseline_catalogue import RHYTHM_WEEKS
from dataquality.models import (
    AnomalyMute,
    ProfileAnomaly,
    ProfileColumn,
    ProfileColumnValue,
    ProfileResult,
    ProfileRun,
    ProfileRunStatus,
)
from dataquality.services.judges.snapshots import COLUMN_FIELDS, Snapshot, snapshot

_RESULT_FIELDS = ("profile_run_id", "schema_name", "table_name", "row_count", "error")
_ANOMALY_FIELDS = (
    "fingerprint", "occurrences", "first_seen_run_id", "profile_run_id", "disposition", "disposition_note",
    "disposition_by", "disposition_at",
)


@dataclass(frozen=True)
class PastRun:
    profile_run_id: object
    completed_at: datetime
    tables: Snapshot


@dataclass
class GroupHistory:
    runs: list[PastRun]  # completed before the judged run, oldest first
    window: int  # how many of the newest runs a baseline learns from (older ones serve the weekly rhythm only)
    previous_anomalies: dict[str, SimpleNamespace] = field(default_factory=dict)  # by fingerprint
    mutes: dict[str, AnomalyMute] = field(default_factory=dict)  # active mutes, by fingerprint

    @property
    def previous(self) -> PastRun | None:
        return self.runs[-1] if self.runs else None

    @property
    def recent(self) -> list[PastRun]:
        return self.runs[-self.window:]


def load_history(profile_run: ProfileRun, *, now: datetime) -> GroupHistory:
    """The history `profile_run` (about to complete at `now`) is judged against. Seven queries at most."""
    window = settings.DQ_BASELINE_WINDOW
    completed = ProfileRun.objects.filter(
        table_group_id=profile_run.table_group_id, status=ProfileRunStatus.COMPLETED,
        created_at__lt=profile_run.created_at,
    ).exclude(pk=profile_run.pk)
    newest = list(completed.order_by("-created_at").values_list("pk", flat=True)[:window])
    rhythm_since = now - timedelta(weeks=RHYTHM_WEEKS)
    runs = list(
        completed.filter(Q(pk__in=newest) | Q(completed_at__gte=rhythm_since))
        .order_by("created_at")
        .values_list("pk", "completed_at")
    )
    if not runs:
        return GroupHistory(runs=[], window=window, mutes=_active_mutes(profile_run, now))
    run_ids = [pk for pk, _ in runs]
    previous_id = run_ids[-1]
    results = defaultdict(list)
    for row in ProfileResult.objects.filter(profile_run_id__in=run_ids).values(*_RESULT_FIELDS):
        results[row["profile_run_id"]].append(SimpleNamespace(**row))
    columns = defaultdict(list)
    for row in ProfileColumn.objects.filter(profile_run_id__in=run_ids).values("profile_run_id", *COLUMN_FIELDS):
        columns[row["profile_run_id"]].append(SimpleNamespace(**row))
    top_values = [
        SimpleNamespace(**row)
        for row in ProfileColumnValue.objects.filter(
            profile_run_id=previous_id, kind=ProfileColumnValue.Kind.VALUE
        ).values("schema_name", "table_name", "column_name", "value")
    ]
    past = [
        PastRun(pk, completed_at, snapshot(results[pk], columns[pk], top_values if pk == previous_id else ()))
        for pk, completed_at in runs
    ]
    previous_anomalies = {
        row["fingerprint"]: SimpleNamespace(**row)
        for row in ProfileAnomaly.objects.filter(profile_run_id=previous_id).exclude(fingerprint="").values(
            *_ANOMALY_FIELDS
        )
    }
    return GroupHistory(
        runs=past, window=window, previous_anomalies=previous_anomalies, mutes=_active_mutes(profile_run, now)
    )


def _active_mutes(profile_run: ProfileRun, now: datetime) -> dict[str, AnomalyMute]:
    mutes = AnomalyMute.objects.filter(table_group_id=profile_run.table_group_id).filter(
        Q(muted_until__isnull=True) | Q(muted_until__gt=now)
    )
    return {mute.fingerprint: mute for mute in mutes}
