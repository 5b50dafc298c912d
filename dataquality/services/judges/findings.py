"""What a judge returns: one finding per anomaly, with the numbers behind it."""

from __future__ import annotations

from dataclasses import dataclass

from dataquality.services.judges.snapshots import TableKey


@dataclass
class Finding:
    table: TableKey
    column_name: str | None
    type_id: str
    severity: str
    description: str
    observed: float | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    baseline_runs: int | None = None
    # now / before (the previous value, or the baseline's median): what folding compares (contract 11.4)
    ratio: float | None = None
    caused_by: Finding | None = None
