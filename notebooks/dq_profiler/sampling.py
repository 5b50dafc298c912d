"""Optional sampling: which fraction of a table to profile, and scaling the counts back up."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from .pass_one import COUNT_METRICS

SAMPLE_SEED = 42  # fixed, so that both passes see the same rows without caching the sample


def sample_fraction(total_rows: int, sample_percent: float | None, sample_min_rows: int | None) -> float | None:
    """The fraction to sample, or None to profile every row (no sampling asked, or it would not save anything)."""
    if sample_percent is None:
        return None
    if not 0 < sample_percent <= 100:
        raise ValueError(f"sample_percent must be in (0, 100], got {sample_percent}")
    if total_rows == 0:
        return None
    fraction = max(sample_percent / 100, (sample_min_rows or 0) / total_rows)
    return fraction if fraction < 1 else None


def scale_counts(column: MutableMapping[str, Any], factor: float) -> None:
    """Scale row counts and top value/pattern frequencies by `factor` (total rows / sampled rows), in place.

    Distinct counts, duplicate counts, lengths and statistics describe the sample and stay as measured; a
    distinct count exact on the sample is only an estimate for the table.
    """
    column["distinct_count_approximate"] = True
    for metric in COUNT_METRICS:
        if column.get(metric) is not None:
            column[metric] = round(column[metric] * factor)
    for entry in (*column["top_values"], *column["top_patterns"]):
        entry["count"] = round(entry["count"] * factor)
