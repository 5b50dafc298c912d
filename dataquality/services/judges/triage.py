"""Triage at completion (contract 11.3 and 11.4): one judge of the completion that decides how each anomaly of
the run stands against the group's history, rather than raising new ones.

- streaks: an anomaly whose fingerprint the previous completed run raised continues that run's streak;
- dispositions: a streak confirmed or dismissed stays so, a muted fingerprint stays muted until its mute ends;
- folding: a distinct-count anomaly that only restates its table's row-count move follows from it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from dataquality.fingerprints import anomaly_fingerprint
from dataquality.models import Disposition, ProfileAnomaly, ProfileRun
from dataquality.services.judges.findings import Finding
from dataquality.services.judges.history import GroupHistory

CARRIED = (Disposition.CONFIRMED, Disposition.DISMISSED)
ROW_COUNT_TYPES = frozenset({"row_count_drop", "row_count_growth", "row_count_outside_baseline"})
DISTINCT_COUNT_TYPES = frozenset({"distinct_count_change", "distinct_count_outside_baseline"})
FOLDING_FACTOR = 1.5  # a column's ratio within this factor of its table's row ratio restates it


def fold(findings: list[Finding]) -> None:
    """Set `caused_by` on the distinct-count findings whose move is the table's row-count move (contract 11.4)."""
    causes = {
        finding.table: finding
        for finding in findings
        if finding.type_id in ROW_COUNT_TYPES and finding.column_name is None and finding.ratio
    }
    for finding in findings:
        cause = causes.get(finding.table)
        if cause is None or finding.type_id not in DISTINCT_COUNT_TYPES or not finding.ratio:
            continue
        if 1 / FOLDING_FACTOR <= finding.ratio / cause.ratio <= FOLDING_FACTOR:
            finding.caused_by = cause


def follow_streaks(anomalies: Iterable[ProfileAnomaly], *, table_group_id: int, history: GroupHistory) -> None:
    """Fingerprint, occurrences, first seen run and the carried disposition of each anomaly of the run."""
    for anomaly in anomalies:
        anomaly.fingerprint = anomaly_fingerprint(
            table_group_id, anomaly.table_name, anomaly.column_name, anomaly.anomaly_type
        )
        before = history.previous_anomalies.get(anomaly.fingerprint)
        if before is None:
            anomaly.occurrences = 1
            anomaly.first_seen_run_id = anomaly.profile_run_id
        else:
            anomaly.occurrences = before.occurrences + 1
            anomaly.first_seen_run_id = before.first_seen_run_id or before.profile_run_id
            if before.disposition in CARRIED:
                _decide(anomaly, before.disposition, before.disposition_note, before.disposition_by, before.disposition_at)
        mute = history.mutes.get(anomaly.fingerprint)
        if mute is not None:
            _decide(anomaly, Disposition.MUTED, mute.note, mute.muted_by, mute.muted_at)
            anomaly.muted_until = mute.muted_until


def _decide(anomaly: ProfileAnomaly, disposition: str, note: str, by: str, at) -> None:
    anomaly.disposition = disposition
    anomaly.disposition_note = note
    anomaly.disposition_by = by
    anomaly.disposition_at = at


# What a run counts (contract 11.3): open is open or confirmed and not folded; new is also first seen in this run.
OPEN = Q(disposition__in=(Disposition.OPEN, Disposition.CONFIRMED), caused_by__isnull=True)
NEW = OPEN & Q(occurrences=1, disposition=Disposition.OPEN)


def refresh_anomaly_counts(profile_run: ProfileRun) -> None:
    """Store the run's open and new counts, from its stored anomalies, in one query and one update."""
    counts = ProfileAnomaly.objects.filter(profile_run=profile_run).aggregate(
        open=Count("pk", filter=OPEN), new=Count("pk", filter=NEW)
    )
    profile_run.open_anomaly_count, profile_run.new_anomaly_count = counts["open"], counts["new"]
    ProfileRun.objects.filter(pk=profile_run.pk).update(open_anomaly_count=counts["open"], new_anomaly_count=counts["new"])
