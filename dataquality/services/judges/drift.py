"""Drift: a completed run compared with the group's previous completed run (contract section 10).

One judge of the completion: the run and the group's history in, findings out. The types and their criteria
are data, in `dataquality/drift_catalogue.py`. A group's first completed run has nothing to compare with. A
metric that has a learned baseline is judged by the baseline alone (`silenced`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

from dataquality.drift_catalogue import DRIFT_THRESHOLDS, DRIFT_TYPES_BY_ID
from dataquality.services.judges.findings import Finding
from dataquality.services.judges.history import GroupHistory
from dataquality.services.judges.snapshots import ColumnState, Snapshot, TableState

LISTED_VALUES = 5  # values named in a new or vanished value description; the rest are counted


@dataclass(frozen=True)
class Drift:
    type_id: str
    column_name: str | None
    description: str
    ratio: float | None = None  # now / before, for the counts


def judge_drift(now: Snapshot, history: GroupHistory, thresholds: dict[str, float], silenced: set[tuple]) -> list[Finding]:
    """Findings of `now` against the previous completed run; `silenced` holds (table, column, type id) that a
    baseline decides instead."""
    previous = history.previous
    if previous is None:
        return []
    found = []
    for key, table in now.items():
        before = previous.tables.get(key)
        if before is None:
            continue
        for drift in table_drift(before, table, thresholds):
            if (key, drift.column_name, drift.type_id) in silenced:
                continue
            entry = DRIFT_TYPES_BY_ID[drift.type_id]
            found.append(Finding(key, drift.column_name, drift.type_id, entry.severity, drift.description, ratio=drift.ratio))
    return found


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
            Drift(type_id, name, description, ratio)
            for type_id, description, ratio in _column_drift(before.columns[name], now.columns[name], thresholds)
        )
    return sorted(found, key=lambda drift: (drift.column_name or "", drift.type_id))


def _row_count_drift(before: int | None, now: int | None, thresholds: dict[str, float]) -> list[Drift]:
    if not before or now is None:
        return []  # nothing known, or an empty table: no ratio to speak of
    change = (now - before) / before
    since = f"from {before:,} in the previous completed run"
    if -change > thresholds["row_count_drop"]:
        return [Drift("row_count_drop", None, f"{now:,} rows, down {-change:.1%} {since}", now / before)]
    if change > thresholds["row_count_growth"]:
        return [Drift("row_count_growth", None, f"{now:,} rows, up {change:.1%} {since}", now / before)]
    return []


def _column_drift(before: ColumnState, now: ColumnState, thresholds: dict[str, float]):
    if before.data_type.lower() != now.data_type.lower():
        yield "data_type_change", f"Type changed from {before.data_type} to {now.data_type}", None
    if before.row_count and now.row_count and before.null_count is not None and now.null_count is not None:
        share_before, share_now = before.null_count / before.row_count, now.null_count / now.row_count
        if share_now - share_before > thresholds["null_share_increase"]:
            yield "null_share_increase", f"Null share up from {share_before:.1%} to {share_now:.1%}", None
    if before.distinct_count and now.distinct_count:
        factor = max(before.distinct_count, now.distinct_count) / min(before.distinct_count, now.distinct_count)
        if factor > thresholds["distinct_count_factor"]:
            yield "distinct_count_change", (
                f"Distinct count changed from {before.distinct_count:,} to {now.distinct_count:,}"
            ), now.distinct_count / before.distinct_count
    if _mean_shifted(before, now, thresholds["mean_shift_stddevs"]):
        yield "mean_shift", (
            f"Mean moved from {before.mean:g} to {now.mean:g} "
            f"(previous standard deviation {before.stddev:g})"
        ), None
    if before.values is not None and now.values is not None:
        if now.values - before.values:
            yield "new_top_value", f"New values: {_listed(now.values - before.values)}", None
        if before.values - now.values:
            yield "vanished_top_value", f"Values no longer present: {_listed(before.values - now.values)}", None


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
