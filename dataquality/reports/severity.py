"""Anomaly severities: their order and the CSS class that colours them, shared by the report and the admin.

The catalogue's severities come first, most severe first; a severity outside it (payloads may carry any) sorts
after them by name and is drawn grey.
"""

from __future__ import annotations

from collections.abc import Iterable

from notebooks.dq_profiler.catalogue import HIGH, LOW, MEDIUM

SEVERITIES: tuple[str, ...] = (HIGH, MEDIUM, LOW)


def severity_sort_key(severity: str) -> tuple[int, str]:
    try:
        return (SEVERITIES.index(severity), "")
    except ValueError:
        return (len(SEVERITIES), severity)


def ordered_severities(severities: Iterable[str]) -> list[str]:
    return sorted(set(severities), key=severity_sort_key)


def severity_css_class(severity: str) -> str:
    return f"sev-{severity}" if severity in SEVERITIES else "sev-other"
