"""Anomaly severities: their order and the CSS class that colours them, shared by the report and the admin.

The catalogue's severities come first, most severe first; a severity outside it (payloads may carry any) sorts
after them by name and is drawn grey.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from dataquality.anomaly_types import SEVERITIES


def standing_text(*, folded: bool, disposition: str, occurrences: int) -> str:
    """How an anomaly stands, in a word or two (contract 11.3, 11.4): folded, what triage decided, new or recurring.
    The report and the admin both show it."""
    if folded:
        return "follows from the row count"
    if disposition != "open":
        return disposition
    return "new" if occurrences == 1 else f"recurring ({occurrences} runs)"


def severity_sort_key(severity: str) -> tuple[int, str]:
    try:
        return (SEVERITIES.index(severity), "")
    except ValueError:
        return (len(SEVERITIES), severity)


def ordered_severities(severities: Iterable[str]) -> list[str]:
    return sorted(set(severities), key=severity_sort_key)


def severity_css_class(severity: str) -> str:
    return f"sev-{severity}" if severity in SEVERITIES else "sev-other"


def with_severity_counts(queryset: QuerySet) -> QuerySet:
    """Runs annotated `anomalies_<severity>` for each catalogue severity, in the same query as the runs."""
    return queryset.annotate(
        **{
            f"anomalies_{severity}": Count("anomalies", filter=Q(anomalies__severity=severity))
            for severity in SEVERITIES
        }
    )


def run_severity_counts(run) -> list[tuple[str, str, int]]:
    """(css class, severity, count) of a run annotated by `with_severity_counts`, for the severities it has."""
    return [
        (severity_css_class(severity), severity, getattr(run, f"anomalies_{severity}"))
        for severity in SEVERITIES
        if getattr(run, f"anomalies_{severity}", 0)
    ]
