"""The run report's data: one read of a run and of its group's previous completed run, returned as plain
dataclasses that the templates only place.

A bounded number of queries whatever the number of tables and columns: the run, its anomalies, tables,
columns and top values, then the previous run, its tables and its columns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from dataquality.anomaly_types import ALL_ANOMALY_TYPES
from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileColumnValue, ProfileResult, ProfileRun
from dataquality.models import ProfileRunStatus
from dataquality.reports.comparison import NOTABLE_NOTE, TableComparison, compare_table
from dataquality.reports.display import (
    format_count,
    format_duration,
    format_number,
    format_percent,
    percent_text,
    ratio,
    short_run_id,
    visible_text,
)
from dataquality.reports.metrics import ROWS, Metric, glossary, metrics_for
from dataquality.reports.severity import ordered_severities, severity_css_class, severity_sort_key, standing_text
from dataquality.reports.trends import ReportTrends, Sparkline, report_trends, sparkline
from dataquality.selectors import next_completed_run, previous_completed_run
from dataquality.services.access.grants import readable_runs
from dataquality.services.results.manifest import qualified_table_name
from dataquality.services.access.pii import pii_columns
# The quartile chart's axis on its 400-unit canvas, inset so the end caps stay visible.
AXIS_START, AXIS_END = 10.0, 390.0


@dataclass
class Anomaly:
    severity: str
    severity_class: str
    type_id: str
    type_name: str
    criterion: str
    table_name: str
    column_name: str | None
    description: str
    pk: int = 0
    occurrences: int = 1
    disposition: str = "open"
    disposition_note: str = ""
    caused_by_id: int | None = None
    table_href: str = ""
    column_href: str = ""  # the column's details, when the anomaly names a profiled column
    consequences: list["Anomaly"] = field(default_factory=list)  # folded under this one (contract 11.4)

    @property
    def is_new(self) -> bool:
        return self.occurrences == 1

    @property
    def is_folded(self) -> bool:
        return self.caused_by_id is not None

    @property
    def standing(self) -> str:
        return standing_text(folded=self.is_folded, disposition=self.disposition, occurrences=self.occurrences)


@dataclass
class SeverityGroup:
    severity: str
    severity_class: str
    anomalies: list[Anomaly]


@dataclass
class MetricRow:
    key: str
    label: str
    value: str
    share: str = ""


@dataclass
class Bar:
    label: str | None  # None: a null value
    marked: bool  # whitespace or an empty string made visible
    count: int
    count_text: str
    share_text: str
    width: float  # percent of the longest bar of its chart


@dataclass
class Quartiles:
    """Min, quartiles and max on one axis: each point's value and its x on the chart's 0-400 wide canvas."""

    points: list[tuple[str, str, float]]  # (name, value text, x)

    def x(self, name: str) -> float:
        return next(x for point, _, x in self.points if point == name)

    @property
    def min_x(self) -> float:
        return self.x("min")

    @property
    def max_x(self) -> float:
        return self.x("max")

    @property
    def box_x(self) -> float:
        return self.x("p25")

    @property
    def box_width(self) -> float:
        return max(self.x("p75") - self.x("p25"), 1.0)  # a box of zero width would vanish

    @property
    def median_x(self) -> float:
        return self.x("median")

    @property
    def summary(self) -> str:
        return ", ".join(f"{name} {text}" for name, text, _ in self.points)


@dataclass
class ColumnTrends:
    null_share: Sparkline | None = None
    distinct_count: Sparkline | None = None
    mean: Sparkline | None = None


@dataclass
class BarChart:
    metric: str  # top_values or top_patterns: the glossary entry that explains it
    title: str
    bars: list[Bar]


@dataclass
class ColumnDetails:
    metrics: list[MetricRow]
    bar_charts: list[BarChart]  # the top values and top patterns that the column has
    quartiles: Quartiles | None


@dataclass
class Column:
    anchor: str
    name: str
    visible_name: str
    data_type: str
    general_type: str
    functional_type: str
    is_pii: bool
    null_share: float | None
    distinct_share: float | None
    min_text: str | None
    max_text: str | None
    distinct_approximate: bool
    details: ColumnDetails | None = None  # built when the page shows the column's details
    href: str = ""  # where its details are: on this page, or on its table's page
    anomalies: list[Anomaly] = field(default_factory=list)
    mean_text: str = "—"
    trends: ColumnTrends = field(default_factory=ColumnTrends)

    @property
    def null_share_text(self) -> str:
        return percent_text(self.null_share)

    @property
    def distinct_share_text(self) -> str:
        return percent_text(self.distinct_share)

    @property
    def badges(self) -> list[tuple[str, str, int]]:
        """(severity class, severity, count) of the column's anomalies, most severe first."""
        return _badges(self.anomalies)


