"""The baseline catalogue as data (contract 11.2): which metrics are learned from a group's history, how wide
their bands are, and the anomaly types a value outside its band raises. The rules are in
`dataquality/services/judges/baselines.py`; `docs/monitoring.md` explains them with a worked example.

Every number is a setting (`DQ_BASELINE_*`) whose default is here; a group picks its `sensitivity`.
"""

from __future__ import annotations

from dataclasses import dataclass

from notebooks.dq_profiler.catalogue import MEDIUM, AnomalyType

SHARE, COUNT, MEAN = "share", "count", "mean"  # how a metric's floor is set


@dataclass(frozen=True)
class MonitoredMetric:
    name: str  # as the history endpoint names it
    label: str  # as a description names it
    scale: str  # SHARE, COUNT or MEAN
    anomaly_type: str
    previous_run_types: tuple[str, ...]  # the drift types this baseline silences once it exists
    text_only: bool = False


MONITORED_METRICS: tuple[MonitoredMetric, ...] = (
    MonitoredMetric("row_count", "row count", COUNT, "row_count_outside_baseline", ("row_count_drop", "row_count_growth")),
    MonitoredMetric("null_share", "null share", SHARE, "null_share_outside_baseline", ("null_share_increase",)),
    MonitoredMetric(
        "distinct_count", "distinct count", COUNT, "distinct_count_outside_baseline", ("distinct_count_change",)
    ),
    MonitoredMetric("mean", "mean", MEAN, "mean_outside_baseline", ("mean_shift",)),
    MonitoredMetric("blank_share", "blank share", SHARE, "blank_share_outside_baseline", (), text_only=True),
)
TABLE_METRICS = ("row_count",)


@dataclass(frozen=True)
class BaselineSetting:
    setting: str
    default: float
    minimum: float  # inclusive
    meaning: str


BASELINE_SETTINGS: tuple[BaselineSetting, ...] = (
    BaselineSetting("DQ_BASELINE_WINDOW", 20, 2, "completed runs before this one that a baseline is learned from"),
    BaselineSetting("DQ_BASELINE_MIN_RUNS", 5, 2, "values a metric needs before it has a baseline"),
    BaselineSetting("DQ_BASELINE_K_LOW", 6, 0.5, "k of the band for sensitivity `low`"),
    BaselineSetting("DQ_BASELINE_K_MEDIUM", 4, 0.5, "k of the band for sensitivity `medium` (the default)"),
    BaselineSetting("DQ_BASELINE_K_HIGH", 3, 0.5, "k of the band for sensitivity `high`"),
    BaselineSetting("DQ_BASELINE_SHARE_FLOOR", 0.005, 0, "smallest spread of a share (0.005 = half a share point)"),
    BaselineSetting("DQ_BASELINE_COUNT_FLOOR", 0.01, 0, "smallest spread of a count, as a share of its median (at least 1)"),
    BaselineSetting("DQ_BASELINE_MEAN_FLOOR", 0.01, 0, "smallest spread of a mean, as a share of its median's magnitude"),
)
SENSITIVITY_SETTINGS = {"low": "DQ_BASELINE_K_LOW", "medium": "DQ_BASELINE_K_MEDIUM", "high": "DQ_BASELINE_K_HIGH"}
# Weekly rhythm: this many weeks back, and at least this many runs on the run's weekday in them.
RHYTHM_WEEKS = 8
RHYTHM_MIN_RUNS = 4


def _criterion(metric: MonitoredMetric) -> str:
    scope = "A table's" if metric.name in TABLE_METRICS else ("A text column's" if metric.text_only else "A column's")
    return (
        f"{scope} {metric.label} lies outside its baseline: median ± k × max(1.4826 × MAD, floor) over the "
        "group's last completed runs (at least the minimum of them), or over the same weekday's runs when the "
        "history has a weekly rhythm. High beyond twice the band's half width from the median."
    )


BASELINE_TYPES: tuple[AnomalyType, ...] = tuple(
    AnomalyType(metric.anomaly_type, f"{metric.label.capitalize()} outside its baseline", MEDIUM, _criterion(metric))
    for metric in MONITORED_METRICS
)
