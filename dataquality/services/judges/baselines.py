"""Baselines learned from the group's history (contract 11.2): one judge of the completion.

Each monitored metric of the run is compared with the band median ± k × max(1.4826 × MAD, floor) of its values in
the group's last completed runs (a robust band: one odd run barely moves a median). A history with a weekly rhythm
(the same weekday's runs sitting apart from the rest) is judged against that weekday's runs. A metric with a
baseline is judged by it alone: the previous-run drift types it replaces are returned as silenced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from django.conf import settings

from dataquality.baseline_catalogue import (
    COUNT,
    MONITORED_METRICS,
    RHYTHM_MIN_RUNS,
    RHYTHM_WEEKS,
    SENSITIVITY_SETTINGS,
    SHARE,
    MonitoredMetric,
)
from dataquality.services.judges.findings import Finding
from dataquality.services.judges.history import GroupHistory, PastRun
from dataquality.services.judges.snapshots import Snapshot, TableKey

MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution times this is its standard deviation
_METRICS = {metric.name: metric for metric in MONITORED_METRICS}
# Metrics that are values of the data: a column flagged as potential PII is not judged on them.
VALUE_METRICS = frozenset({"mean"})


@dataclass(frozen=True)
class Band:
    median: float
    low: float
    high: float
    half_width: float
    runs: int
    source: str  # "the last 8 runs" or "the last 5 Mondays"

    def severity(self, observed: float) -> str:
        return "high" if abs(observed - self.median) > 2 * self.half_width else "medium"


@dataclass(frozen=True)
class Judged:
    findings: list[Finding]
    silenced: set[tuple]  # (table, column, drift type id) that the previous-run judge must not raise


def judge_baselines(
    now: Snapshot,
    history: GroupHistory,
    *,
    sensitivity: str,
    timezone_name: str,
    completed_at: datetime,
    withheld: set[tuple[TableKey, str]] = frozenset(),
) -> Judged:
    k = getattr(settings, SENSITIVITY_SETTINGS.get(sensitivity, SENSITIVITY_SETTINGS["medium"]))
    weekday = _Weekday(timezone_name, completed_at)
    same_weekday = [run for run in history.runs if weekday.matches(run)]
    findings: list[Finding] = []
    silenced: set[tuple] = set()

    def judge(key: TableKey, column_name: str | None, metric: MonitoredMetric, observed, read) -> None:
        if observed is None:
            return
        band = _band(metric, [read(run) for run in history.recent], [read(run) for run in same_weekday], k, weekday)
        if band is None:
            return
        silenced.update((key, column_name, type_id) for type_id in metric.previous_run_types)
        if band.low <= observed <= band.high:
            return
        findings.append(
            Finding(
                key, column_name, metric.anomaly_type, band.severity(observed),
                f"{metric.label.capitalize()} {_text(metric, observed)}, expected {_text(metric, band.low)}–"
                f"{_text(metric, band.high)} from {band.source}",
                observed=observed, expected_low=band.low, expected_high=band.high, baseline_runs=band.runs,
                ratio=observed / band.median if band.median else None,
            )
        )

    for key, table in now.items():
        if table.failed:
            continue
        judge(key, None, _METRICS["row_count"], table.row_count, lambda run, key=key: _table_rows(run, key))
        for name, column in table.columns.items():
            for metric in MONITORED_METRICS[1:]:
                if metric.text_only and column.general_type != "text":
                    continue
                if metric.name in VALUE_METRICS and (key, name) in withheld:
                    continue
                judge(
                    key, name, metric, column.metric(metric.name),
                    lambda run, key=key, name=name, metric=metric: _column_metric(run, key, name, metric.name),
                )
    return Judged(findings, silenced)


def _band(metric: MonitoredMetric, recent: list, weekday_values: list, k: float, weekday: "_Weekday") -> Band | None:
    values = [value for value in recent if value is not None]
    if len(values) < settings.DQ_BASELINE_MIN_RUNS:
        return None
    band = _robust_band(metric, values, k, f"the last {len(values)} runs")
    on_weekday = [value for value in weekday_values if value is not None]
    if len(on_weekday) >= RHYTHM_MIN_RUNS and not band.low <= median(on_weekday) <= band.high:
        return _robust_band(metric, on_weekday, k, f"the last {len(on_weekday)} {weekday.name}s")
    return band


def _robust_band(metric: MonitoredMetric, values: list[float], k: float, source: str) -> Band:
    middle = median(values)
    spread = max(MAD_TO_SIGMA * median(abs(value - middle) for value in values), _floor(metric, middle))
    half_width = k * spread
    low, high = middle - half_width, middle + half_width
    if metric.scale == SHARE:
        low, high = max(low, 0.0), min(high, 1.0)
    elif metric.scale == COUNT:
        low = max(low, 0.0)
    return Band(middle, low, high, half_width, len(values), source)


def _floor(metric: MonitoredMetric, middle: float) -> float:
    if metric.scale == SHARE:
        return settings.DQ_BASELINE_SHARE_FLOOR
    if metric.scale == COUNT:
        return max(settings.DQ_BASELINE_COUNT_FLOOR * abs(middle), 1.0)
    return settings.DQ_BASELINE_MEAN_FLOOR * abs(middle)


def _table_rows(run: PastRun, key: TableKey) -> float | None:
    table = run.tables.get(key)
    return None if table is None or table.failed else table.row_count


def _column_metric(run: PastRun, key: TableKey, column_name: str, metric_name: str) -> float | None:
    table = run.tables.get(key)
    column = table.columns.get(column_name) if table is not None and not table.failed else None
    return None if column is None else column.metric(metric_name)


def _text(metric: MonitoredMetric, value: float) -> str:
    if metric.scale == SHARE:
        return f"{value:.1%}"
    if metric.scale == COUNT:
        return f"{round(value):,}"
    return f"{value:,.4g}"


class _Weekday:
    """The judged run's weekday in the group's time zone, and which past runs share it within the rhythm's weeks."""

    def __init__(self, timezone_name: str, completed_at: datetime):
        self.zone = ZoneInfo(timezone_name or "UTC")
        self.day = completed_at.astimezone(self.zone).weekday()
        self.since = completed_at - timedelta(weeks=RHYTHM_WEEKS)
        self.name = completed_at.astimezone(self.zone).strftime("%A")

    def matches(self, run: PastRun) -> bool:
        return run.completed_at >= self.since and run.completed_at.astimezone(self.zone).weekday() == self.day
