"""A table of a run against the same table in the group's previous completed run: its row count, and per column
a few metrics with their change, so that drift stands out.

The compared metrics are data (`COMPARED`): adding one is one line. Whatever drift anomalies a run carries are
listed with its other anomalies; this only shows the figures side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dataquality.models import ProfileColumn, ProfileResult
from dataquality.reports.display import format_count, format_number, ratio

# The change that counts as notable, when a figure moves by it or more.
NOTABLE_RELATIVE_CHANGE = 0.10
NOTABLE_POINTS_CHANGE = 5.0
RELATIVE, POINTS = "relative", "points"
NOTABLE_NOTE = (
    f"Changes of {NOTABLE_RELATIVE_CHANGE:.0%} or more, or of {NOTABLE_POINTS_CHANGE:g} points of null share or more, "
    "are highlighted."
)


@dataclass(frozen=True)
class ComparedMetric:
    label: str
    read: Callable[[ProfileColumn], float | None]
    show: Callable[[float | None], str]
    change: str = RELATIVE  # how the difference is told: relative to the previous figure, or in percentage points
    shows_values: bool = False  # withheld for a column flagged as potential PII


def _null_percent(column: ProfileColumn) -> float | None:
    share = ratio(column.null_count, column.row_count)
    return None if share is None else 100 * share


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


COMPARED: tuple[ComparedMetric, ...] = (
    ComparedMetric("Null %", _null_percent, _percent, change=POINTS),
    ComparedMetric("Distinct count", lambda column: column.distinct_count, format_count),
    ComparedMetric("Mean", lambda column: column.mean, format_number, shows_values=True),
)


@dataclass
class Change:
    previous_text: str
    current_text: str
    delta_text: str
    direction: str  # up, down, same, or unknown when either side is missing
    notable: bool


@dataclass
class ColumnChanges:
    name: str
    state: str  # kept, added (not in the previous run) or dropped (only in the previous run)
    changes: list[Change]

    @property
    def notable(self) -> bool:
        return self.state != "kept" or any(change.notable for change in self.changes)


@dataclass
class TableComparison:
    row_count: Change
    columns: list[ColumnChanges]
    labels: tuple[str, ...] = tuple(metric.label for metric in COMPARED)

    @property
    def cells(self) -> int:
        """Table cells a column row spans: a before-and-after cell and a change cell per compared metric."""
        return 2 * len(self.labels)

    @property
    def notable_columns(self) -> int:
        return sum(1 for column in self.columns if column.notable)


def compare_table(
    result: ProfileResult,
    columns: list[ProfileColumn],
    previous_row_count: int | None,
    previous_columns: list[ProfileColumn] | None,
    *,
    pii_columns: set[str],
) -> TableComparison:
    previous_by_name = {column.column_name: column for column in previous_columns or ()}
    current_names = {column.column_name for column in columns}
    compared = [
        _column_changes(column, previous_by_name.get(column.column_name), hidden=column.column_name in pii_columns)
        for column in columns
    ]
    if previous_columns is not None:
        compared += [
            ColumnChanges(column.column_name, "dropped", [])
            for column in previous_columns
            if column.column_name not in current_names
        ]
    return TableComparison(
        row_count=_change(previous_row_count, result.row_count, format_count, RELATIVE), columns=compared
    )


def _column_changes(column: ProfileColumn, previous: ProfileColumn | None, *, hidden: bool) -> ColumnChanges:
    if previous is None:
        return ColumnChanges(column.column_name, "added", [])
    changes = []
    for metric in COMPARED:
        if hidden and metric.shows_values:
            changes.append(Change("", "withheld", "", "unknown", False))
        else:
            changes.append(_change(metric.read(previous), metric.read(column), metric.show, metric.change))
    return ColumnChanges(column.column_name, "kept", changes)


def _change(before: float | None, after: float | None, show: Callable, change: str) -> Change:
    texts = (show(before), show(after))
    if before is None or after is None:
        return Change(*texts, "", "unknown", False)
    difference = after - before
    if difference == 0:
        return Change(*texts, "±0", "same", False)
    direction = "up" if difference > 0 else "down"
    if change == POINTS:
        return Change(*texts, f"{difference:+.1f} pts", direction, abs(difference) >= NOTABLE_POINTS_CHANGE)
    if before == 0:
        return Change(*texts, "from 0", direction, True)
    relative = difference / abs(before)
    return Change(*texts, f"{relative * 100:+.1f}%", direction, abs(relative) >= NOTABLE_RELATIVE_CHANGE)