@dataclass(frozen=True)
class Reused:
    """The earlier run whose results a table unchanged since then carries (it was not scanned again)."""

    short_id: str
    report_url: str


@dataclass
class Table:
    anchor: str
    qualified_name: str
    row_count_text: str
    column_count: int | None
    error: str | None
    columns: list[Column]
    anomalies: list[Anomaly]
    comparison: TableComparison | None
    details_url: str
    row_trend: Sparkline | None = None
    reused_from: Reused | None = None

    @property
    def badges(self) -> list[tuple[str, str, int]]:
        return _badges(self.anomalies)

    @property
    def table_anomalies(self) -> list[Anomaly]:
        """The anomalies about the table as a whole (no column), such as a row-count drop."""
        return [anomaly for anomaly in self.anomalies if not anomaly.column_href]


@dataclass
class RunLink:
    profile_run_id: str
    short_id: str
    completed_at: object
    report_url: str


@dataclass
class RunReport:
    run: ProfileRun
    group_id: int
    short_id: str
    group_name: str
    dataset_name: str
    duration_text: str
    row_count_text: str
    severity_counts: list[tuple[str, str, int]]
    anomaly_count: int
    anomaly_groups: list[SeverityGroup]
    anomaly_types: list[tuple[str, str]]
    anomaly_tables: list[str]
    tables: list[Table]
    previous_run: RunLink | None
    next_run: RunLink | None
    dropped_tables: list[str]
    detailed: bool  # every column's details are on this page
    report_url: str
    comparison_note: str = NOTABLE_NOTE
    glossary: list[tuple[str, str, str]] = field(default_factory=glossary)

    @property
    def is_final(self) -> bool:
        return self.run.is_final

    @property
    def is_completed(self) -> bool:
        """Only a completed run has a profile to compare and metrics to explain."""
        return self.run.status == ProfileRunStatus.COMPLETED


def get_report_run(profile_run_id, *, user) -> ProfileRun:
    """The run with its group and dataset, if `user` may read it (raises ProfileRun.DoesNotExist otherwise)."""
    return readable_runs(user).select_related("table_group__dataset").get(pk=profile_run_id)


class TableNotInRun(Exception):
    """The run profiled no table of that name."""


