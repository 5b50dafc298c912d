"""The one rule for columns flagged as potential PII (contract section 6): they keep their counts and patterns,
never a value of their data.

- A column is PII when its run raised `potential_pii` on it (the notebook's catalogue decides, by name and by
  values). `pii_columns` / `is_pii_column` tell it from a run's anomalies (stored rows or payload dicts).
- Withheld: `WITHHELD_METRICS` (each is a value of the column, or with the row count gives values back: with one
  row the mean is the value, with two the mean and standard deviation are both values), the top values, and
  every `extra` field that is not a count (`withheld_extra`).

The completion applies it before anything is stored, so the API, the admin, the report, drift, alerts and
history read nothing to withhold; the report checks `pii_columns` as well. The notebook applies the
same rule before its payload leaves the workspace (notebooks/dq_profiler/pii.py, engine.py).
"""

from __future__ import annotations

from typing import Any, Iterable

from notebooks.dq_profiler.pii import POTENTIAL_PII as PII_ANOMALY_TYPE
from notebooks.dq_profiler.pii import WITHHELD_METRICS

__all__ = [
    "PII_ANOMALY_TYPE", "WITHHELD_METRICS", "is_count", "is_pii_column", "pii_columns", "withheld_extra",
    "withhold_column",
]


def _field(anomaly: Any, name: str) -> Any:
    return anomaly[name] if isinstance(anomaly, dict) else getattr(anomaly, name)


def pii_columns(anomalies: Iterable[Any]) -> set[tuple[str, str]]:
    """(qualified table name, column name) of every column flagged as potential PII among `anomalies`
    (`ProfileAnomaly` rows or payload dicts)."""
    return {
        (_field(anomaly, "table_name"), _field(anomaly, "column_name"))
        for anomaly in anomalies
        if _field(anomaly, "anomaly_type") == PII_ANOMALY_TYPE
    }


def is_pii_column(anomalies: Iterable[Any], table_name: str, column_name: str) -> bool:
    """Whether the run whose anomalies these are flagged `table_name` (`schema.table`) . `column_name` as PII.
    For many columns, build `pii_columns(anomalies)` once and test membership."""
    return (table_name, column_name) in pii_columns(anomalies)


def is_count(name: str, value: Any) -> bool:
    """An `extra` field a PII column keeps: a count (named `*_count`, an integer or null), not a value."""
    return name.endswith("_count") and (value is None or (isinstance(value, int) and not isinstance(value, bool)))


def withheld_extra(extra: dict | None) -> dict:
    """A PII column's `extra`: its counts only."""
    return {name: value for name, value in (extra or {}).items() if is_count(name, value)}


def withhold_column(column: Any) -> None:
    """Clear what a PII column may not keep, on a `ProfileColumn` (stored or not)."""
    for name in WITHHELD_METRICS:
        setattr(column, name, None)
    column.extra = withheld_extra(column.extra)
