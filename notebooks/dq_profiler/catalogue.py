"""The anomaly catalogue as data: one entry per type, modelled on DataKitchen TestGen's hygiene issues.

Standard library only. `docs/anomalies.md` lists the same entries; a test keeps the two in step. The rules that
apply each entry live in `anomalies.py`, their thresholds in `thresholds.py`. Types that compare a run with the
group's previous one (drift, such as a row-count drop) are the server's, in `dataquality/drift_catalogue.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

LOW, MEDIUM, HIGH = "low", "medium", "high"


@dataclass(frozen=True)
class AnomalyType:
    id: str
    name: str
    severity: str
    criterion: str
    threshold_keys: tuple[str, ...] = ()


ANOMALY_TYPES: tuple[AnomalyType, ...] = (
    AnomalyType(
        "no_values",
        "No column values",
        HIGH,
        "The table has rows but the column has no values: every value is null, or (text) every non-null value is "
        "blank-like.",
    ),
    AnomalyType(
        "high_null_ratio",
        "High null ratio",
        MEDIUM,
        "At least 50% of the rows are null (but not all); severity high from 90%.",
        ("high_null_ratio", "high_null_ratio_severe"),
    ),
    AnomalyType(
        "non_standard_blanks",
        "Non-standard blank values",
        MEDIUM,
        "A text column holds empty or whitespace-only strings or dummy tokens (n/a, na, null, none, -, ?, unknown, "
        "tbd, missing; any case) instead of nulls.",
    ),
    AnomalyType(
        "leading_spaces",
        "Leading spaces",
        LOW,
        "A text column holds values that start with whitespace followed by other characters.",
    ),
    AnomalyType(
        "quoted_values",
        "Quoted values",
        LOW,
        "A text column holds values wrapped in matching single or double quotes.",
    ),
    AnomalyType(
        "char_column_number_values",
        "Text column holding numbers",
        MEDIUM,
        "More than 95% but not all of a text column's non-null values look numeric.",
        ("char_column_number_min_ratio",),
    ),
    AnomalyType(
        "char_column_date_values",
        "Text column holding dates",
        MEDIUM,
        "More than 95% but not all of a text column's non-null values are valid dates in a date or timestamp "
        "format (a bare number never counts).",
        ("char_column_date_min_ratio",),
    ),
    AnomalyType(
        "small_divergent_value_count",
        "Small divergent value count",
        LOW,
        "A non-boolean column whose most frequent value covers at least 97% of the non-null values, but not all "
        "(checked on columns with top values, i.e. at most 1000 distinct values).",
        ("small_divergent_min_ratio",),
    ),
    AnomalyType(
        "unlikely_date_values",
        "Unlikely date values",
        MEDIUM,
        "A date or timestamp column whose minimum is before 1900-01-01 or whose maximum is more than 30 years "
        "after today.",
        ("unlikely_date_max_years_ahead",),
    ),
    AnomalyType(
        "boolean_value_mismatch",
        "Boolean value mismatch",
        MEDIUM,
        "A text column with more than one distinct value, at least half of them one side of true/false or yes/no "
        "(any case), and never the other side.",
        ("boolean_mismatch_min_ratio",),
    ),
    AnomalyType(
        "potential_pii",
        "Potential PII",
        HIGH,
        "The column name hints at personal data (email, phone, SSN, card number, birth date, passport, ...) or at "
        "least 80% of its non-null values look like emails, phone numbers, SSNs or Luhn-valid card numbers. Its "
        "top values, min, max and percentiles are left out of the results.",
        ("pii_value_min_ratio",),
    ),
    AnomalyType(
        "constant_column",
        "Constant column",
        LOW,
        "The column holds one distinct non-null value over at least two rows.",
    ),
    AnomalyType(
        "duplicate_key_values",
        "Possible key with duplicates",
        HIGH,
        "A key-like column (integer, string or decimal, never floating point; named id, *_id, *_key, *_code or "
        "*_number, or at least 99% distinct) where some value occurs more than once, checked exactly.",
        ("key_distinct_min_ratio",),
    ),
)

ANOMALY_TYPES_BY_ID: dict[str, AnomalyType] = {anomaly_type.id: anomaly_type for anomaly_type in ANOMALY_TYPES}