def build_run_report(profile_run: ProfileRun, *, table_name: str | None = None) -> RunReport:
    """Everything the report shows about `profile_run` (fetched with `get_report_run`).

    Every column's details (metrics, charts, comparison) are built when the run has at most
    `DATA_QUALITY_REPORT_INLINE_COLUMNS` columns; a larger run's page lists its tables and columns, and each
    table's details are its own page: `table_name` (qualified, `schema.table`) builds that table alone, in full.
    """
    indexed = [
        (f"t{index}", result, qualified_table_name(result.schema_name, result.table_name))
        for index, result in enumerate(profile_run.results.order_by("schema_name", "table_name"))
    ]
    if table_name is not None:
        indexed = [entry for entry in indexed if entry[2] == table_name]
        if not indexed:
            raise TableNotInRun(table_name)
    scope = _table_scope(indexed[0][1]) if table_name is not None else Q()

    anomaly_rows = profile_run.anomalies.order_by("id")
    anomaly_rows = list(anomaly_rows.filter(table_name=table_name) if table_name else anomaly_rows)
    anomalies = [_anomaly(row) for row in anomaly_rows]
    flagged = pii_columns(anomaly_rows)
    columns_by_table = _columns_by_table(profile_run, scope)
    detailed = table_name is not None or sum(map(len, columns_by_table.values())) <= settings.DATA_QUALITY_REPORT_INLINE_COLUMNS
    top = _top_entries(profile_run, scope) if detailed else None
    previous = previous_completed_run(profile_run)
    previous_columns = _columns_by_table(previous, scope) if previous else {}
    previous_rows = _row_counts(previous, scope) if previous else {}
    trends = report_trends(profile_run, scope)
    anomalies_by_table = defaultdict(list)
    for anomaly in anomalies:
        anomalies_by_table[anomaly.table_name].append(anomaly)

    tables = []
    for anchor, result, qualified in indexed:
        details_url = reverse("profile-run-report-table", args=[profile_run.pk, qualified])
        columns = [
            _column(
                stored, f"{anchor}-c{index}", result, top[(qualified, stored.column_name)] if detailed else None,
                is_pii=(qualified, stored.column_name) in flagged, trends=trends,
            )
            for index, stored in enumerate(columns_by_table.get(qualified, []))
        ]
        table_anomalies = anomalies_by_table.get(qualified, [])
        _attach_anomalies(anchor, "" if detailed else details_url, columns, table_anomalies)
        comparison = (
            compare_table(
                result, columns_by_table.get(qualified, []), previous_rows.get(qualified),
                previous_columns.get(qualified), pii_columns={name for table, name in flagged if table == qualified},
            )
            if previous
            else None
        )
        tables.append(
            Table(
                anchor=anchor, qualified_name=qualified, row_count_text=format_count(result.row_count),
                column_count=result.column_count, error=result.error, columns=columns, anomalies=table_anomalies,
                comparison=comparison, details_url=details_url,
                row_trend=sparkline(trends.tables.get(qualified, []), name="Rows", text=format_count),
                reused_from=_reused(result),
            )
        )

    group = profile_run.table_group
    return RunReport(
        run=profile_run,
        group_id=group.pk,
        short_id=short_run_id(profile_run.pk),
        group_name=group.name,
        dataset_name=group.dataset.name,
        duration_text=format_duration(profile_run.duration_ms),
        row_count_text=format_count(profile_run.row_count),
        severity_counts=_badges(anomalies),
        anomaly_count=len(anomalies),
        anomaly_groups=_by_severity(anomalies),
        anomaly_types=sorted({(a.type_id, a.type_name) for a in anomalies}, key=lambda item: item[1].lower()),
        anomaly_tables=sorted({a.table_name for a in anomalies}),
        tables=tables,
        previous_run=_run_link(previous),
        next_run=_run_link(next_completed_run(profile_run)),
        dropped_tables=[] if table_name else sorted(set(previous_rows) - {table.qualified_name for table in tables}),
        detailed=detailed,
        report_url=reverse("profile-run-report", args=[profile_run.pk]),
    )


def _reused(result: ProfileResult) -> Reused | None:
    if result.reused_from is None:
        return None
    return Reused(short_run_id(result.reused_from), reverse("profile-run-report", args=[result.reused_from]))


def _table_scope(result: ProfileResult) -> Q:
    return Q(schema_name=result.schema_name, table_name=result.table_name)


def _anomaly(row: ProfileAnomaly) -> Anomaly:
    entry = ALL_ANOMALY_TYPES.get(row.anomaly_type)
    return Anomaly(
        severity=row.severity,
        severity_class=severity_css_class(row.severity),
        type_id=row.anomaly_type,
        # A type this server does not know (a newer notebook's): named as unknown, its id kept.
        type_name=entry.name if entry else f"Unknown type: {row.anomaly_type}",
        criterion=entry.criterion if entry else "Not in this server's catalogue: the notebook may be newer.",
        table_name=row.table_name,
        column_name=row.column_name,
        description=row.description,
        pk=row.pk,
        occurrences=row.occurrences,
        disposition=row.disposition,
        disposition_note=row.disposition_note,
        caused_by_id=row.caused_by_id,
    )


