"""The report explains each metric with the text of docs/metrics.md, and lists every metric of the payload."""

import re
from pathlib import Path

from dataquality.reports.metrics import DOCUMENTED_MEANINGS, metrics_for

DOCS = Path(__file__).resolve().parents[3] / "docs" / "metrics.md"
GENERAL_TYPES = ("numeric", "text", "date", "boolean", "binary", "nested", "other")


def documented_rows() -> dict[tuple[str, ...], str]:
    """`| \\`metric\\`, \\`metric\\` | meaning | ...` rows of the metric tables (not the general-type table)."""
    rows = {}
    for line in DOCS.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if not line.startswith("| `") or len(cells) < 2:
            continue
        keys = tuple(re.findall(r"`([a-z0-9_]+)`", cells[0]))
        if keys and keys[0] not in GENERAL_TYPES and keys[0] != "general_type":
            rows[keys] = cells[1]
    return rows


def test_the_meanings_are_the_documentations():
    assert DOCUMENTED_MEANINGS == documented_rows()


def test_every_documented_metric_is_shown_for_some_type():
    shown = {metric.key for general_type in GENERAL_TYPES for metric in metrics_for(general_type)}
    lists = {"top_values", "top_patterns", "distinct_count_approximate"}  # drawn as charts or a note, not as figures
    documented = {key for keys in DOCUMENTED_MEANINGS for key in keys}
    assert documented - lists == shown
