"""Drift: a completed run compared with the group's previous completed run (contract section 10).

Computed on the server when a run completes, inside the completion's transaction, and stored as anomalies of the
run, so the API's anomalies and results and the report show them with the engine's own. The types and their
criteria are data, in `dataquality/drift_catalogue.py`. A group's first completed run has nothing to compare with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from dataquality.drift_catalogue import DRIFT_THRESHOLDS, DRIFT_TYPES_BY_ID
from dataquality.models import (
    ProfileAnomaly,
    ProfileColumn,
    ProfileColumnValue,
    ProfileResult,
    ProfileRun,
)
from dataquality.selectors import previous_completed_run
from dataquality.services.manifest import qualified_table_name

LISTED_VALUES = 5  # values named in a new or vanished value description; the rest are counted


@dataclass(frozen=True)
class ColumnState:
    data_type: str
    row_count: int | None
    null_count: int | None
    distinct_count: int | None
    mean: float | None
    stddev: float | None
    values: frozenset[str | None] | None  # every distinct value, when the top values list them all


@dataclass
class TableState:
    row_count: int | None
    failed: bool
    columns: dict[str, ColumnState] = field(default_factory=dict)


Snapshot = dict[tuple[str, str], TableState]  # (schema_name, table_name) -> the table in one run


@dataclass(frozen=True)
class Drift:
    type_id: str
    column_name: str | None
    description: str


def drift_anomalies(
    *,
    profile_run: ProfileRun,
    results: Iterable[ProfileResult],
    columns: Iterable[ProfileColumn],
    column_values: Iterable[ProfileColumnValue],
    reported: Iterable[ProfileAnomaly] = (),
    detected_at: datetime,
) -> list[ProfileAnomaly]:
    """The drift of a run about to be completed with these rows, against the group's previous completed run.

    Drift the payload `reported` already is left out: a notebook of an older version raises `row_count_drop`.
    """
    previous = previous_completed_run(profile_run)
    if previous is None:
        return []
    thresholds = drift_thresholds(profile_run.table_group)
    top_values = ProfileColumnValue.Kind.VALUE
    before = _snapshot(
        previous.results.all(),
        previous.columns.only(*_COLUMN_FIELDS),
        previous.column_values.filter(kind=top_values).only("schema_name", "table_name", "column_name", "value"),
    )
    now = _snapshot(results, columns, (value for value in column_values if value.kind == top_values))
    already = {_identity(anomaly) for anomaly in reported}
    found = [
        ProfileAnomaly(
            profile_run_id=profile_run.pk,
            table_name=qualified_table_name(schema_name, table_name),
            column_name=drift.column_name,
            anomaly_type=drift.type_id,
            severity=DRIFT_TYPES_BY_ID[drift.type_id].severity,
            description=drift.description,
            detected_at=detected_at,
        )
        for (schema_name, table_name), table in now.items()
        if (schema_name, table_name) in before
        for drift in table_drift(before[(schema_name, table_name)], table, thresholds)
    ]
    return [anomaly for anomaly in found if _identity(anomaly) not in already]


def _identity(anomaly: ProfileAnomaly) -> tuple:
    return anomaly.table_name, anomaly.column_name, anomaly.anomaly_type


def drift_thresholds(table_group) -> dict[str, float]:
    """The settings' thresholds with the group's overrides (validated when they were saved)."""
    resolved = {threshold.key: getattr(settings, threshold.setting) for threshold in DRIFT_THRESHOLDS}
    return {**resolved, **(table_group.drift_thresholds or {})}


# --- the comparison ----------------------------------------------------------------------------------------


def table_drift(before: TableState, now: TableState, thresholds: dict[str, float]) -> list[Drift]:
    if before.failed or now.failed:
        return []  # a table that could not be profiled has no columns to compare
    found = _row_count_drift(before.row_count, now.row_count, thresholds)
    for name in now.columns.keys() - before.columns.keys():
        found.append(Drift("column_added", name, f"New column of type {now.columns[name].data_type or 'unknown'}"))
    for name in before.columns.keys() - now.columns.keys():
        gone_type = before.columns[name].data_type or "unknown"
        found.append(Drift("column_dropped", name, f"The column of type {gone_type} is gone"))
    for name in now.columns.keys() & before.columns.keys():
        found.extend(
            Drift(type_id, name, description)
            for type_id, description in _column_drift(before.columns[name], now.columns[name], thresholds)
        )
    return sorted(found, key=lambda drift: (drift.column_name or "", drift.type_id))


def _row_count_drift(before: int | None, now: int | None, thresholds: dict[str, float]) -> list[Drift]:
    if not before or now is None:
        return []  # nothing known, or an empty table: no ratio to speak of
    change = (now - before) / before
    since = f"from {before:,} in the previous completed run"
    if -change > thresholds["row_count_drop"]:
        return [Drift("row_count_drop", None, f"{now:,} rows, down {-change:.1%} {since}")]
    if change > thresholds["row_count_growth"]:
        return [Drift("row_count_growth", None, f"{now:,} rows, up {change:.1%} {since}")]
    return []


def _column_drift(before: ColumnState, now: ColumnState, thresholds: dict[str, float]):
    if before.data_type.lower() != now.data_type.lower():
        yield "data_type_change", f"Type changed from {before.data_type} to {now.data_type}"
    if before.row_count and now.row_count and before.null_count is not None and now.null_count is not None:
        share_before, share_now = before.null_count / before.row_count, now.null_count / now.row_count
        if share_now - share_before > thresholds["null_share_increase"]:
            yield "null_share_increase", f"Null share up from {share_before:.1%} to {share_now:.1%}"
    if before.distinct_count and now.distinct_count:
        factor = max(before.distinct_count, now.distinct_count) / min(before.distinct_count, now.distinct_count)
        if factor > thresholds["distinct_count_factor"]:
            yield "distinct_count_change", (
                f"Distinct count changed from {before.distinct_count:,} to {now.distinct_count:,}"
            )
    if _mean_shifted(before, now, thresholds["mean_shift_stddevs"]):
        yield "mean_shift", (
            f"Mean moved from {before.mean:g} to {now.mean:g} "
            f"(previous standard deviation {before.stddev:g})"
        )
    if before.values is not None and now.values is not None:
        if now.values - before.values:
            yield "new_top_value", f"New values: {_listed(now.values - before.values)}"
        if before.values - now.values:
            yield "vanished_top_value", f"Values no longer present: {_listed(before.values - now.values)}"


def _mean_shifted(before: ColumnState, now: ColumnState, stddevs: float) -> bool:
    if before.mean is None or now.mean is None or before.stddev is None:
        return False
    shift = abs(now.mean - before.mean)
    if before.stddev == 0:  # a constant column: any move of its one value is a shift
        return not math.isclose(now.mean, before.mean, rel_tol=1e-9, abs_tol=1e-12)
    return shift > stddevs * before.stddev


def _listed(values: frozenset[str | None]) -> str:
    names = sorted(repr(value) for value in values)
    more = f" and {len(names) - LISTED_VALUES} more" if len(names) > LISTED_VALUES else ""
    return ", ".join(names[:LISTED_VALUES]) + more


# --- snapshots of one run ----------------------------------------------------------------------------------

_COLUMN_FIELDS = (
    "schema_name", "table_name", "column_name", "data_type", "row_count", "null_count", "distinct_count", "mean",
    "stddev",
)


def _snapshot(
    results: Iterable[ProfileResult], columns: Iterable[ProfileColumn], top_values: Iterable[ProfileColumnValue]
) -> Snapshot:
    tables: Snapshot = {
        (result.schema_name, result.table_name): TableState(result.row_count, bool(result.error)) for result in results
    }
    values: dict[tuple[str, str, str], set[str | None]] = {}
    for entry in top_values:
        values.setdefault((entry.schema_name, entry.table_name, entry.column_name), set()).add(entry.value)
    for column in columns:
        table = tables.get((column.schema_name, column.table_name))
        if table is None:
            continue
        listed = values.get((column.schema_name, column.table_name, column.column_name), set())
        # The engine keeps the ten most frequent values: only when they are all of them is a missing one gone.
        complete = bool(listed) and len(listed) == column.distinct_count
        table.columns[column.column_name] = ColumnState(
            data_type=column.data_type,
            row_count=column.row_count,
            null_count=column.null_count,
            distinct_count=column.distinct_count,
            mean=column.mean,
            stddev=column.stddev,
            values=frozenset(listed) if complete else None,
        )
    return tables