def _attach_anomalies(table_anchor: str, details_url: str, columns: list[Column], anomalies: list[Anomaly]) -> None:
    """Each anomaly links to its table and, when it names a profiled column, to that column's details, which
    are on this page or, for a large run, on the table's page (`details_url`)."""
    by_name = {}
    for column in columns:
        column.href = f"{details_url}#{column.anchor}"
        by_name[column.name] = column
    for anomaly in anomalies:
        anomaly.table_href = f"#{table_anchor}"
        column = by_name.get(anomaly.column_name) if anomaly.column_name is not None else None
        if column:
            anomaly.column_href = column.href
            column.anomalies.append(anomaly)


def _by_severity(anomalies: list[Anomaly]) -> list[SeverityGroup]:
    """By severity, most severe first; a folded anomaly is listed under its cause, not on its own."""
    by_pk = {anomaly.pk: anomaly for anomaly in anomalies}
    grouped = defaultdict(list)
    for anomaly in anomalies:
        cause = by_pk.get(anomaly.caused_by_id) if anomaly.is_folded else None
        if cause is not None:
            cause.consequences.append(anomaly)
        else:
            grouped[anomaly.severity].append(anomaly)
    return [
        SeverityGroup(severity, severity_css_class(severity), grouped[severity])
        for severity in ordered_severities(grouped)
    ]


def _badges(anomalies: list[Anomaly]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for anomaly in anomalies:
        counts[anomaly.severity] += 1
    return [
        (severity_css_class(severity), severity, counts[severity])
        for severity in sorted(counts, key=severity_sort_key)
    ]


def _columns_by_table(profile_run: ProfileRun, scope: Q) -> dict[str, list[ProfileColumn]]:
    found: dict[str, list[ProfileColumn]] = defaultdict(list)
    for column in profile_run.columns.filter(scope).order_by("schema_name", "table_name", "ordinal_position", "id"):
        found[qualified_table_name(column.schema_name, column.table_name)].append(column)
    return found


def _row_counts(profile_run: ProfileRun, scope: Q) -> dict[str, int | None]:
    return {
        qualified_table_name(schema, table): rows
        for schema, table, rows in ProfileResult.objects.filter(scope, profile_run=profile_run).values_list(
            "schema_name", "table_name", "row_count"
        )
    }


def _top_entries(profile_run: ProfileRun, scope: Q) -> dict[tuple[str, str], dict[str, list[ProfileColumnValue]]]:
    found: dict = defaultdict(lambda: {ProfileColumnValue.Kind.VALUE: [], ProfileColumnValue.Kind.PATTERN: []})
    for entry in profile_run.column_values.filter(scope).order_by("rank", "id"):
        found[(qualified_table_name(entry.schema_name, entry.table_name), entry.column_name)][entry.kind].append(entry)
    return found


def _column_trends(series: dict[str, list] | None, *, is_pii: bool) -> ColumnTrends:
    if not series:
        return ColumnTrends()
    return ColumnTrends(
        null_share=sparkline(series["null_share"], name="Null share", text=percent_text),
        distinct_count=sparkline(series["distinct_count"], name="Distinct count", text=format_count),
        # A PII column's mean is a value of the data: no trend of it.
        mean=None if is_pii else sparkline(series["mean"], name="Mean", text=format_number),
    )


def _column(
    stored: ProfileColumn, anchor: str, result: ProfileResult, top: dict | None, *, is_pii: bool, trends: ReportTrends
) -> Column:
    """A column's overview figures, and with `top` (its ranked values and patterns) its full details."""
    rows = stored.row_count if stored.row_count is not None else result.row_count
    values = None if rows is None or stored.null_count is None else rows - stored.null_count
    column = Column(
        anchor=anchor,
        name=stored.column_name,
        visible_name=visible_text(stored.column_name) or "",
        data_type=stored.data_type,
        general_type=stored.general_type,
        functional_type=stored.functional_type,
        is_pii=is_pii,
        null_share=ratio(stored.null_count, rows),
        distinct_share=ratio(stored.distinct_count, values),
        min_text=None if is_pii else visible_text(stored.min_value),
        max_text=None if is_pii else visible_text(stored.max_value),
        distinct_approximate=stored.distinct_count_approximate,
        mean_text="withheld" if is_pii else format_number(stored.mean),
        trends=_column_trends(trends.columns.get((qualified_table_name(stored.schema_name, stored.table_name), stored.column_name)), is_pii=is_pii),
    )
    if top is not None:
        column.details = ColumnDetails(
            metrics=[_metric_row(metric, stored, rows, values, hidden=is_pii) for metric in metrics_for(stored.general_type)],
            bar_charts=[
                BarChart(metric, title, bars)
                for metric, title, bars in (
                    # The completion never stores a PII column's top values; the page does not rely on that.
                    ("top_values", "Top values", [] if is_pii else _bars(top[ProfileColumnValue.Kind.VALUE], values)),
                    ("top_patterns", "Top patterns", _bars(top[ProfileColumnValue.Kind.PATTERN], values)),
                )
                if bars
            ],
            quartiles=None if is_pii else _quartiles(stored),
        )
    return column


def _metric_value(stored: ProfileColumn, key: str):
    """A metric from its own column, or from `extra` where the model keeps the metrics it has no column for."""
    if hasattr(stored, key) and key != "extra":
        return getattr(stored, key)
    return (stored.extra or {}).get(key)


def _metric_row(metric: Metric, stored: ProfileColumn, rows: int | None, values: int | None, *, hidden: bool) -> MetricRow:
    if hidden and metric.shows_values:
        return MetricRow(metric.key, metric.label, "withheld (potential PII)")
    value = _metric_value(stored, metric.key)
    if metric.share_of is None:
        shown = visible_text(value) if isinstance(value, str) else _number_text(value)
        return MetricRow(metric.key, metric.label, "—" if shown is None else shown)
    whole = rows if metric.share_of == ROWS else values
    share = format_percent(value, whole) if value is not None else ""
    return MetricRow(metric.key, metric.label, format_count(value), "" if share == "—" else share)


def _number_text(value) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value).lower()
    if isinstance(value, int):
        return format_count(value)
    return format_number(value)


