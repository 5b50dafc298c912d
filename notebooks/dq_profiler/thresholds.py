"""Every anomaly threshold in one place. Standard library only, so the API can import it without Spark.

A manifest may override any key through `ProfileOptions.thresholds`; `resolve_thresholds` merges the overrides.
Ratios are fractions of the column's non-null values unless the key says otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLDS: dict[str, float] = {
    # high_null_ratio: share of the table's rows that are null (medium), and the share that makes it high.
    "high_null_ratio": 0.5,
    "high_null_ratio_severe": 0.9,
    # char_column_number_values / char_column_date_values: share of values that look numeric / like dates.
    "char_column_number_min_ratio": 0.95,
    "char_column_date_min_ratio": 0.95,
    # small_divergent_value_count: share of values held by the most frequent value.
    "small_divergent_min_ratio": 0.97,
    # unlikely_date_values: how many years ahead of today a maximum date becomes unlikely.
    "unlikely_date_max_years_ahead": 30,
    # boolean_value_mismatch: share of values that are one side of true/false or yes/no.
    "boolean_mismatch_min_ratio": 0.5,
    # potential_pii: share of values that look like emails, phone numbers, SSNs or card numbers.
    "pii_value_min_ratio": 0.8,
    # duplicate_key_values: distinct share from which a column named as the table's key is a key candidate.
    "key_distinct_min_ratio": 0.9,
    # small_missing_value_count: largest share of the rows that are null or blank-like.
    "small_missing_max_ratio": 0.03,
    # small_numeric_value_count: largest share of a text column's values that look numeric.
    "small_numeric_max_ratio": 0.03,
    # char_column_number_units: share of values that are numbers, with units or without.
    "number_units_min_ratio": 0.5,
    # delimited_data_embedded: share of values that are delimited lists.
    "delimited_min_ratio": 0.8,
    # column_pattern_mismatch: largest size of the second pattern against the first (half of it when the patterns
    # hold letters).
    "pattern_mismatch_max_ratio": 0.1,
    # potential_duplicates: fewest distinct values, and the distinct share from which a column is largely unique.
    "potential_duplicates_min_distinct": 1000,
    "potential_duplicates_min_ratio": 0.95,
}


def resolve_thresholds(overrides: Mapping[str, Any] | None) -> dict[str, float]:
    """The defaults with the manifest's overrides applied.

    Unknown keys are logged and ignored rather than failing the whole run: the manifest may come from a newer
    or older API. A known key with a non-numeric value is an error, since silently profiling with the default
    would hide a misconfiguration.
    """
    resolved = dict(DEFAULT_THRESHOLDS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULT_THRESHOLDS:
            logger.warning("Ignoring unknown threshold %r", key)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"threshold {key!r} must be a number, got {value!r}")
        resolved[key] = float(value)
    return resolved
