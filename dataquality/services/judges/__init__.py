"""The judges of a completed run: a pipeline that takes the run's rows and the group's history and returns every
anomaly of the run, judged once.

1. `history.load_history` reads what the judges compare with, in a fixed number of queries;
2. `baselines` judges each monitored metric against the band learned from the history;
3. `drift` judges the run against the previous completed run, where no baseline decides;
4. `triage` folds restated counts under their cause, then follows each anomaly's streak and disposition.

Every judge works in memory: nothing here writes, so the completion can judge before it takes its lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileColumnValue, ProfileResult, ProfileRun
from dataquality.services.judges.baselines import judge_baselines
from dataquality.services.judges.drift import drift_thresholds, judge_drift
from dataquality.services.judges.findings import Finding
from dataquality.services.judges.history import load_history
from dataquality.services.judges.snapshots import snapshot
from dataquality.services.judges.triage import fold, follow_streaks
from dataquality.services.results.manifest import qualified_table_name
from dataquality.services.access.pii import pii_columns


def judge_run(
    *,
    profile_run: ProfileRun,
    results: Iterable[ProfileResult],
    columns: Iterable[ProfileColumn],
    column_values: Iterable[ProfileColumnValue],
    reported: list[ProfileAnomaly],
    detected_at: datetime,
) -> list[ProfileAnomaly]:
    """The run's anomalies: those the notebook `reported`, then the judges' findings (drift the payload already
    reported is left out: an older notebook raises `row_count_drop`), all with their streaks and dispositions."""
    group = profile_run.table_group
    history = load_history(profile_run, now=detected_at)
    top_values = (value for value in column_values if value.kind == ProfileColumnValue.Kind.VALUE)
    now = snapshot(results, columns, top_values)
    pii = pii_columns(reported)
    withheld = {(key, name) for key, table in now.items() for name in table.columns if (qualified_table_name(*key), name) in pii}
    baselines = judge_baselines(
        now, history, sensitivity=group.sensitivity, timezone_name=group.schedule_timezone,
        completed_at=detected_at, withheld=withheld,
    )
    # A PII column's mean is a value of the data (the completion withholds it already): no description may carry it.
    silenced = baselines.silenced | {(key, name, "mean_shift") for key, name in withheld}
    findings = [*baselines.findings, *judge_drift(now, history, drift_thresholds(group), silenced)]
    fold(findings)
    already = {(anomaly.table_name, anomaly.column_name, anomaly.anomaly_type) for anomaly in reported}
    judged = _anomalies(profile_run, findings, detected_at, skip=already)
    anomalies = [*reported, *judged]
    follow_streaks(anomalies, table_group_id=group.pk, history=history)
    return anomalies


def _anomalies(profile_run: ProfileRun, findings: list[Finding], detected_at: datetime, *, skip: set) -> list[ProfileAnomaly]:
    made: dict[int, ProfileAnomaly] = {}
    for finding in findings:
        table_name = qualified_table_name(*finding.table)
        if (table_name, finding.column_name, finding.type_id) in skip:
            continue
        made[id(finding)] = ProfileAnomaly(
            profile_run_id=profile_run.pk, table_name=table_name, column_name=finding.column_name,
            anomaly_type=finding.type_id, severity=finding.severity, description=finding.description,
            detected_at=detected_at, observed=finding.observed, expected_low=finding.expected_low,
            expected_high=finding.expected_high, baseline_runs=finding.baseline_runs,
        )
    for finding in findings:
        if finding.caused_by is not None and id(finding) in made:
            made[id(finding)].caused_by = made.get(id(finding.caused_by))
    return list(made.values())