def _bars(entries: list[ProfileColumnValue], values: int | None) -> list[Bar]:
    if not entries:
        return []
    longest = max(entry.frequency for entry in entries) or 1
    bars = []
    for entry in entries:
        label = visible_text(entry.value)
        bars.append(
            Bar(
                label=label,
                marked=entry.value is not None and label != entry.value,
                count=entry.frequency,
                count_text=format_count(entry.frequency),
                share_text=format_percent(entry.frequency, values),
                width=round(100 * entry.frequency / longest, 2),
            )
        )
    return bars


def _quartiles(stored: ProfileColumn) -> Quartiles | None:
    low, high = _as_float(stored.min_value), _as_float(stored.max_value)
    if stored.general_type != "numeric" or low is None or high is None:
        return None
    if None in (stored.p25, stored.p50, stored.p75):
        return None
    span = high - low

    def x(value: float) -> float:
        share = 0.5 if span == 0 else min(max((value - low) / span, 0.0), 1.0)
        return round(AXIS_START + share * (AXIS_END - AXIS_START), 2)

    # Labelled as the column's tiles write them: min and max as stored (504.99, not a rounded 505).
    named = [("min", low, visible_text(stored.min_value)), ("p25", stored.p25, _number_text(stored.p25)),
             ("median", stored.p50, _number_text(stored.p50)), ("p75", stored.p75, _number_text(stored.p75)),
             ("max", high, visible_text(stored.max_value))]
    return Quartiles([(name, text, x(value)) for name, value, text in named])


def _as_float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _run_link(run: ProfileRun | None) -> RunLink | None:
    if run is None:
        return None
    return RunLink(
        profile_run_id=str(run.pk),
        short_id=short_run_id(run.pk),
        completed_at=run.completed_at,
        report_url=reverse("profile-run-report", args=[run.pk]),
    )
