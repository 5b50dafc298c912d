"""Trends for the pages: a metric's values over a group's recent completed runs, drawn as small inline SVG lines.

Reads are bounded whatever the number of runs, tables and columns: the run ids, then one query for the tables'
row counts and one for the columns' figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import format_html

from dataquality.models import ProfileColumn, ProfileResult, ProfileRun, ProfileRunStatus
from dataquality.services.results.manifest import qualified_table_name

TREND_RUNS = 20  # points of a report's trend: the group's last completed runs up to the one shown
WIDTH, HEIGHT, PAD = 80.0, 20.0, 2.0


@dataclass(frozen=True)
class Sparkline:
    """A polyline on a WIDTH × HEIGHT canvas; `label` reads the series out for screen readers and tooltips."""

    points: str  # "x,y x,y ..." for <polyline points>
    last_x: float
    last_y: float
    label: str
    width: float = WIDTH
    height: float = HEIGHT

    @property
    def svg(self) -> str:
        """The inline SVG, escaped where it holds text: a page places hundreds, cheaper built here than included.
        Presentation attributes only (no style attribute), so a strict Content-Security-Policy allows it."""
        return format_html(
            '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            'aria-label="{label}"><title>{label}</title><polyline points="{points}" fill="none" '
            'stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>'
            '<circle cx="{x}" cy="{y}" r="2" fill="currentColor"/></svg>',
            w=f"{self.width:.0f}", h=f"{self.height:.0f}", label=self.label, points=self.points,
            x=f"{self.last_x:.2f}", y=f"{self.last_y:.2f}",
        )


def sparkline(values: list[float | None], *, name: str, text, width: float = WIDTH, height: float = HEIGHT) -> Sparkline | None:
    """The known values in order, scaled to the canvas; None with fewer than two of them (no line to draw)."""
    known = [(index, value) for index, value in enumerate(values) if value is not None]
    if len(known) < 2:
        return None
    low, high = min(value for _, value in known), max(value for _, value in known)
    span = (high - low) or 1.0
    step = (width - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        share = 0.5 if high == low else (value - low) / span
        return round(height - PAD - share * (height - 2 * PAD), 2)

    coordinates = [(round(PAD + index * step, 2), y(value)) for index, value in known]
    label = f"{name} over the last {len(values)} runs: " + ", ".join(text(value) for _, value in known)
    return Sparkline(
        " ".join(f"{x},{y_}" for x, y_ in coordinates), coordinates[-1][0], coordinates[-1][1], label, width, height
    )


def recent_completed_run_ids(profile_run: ProfileRun, count: int = TREND_RUNS) -> list:
    """The group's last `count` completed runs up to `profile_run` (itself included when completed), oldest first."""
    runs = ProfileRun.objects.filter(
        table_group_id=profile_run.table_group_id, status=ProfileRunStatus.COMPLETED,
        created_at__lte=profile_run.created_at,
    )
    return list(reversed(runs.order_by("-created_at").values_list("pk", flat=True)[:count]))


@dataclass
class ReportTrends:
    """Series by table (`row_count`) and by (table, column) (`null_share`, `distinct_count`, `mean`)."""

    tables: dict[str, list[float | None]]
    columns: dict[tuple[str, str], dict[str, list[float | None]]]


def report_trends(profile_run: ProfileRun, scope: Q) -> ReportTrends:
    run_ids = recent_completed_run_ids(profile_run)
    position = {pk: index for index, pk in enumerate(run_ids)}
    tables: dict[str, list] = defaultdict(lambda: [None] * len(run_ids))
    columns: dict[tuple[str, str], dict[str, list]] = defaultdict(
        lambda: {name: [None] * len(run_ids) for name in ("null_share", "distinct_count", "mean")}
    )
    for run_id, schema, table, rows in ProfileResult.objects.filter(scope, profile_run_id__in=run_ids).values_list(
        "profile_run_id", "schema_name", "table_name", "row_count"
    ):
        tables[qualified_table_name(schema, table)][position[run_id]] = rows
    stored = ProfileColumn.objects.filter(scope, profile_run_id__in=run_ids).values_list(
        "profile_run_id", "schema_name", "table_name", "column_name", "row_count", "null_count", "distinct_count", "mean"
    )
    for run_id, schema, table, column, rows, nulls, distinct, mean in stored:
        series = columns[(qualified_table_name(schema, table), column)]
        index = position[run_id]
        series["null_share"][index] = nulls / rows if rows and nulls is not None else None
        series["distinct_count"][index] = distinct
        series["mean"][index] = mean
    return ReportTrends(dict(tables), dict(columns))
