"""The rules of the anomaly catalogue, applied to profiled columns. Standard library only.

Each check takes the column's metrics (the payload dict) and answers None or a `Finding`: the description with
the measured figure and, where the catalogue allows, a severity different from the type's default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import rules
from .catalogue import ANOMALY_TYPES_BY_ID, HIGH

Column = Mapping[str, Any]
Thresholds = Mapping[str, float]


@dataclass(frozen=True)
class Finding:
    description: str
    severity: str | None = None


@dataclass(frozen=True)
class Context:
    thresholds: Thresholds
    today: dt.date


def _non_null(column: Column) -> int:
    return column["row_count"] - column["null_count"]


def _share(part: int, whole: int) -> str:
    # Counts with thousands separators, as the report's tables print them.
    return f"{part:,} of {whole:,} ({part / whole:.1%})"


def _no_values(column: Column, context: Context) -> Finding | None:
    non_null = _non_null(column)
    if non_null == 0:
        return Finding(f"All {column['row_count']:,} values are null")
    if column["general_type"] == "text" and column["blank_count"] == non_null:
        return Finding(f"All {non_null:,} non-null values are blank or dummy tokens")
    return None


def _high_null_ratio(column: Column, context: Context) -> Finding | None:
    rows, nulls = column["row_count"], column["null_count"]
    if nulls == rows or nulls < context.thresholds["high_null_ratio"] * rows:
        return None
    severe = nulls >= context.thresholds["high_null_ratio_severe"] * rows
    return Finding(f"{_share(nulls, rows)} values are null", HIGH if severe else None)


def _non_standard_blanks(column: Column, context: Context) -> Finding | None:
    blanks = column["blank_count"]
    if column["general_type"] != "text" or not blanks or blanks == _non_null(column):
        return None
    return Finding(f"{_share(blanks, _non_null(column))} non-null values are empty, whitespace or dummy tokens")


def _text_count_check(metric: str, wording: str) -> Callable[[Column, Context], Finding | None]:
    def check(column: Column, context: Context) -> Finding | None:
        if column["general_type"] != "text" or not column[metric]:
            return None
        return Finding(f"{_share(column[metric], _non_null(column))} non-null values {wording}")

    return check


def _mostly_like(metric: str, threshold_key: str, wording: str) -> Callable[[Column, Context], Finding | None]:
    def check(column: Column, context: Context) -> Finding | None:
        non_null = _non_null(column)
        if column["general_type"] != "text" or non_null == 0:
            return None
        matching = column[metric]
        if matching <= context.thresholds[threshold_key] * non_null or matching >= non_null:
            return None
        return Finding(f"{_share(matching, non_null)} non-null values {wording}; the rest do not")

    return check


def _small_divergent_value_count(column: Column, context: Context) -> Finding | None:
    non_null, top = _non_null(column), column["top_values"]
    if column["general_type"] == "boolean" or not top or top[0]["count"] >= non_null:
        return None
    if top[0]["count"] < context.thresholds["small_divergent_min_ratio"] * non_null:
        return None
    return Finding(f"The most frequent value covers {_share(top[0]['count'], non_null)} non-null values")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _leading_date(text: str) -> dt.date:
    """The date that a Spark date or timestamp string starts with; years Python cannot hold sort to the ends."""
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return dt.date.min if text.startswith("-") else dt.date.max


def _unlikely_date_values(column: Column, context: Context) -> Finding | None:
    if column["general_type"] != "date" or column["max_value"] is None:
        return None
    reasons = []
    if column["before_1900_count"]:
        reasons.append(f"{column['before_1900_count']:,} values before 1900-01-01 (minimum {column['min_value']})")
    latest_likely = _add_years(context.today, int(context.thresholds["unlikely_date_max_years_ahead"]))
    if _leading_date(column["max_value"]) > latest_likely:
        reasons.append(f"maximum {column['max_value']} is after {latest_likely.isoformat()}")
    return Finding("; ".join(reasons).capitalize()) if reasons else None


def _boolean_value_mismatch(column: Column, context: Context) -> Finding | None:
    non_null = _non_null(column)
    if column["general_type"] != "text" or non_null == 0 or (column["distinct_count"] or 0) < 2:
        return None
    for present, absent in (("true", "false"), ("false", "true"), ("yes", "no"), ("no", "yes")):
        count = column[f"{present}_word_count"]
        if not column[f"{absent}_word_count"] and count >= context.thresholds["boolean_mismatch_min_ratio"] * non_null:
            return Finding(f"{_share(count, non_null)} non-null values are '{present}' but none is '{absent}'")
    return None


_PII_VALUE_METRICS = (
    ("email_like_count", "emails"), ("phone_like_count", "phone numbers"), ("ssn_like_count", "SSNs"),
    ("card_like_count", "card numbers"),
)


def _potential_pii(column: Column, context: Context) -> Finding | None:
    hint = rules.pii_name_hint(column["column_name"])
    if hint:
        return Finding(f"The column name suggests personal data ('{hint}')")
    non_null = _non_null(column)
    if column["general_type"] != "text" or non_null == 0:
        return None
    for metric, wording in _PII_VALUE_METRICS:
        if column[metric] >= context.thresholds["pii_value_min_ratio"] * non_null:
            return Finding(f"{_share(column[metric], non_null)} non-null values look like {wording}")
    return None


def _constant_column(column: Column, context: Context) -> Finding | None:
    if column["row_count"] < 2 or column["distinct_count"] != 1 or _no_values(column, context):
        return None
    return Finding(f"One distinct value over {_non_null(column):,} non-null values")


def _duplicate_key_values(column: Column, context: Context) -> Finding | None:
    duplicated = column.get("duplicated_value_count")
    if not duplicated:
        return None
    return Finding(
        f"{duplicated:,} values occur more than once in a key-like column "
        f"({column['distinct_count']:,} distinct of {_non_null(column):,} non-null values)"
    )


COLUMN_CHECKS: dict[str, Callable[[Column, Context], Finding | None]] = {
    "no_values": _no_values,
    "high_null_ratio": _high_null_ratio,
    "non_standard_blanks": _non_standard_blanks,
    "leading_spaces": _text_count_check("leading_space_count", "start with whitespace"),
    "quoted_values": _text_count_check("quoted_count", "are wrapped in quotes"),
    "char_column_number_values": _mostly_like("numeric_like_count", "char_column_number_min_ratio", "look numeric"),
    "char_column_date_values": _mostly_like("date_like_count", "char_column_date_min_ratio", "look like dates"),
    "small_divergent_value_count": _small_divergent_value_count,
    "unlikely_date_values": _unlikely_date_values,
    "boolean_value_mismatch": _boolean_value_mismatch,
    "potential_pii": _potential_pii,
    "constant_column": _constant_column,
    "duplicate_key_values": _duplicate_key_values,
}


def _anomaly(table: Mapping[str, Any], column_name: str | None, type_id: str, finding: Finding, detected_at: str):
    return {
        "table_name": f"{table['schema_name']}.{table['table_name']}",
        "column_name": column_name,
        "anomaly_type": type_id,
        "severity": finding.severity or ANOMALY_TYPES_BY_ID[type_id].severity,
        "description": finding.description,
        "detected_at": detected_at,
    }


def detect_anomalies(
    table: Mapping[str, Any],
    *,
    thresholds: Thresholds,
    detected_at: str,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The anomalies of one profiled table; none for an empty table (no column noise). Comparisons with the
    previous run, such as a row-count drop, are the server's drift checks."""
    context = Context(thresholds, today or dt.datetime.now(dt.timezone.utc).date())
    found = []
    if table["row_count"] == 0:
        return found
    for column in table["columns"]:
        for type_id, check in COLUMN_CHECKS.items():
            finding = check(column, context)
            if finding:
                found.append(_anomaly(table, column["column_name"], type_id, finding, detected_at))
    return found
