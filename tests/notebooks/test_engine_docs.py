"""docs/anomalies.md and docs/metrics.md stay in step with the catalogue, the thresholds and the metrics."""

import re
from pathlib import Path

from dataquality.baseline_catalogue import BASELINE_SETTINGS, BASELINE_TYPES
from dataquality.drift_catalogue import DRIFT_THRESHOLDS, DRIFT_THRESHOLDS_BY_KEY, DRIFT_TYPES
from notebooks.dq_profiler.catalogue import ANOMALY_TYPES
from notebooks.dq_profiler.pass_one import METRIC_NAMES
from notebooks.dq_profiler.thresholds import DEFAULT_THRESHOLDS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _rows(part: int) -> dict[str, list[str]]:
    """Table rows by their first cell: part 0 is the catalogue of types, part 1 the drift thresholds."""
    text = (DOCS / "anomalies.md").read_text(encoding="utf-8").split("### Drift thresholds")[part]
    return {
        match.group(1): [cell.strip() for cell in match.group(0).strip("|").split("|")]
        for match in re.finditer(r"^\| `(\w+)` \|.*$", text, re.MULTILINE)
    }


def test_every_catalogue_entry_is_documented_with_its_name_severity_and_threshold_keys():
    """The engine's catalogue and the server's drift types, each row with its defaults."""
    rows = _rows(0)
    drift_defaults = {threshold.key: threshold.default for threshold in DRIFT_THRESHOLDS}
    catalogues = [(ANOMALY_TYPES, DEFAULT_THRESHOLDS), (DRIFT_TYPES, drift_defaults), (BASELINE_TYPES, {})]
    assert set(rows) == {anomaly_type.id for types, _ in catalogues for anomaly_type in types}
    for types, defaults in catalogues:
        for anomaly_type in types:
            cells = rows[anomaly_type.id]
            assert cells[1] == anomaly_type.name
            assert cells[2].startswith(anomaly_type.severity)
            for key in anomaly_type.threshold_keys:
                assert f"`{key}` ({defaults[key]:g})" in cells[4]


def test_every_drift_threshold_is_documented_with_its_setting_and_default():
    rows = _rows(1)
    assert set(rows) == set(DRIFT_THRESHOLDS_BY_KEY)
    for key, threshold in DRIFT_THRESHOLDS_BY_KEY.items():
        cells = rows[key]
        assert (cells[1], cells[2]) == (f"`{threshold.setting}`", f"{threshold.default:g}")


def test_every_metric_is_documented():
    text = (DOCS / "metrics.md").read_text(encoding="utf-8")
    for name in (*METRIC_NAMES, "top_values", "top_patterns", "duplicated_value_count", "general_type"):
        assert f"`{name}`" in text, name


def test_every_baseline_setting_is_documented_with_its_default():
    text = (DOCS / "monitoring.md").read_text(encoding="utf-8")
    for setting in BASELINE_SETTINGS:
        assert f"| `{setting.setting}` | {setting.default:g} |" in text, setting.setting
