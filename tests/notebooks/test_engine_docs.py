"""docs/anomalies.md and docs/metrics.md stay in step with the catalogue, the thresholds and the metrics."""

import re
from pathlib import Path

from notebooks.dq_profiler.catalogue import ANOMALY_TYPES
from notebooks.dq_profiler.pass_one import METRIC_NAMES
from notebooks.dq_profiler.thresholds import DEFAULT_THRESHOLDS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _catalogue_rows():
    text = (DOCS / "anomalies.md").read_text(encoding="utf-8")
    return {match.group(1): match.group(0) for match in re.finditer(r"^\| `(\w+)` \|.*$", text, re.MULTILINE)}


def test_every_catalogue_entry_is_documented_with_its_name_severity_and_threshold_keys():
    rows = _catalogue_rows()
    assert set(rows) == {anomaly_type.id for anomaly_type in ANOMALY_TYPES}
    for anomaly_type in ANOMALY_TYPES:
        cells = [cell.strip() for cell in rows[anomaly_type.id].strip("|").split("|")]
        assert cells[1] == anomaly_type.name
        assert cells[2].startswith(anomaly_type.severity)
        for key in anomaly_type.threshold_keys:
            assert f"`{key}` ({DEFAULT_THRESHOLDS[key]:g})" in cells[4]


def test_every_metric_is_documented():
    text = (DOCS / "metrics.md").read_text(encoding="utf-8")
    for name in (*METRIC_NAMES, "top_values", "top_patterns", "duplicated_value_count", "general_type"):
        assert f"`{name}`" in text, name
