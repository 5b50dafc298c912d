"""The drift catalogue as data: anomaly types computed on the server, comparing a completed run with the group's
previous completed run (contract section 10). The engine's own types are in `notebooks/dq_profiler/catalogue.py`;
`docs/anomalies.md` lists both, and a test keeps them in step. The rules are in `dataquality/services/drift.py`.

Thresholds: defaults here, overridable by settings (`DRIFT_*`), and per table group (`drift_thresholds`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from notebooks.dq_profiler.catalogue import HIGH, LOW, MEDIUM, AnomalyType


@dataclass(frozen=True)
class DriftThreshold:
    key: str  # the key in a group's `drift_thresholds`
    setting: str  # the Django setting (and environment variable) of the deployment's default
    default: float
    minimum: float  # exclusive
    maximum: float | None  # inclusive; None for no bound
    meaning: str  # what the number measures, as the admin's form labels it


DRIFT_THRESHOLDS: tuple[DriftThreshold, ...] = (
    DriftThreshold("null_share_increase", "DRIFT_NULL_SHARE_INCREASE", 0.1, 0.0, 1.0,
                   "rise of a column's null share, in share points (0.1 = 10 points)"),
    DriftThreshold("distinct_count_factor", "DRIFT_DISTINCT_COUNT_FACTOR", 2.0, 1.0, None,
                   "factor between a column's distinct counts"),
    DriftThreshold("mean_shift_stddevs", "DRIFT_MEAN_SHIFT_STDDEVS", 3.0, 0.0, None,
                   "move of a numeric mean, in the previous run's standard deviations"),
    DriftThreshold("row_count_drop", "DRIFT_ROW_COUNT_DROP", 0.5, 0.0, 1.0,
                   "share of a table's previous rows lost (0.5 = half)"),
    DriftThreshold("row_count_growth", "DRIFT_ROW_COUNT_GROWTH", 1.0, 0.0, None,
                   "growth of a table's rows, as a share of its previous count (1 = doubled)"),
)
DRIFT_THRESHOLDS_BY_KEY = {threshold.key: threshold for threshold in DRIFT_THRESHOLDS}

DRIFT_TYPES: tuple[AnomalyType, ...] = (
    AnomalyType(
        "row_count_drop",
        "Row count drop",
        HIGH,
        "The table lost more than 50% of the rows it had in the group's previous completed run. Table-level.",
        ("row_count_drop",),
    ),
    AnomalyType(
        "row_count_growth",
        "Row count growth",
        MEDIUM,
        "The table has more than twice (100% more than) the rows it had in the previous completed run. "
        "Table-level; a table that was empty is not compared.",
        ("row_count_growth",),
    ),
    AnomalyType(
        "column_added",
        "Column added",
        LOW,
        "The column exists now but did not in the previous completed run.",
    ),
    AnomalyType(
        "column_dropped",
        "Column dropped",
        HIGH,
        "The column existed in the previous completed run and is gone.",
    ),
    AnomalyType(
        "data_type_change",
        "Data type change",
        HIGH,
        "The column's data type differs from the previous completed run's.",
    ),
    AnomalyType(
        "null_share_increase",
        "Null share increase",
        MEDIUM,
        "The share of null rows grew by more than 10 percentage points (e.g. from 2% to 15%).",
        ("null_share_increase",),
    ),
    AnomalyType(
        "distinct_count_change",
        "Distinct count change",
        MEDIUM,
        "The distinct count grew or shrank by more than a factor of 2 (both counts non-zero).",
        ("distinct_count_factor",),
    ),
    AnomalyType(
        "mean_shift",
        "Mean shift",
        MEDIUM,
        "A numeric column's mean moved by more than 3 standard deviations of the previous run (any move when "
        "the previous standard deviation was 0).",
        ("mean_shift_stddevs",),
    ),
    AnomalyType(
        "new_top_value",
        "New value",
        LOW,
        "A low-cardinality column (its top values list every distinct value, in both runs) holds a value it did "
        "not hold in the previous completed run.",
    ),
    AnomalyType(
        "vanished_top_value",
        "Vanished value",
        MEDIUM,
        "A low-cardinality column (its top values list every distinct value, in both runs) no longer holds a "
        "value it held in the previous completed run.",
    ),
)
DRIFT_TYPES_BY_ID = {anomaly_type.id: anomaly_type for anomaly_type in DRIFT_TYPES}


def validate_drift_thresholds(value) -> None:
    """A group's overrides: an object of known keys, each a number within its bounds."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise ValidationError("Must be an object of threshold names and numbers, e.g. {\"row_count_drop\": 0.3}.")
    errors = []
    for key, number in value.items():
        threshold = DRIFT_THRESHOLDS_BY_KEY.get(key)
        if threshold is None:
            errors.append(f"Unknown threshold {key!r}; known: {', '.join(DRIFT_THRESHOLDS_BY_KEY)}.")
        elif isinstance(number, bool) or not isinstance(number, int | float):
            errors.append(f"{key} must be a number, not {number!r}.")
        elif number <= threshold.minimum or (threshold.maximum is not None and number > threshold.maximum):
            upper = f" and at most {threshold.maximum:g}" if threshold.maximum is not None else ""
            errors.append(f"{key} must be greater than {threshold.minimum:g}{upper}, not {number!r}.")
    if errors:
        raise ValidationError(errors)
