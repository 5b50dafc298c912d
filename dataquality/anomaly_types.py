"""Every anomaly type the service knows, by id: the engine's hygiene catalogue, the server's drift types and the
baseline types. Pages name types from here; filters accept these ids."""

from __future__ import annotations

from dataquality.baseline_catalogue import BASELINE_TYPES
from dataquality.drift_catalogue import DRIFT_TYPES
from notebooks.dq_profiler.catalogue import ANOMALY_TYPES, SEVERITIES, AnomalyType

ALL_ANOMALY_TYPES: dict[str, AnomalyType] = {entry.id: entry for entry in (*ANOMALY_TYPES, *DRIFT_TYPES, *BASELINE_TYPES)}
KNOWN_ANOMALY_TYPES = frozenset(ALL_ANOMALY_TYPES)

__all__ = ["ALL_ANOMALY_TYPES", "KNOWN_ANOMALY_TYPES", "SEVERITIES"]
