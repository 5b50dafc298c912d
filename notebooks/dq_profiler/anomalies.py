"""The rules of the anomaly catalogue, applied to profiled columns. Standard library only.

Each check takes the column's metrics (the payload dict) and answers None or a `Finding`: the description with
the measured figure and, where the catalogue allows, a severity different from the type's default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import rules
from .catalogue import ANOMALY_TYPES_BY_ID, HIGH, VARIANT_CODINGS
from .functional_types import VALUE_SHARE

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
        # Zip codes are digits kept as text on purpose; invalid_zip_usa judges the ones that are not.
        if column["general_type"] != "text" or non_null == 0 or column.get("functional_type") == "zip_code":
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
    # A flag named after personal data (`sent_email`: 0 or 1) holds none.
    if hint and column.get("functional_type") not in ("flag", "boolean"):
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


def _missing(column: Column) -> int:
    """Null and blank-like values."""
    return column["null_count"] + (column.get("blank_count") or 0)


def _small_missing_value_count(column: Column, context: Context) -> Finding | None:
    rows, missing = column["row_count"], _missing(column)
    if not missing or missing >= rows or missing >= context.thresholds["small_missing_max_ratio"] * rows:
        return None
    return Finding(f"{_share(missing, rows)} values are null, empty or dummy tokens")


def _is_text(column: Column) -> bool:
    return column["general_type"] == "text" and _non_null(column) > 0


# Functional types whose digits-only values are text on purpose (leading zeros, no arithmetic).
_DIGITS_ARE_TEXT = frozenset({"zip_code", "phone", "id", "id_foreign", "code", "flag"})


def _suggested_type(column: Column, context: Context) -> Finding | None:
    if not _is_text(column) or column["functional_type"] in _DIGITS_ARE_TEXT:
        return None
    filled = _non_null(column) - column["blank_count"]
    if filled <= 0:
        return None
    for metric, suggestion in (("numeric_like_count", "a numeric type"), ("date_like_count", "a date or timestamp")):
        # Card numbers are digits but identifiers, not quantities.
        if column[metric] == filled and not column["card_like_count"]:
            return Finding(f"All {filled:,} non-blank values fit {suggestion}")
    return None


def _non_printing_characters(column: Column, context: Context) -> Finding | None:
    if not _is_text(column) or not column["non_printing_count"]:
        return None
    return Finding(f"{_share(column['non_printing_count'], _non_null(column))} non-null values hold non-printing "
                   "characters (control characters, no-break or zero-width spaces, soft hyphens)")


_NAME_OR_ADDRESS = frozenset({"person_name", "person_given_name", "person_family_name", "address", "city"})
_PERSON_OR_CITY = frozenset({"person_name", "person_given_name", "person_family_name", "city"})


def _inconsistent_casing(column: Column, context: Context) -> Finding | None:
    both_casings = column.get("upper_case_count") and column.get("mixed_case_count")
    if column["functional_type"] not in _NAME_OR_ADDRESS or not both_casings:
        return None
    return Finding(f"{column['mixed_case_count']:,} mixed-case and {column['upper_case_count']:,} all-upper-case values "
                   f"in a {column['functional_type']} column")


def _char_column_number_units(column: Column, context: Context) -> Finding | None:
    if not _is_text(column) or not column["number_unit_count"]:
        return None
    non_null, units = _non_null(column), column["number_unit_count"]
    if units + column["numeric_like_count"] <= context.thresholds["number_units_min_ratio"] * non_null:
        return None
    return Finding(f"{_share(units, non_null)} non-null values are numbers with units (such as '1.2 kg')")


def _small_numeric_value_count(column: Column, context: Context) -> Finding | None:
    if not _is_text(column) or column["functional_type"] in _DIGITS_ARE_TEXT or not column["numeric_like_count"]:
        return None
    non_null, numeric = _non_null(column), column["numeric_like_count"]
    if numeric >= context.thresholds["small_numeric_max_ratio"] * non_null:
        return None
    return Finding(f"Only {_share(numeric, non_null)} non-null values look numeric")


_DELIMITED_IS_NORMAL = frozenset({"address", "description", "free_text", "json"})


def _delimited_data_embedded(column: Column, context: Context) -> Finding | None:
    if not _is_text(column) or column["functional_type"] in _DELIMITED_IS_NORMAL:
        return None
    non_null, delimited = _non_null(column), column["delimited_count"]
    if not delimited or delimited <= context.thresholds["delimited_min_ratio"] * non_null:
        return None
    return Finding(f"{_share(delimited, non_null)} non-null values are lists of three or more items")


# Zip codes are judged by invalid_zip_usa, against the zip patterns themselves.
_PATTERN_MISMATCH_EXEMPT = frozenset(
    {"measurement", "category", "code", "free_text", "description", "json", "zip_code"}
)


def _column_pattern_mismatch(column: Column, context: Context) -> Finding | None:
    patterns = column["top_patterns"]
    if not _is_text(column) or column["functional_type"] in _PATTERN_MISMATCH_EXEMPT or not 2 <= len(patterns) <= 4:
        return None
    if (column["max_length"] or 0) <= 3 or column["numeric_like_count"] + column["blank_count"] >= _non_null(column):
        return None
    if not any("N" in entry["value"] for entry in patterns):
        return None
    first, second = patterns[0]["count"], patterns[1]["count"]
    has_letters = any(letter in entry["value"] for entry in patterns for letter in "aA")
    limit = context.thresholds["pattern_mismatch_max_ratio"] * (0.5 if has_letters else 1)
    if second >= limit * first:
        return None
    others = sum(entry["count"] for entry in patterns[1:])
    return Finding(f"{_share(others, _non_null(column))} non-null values do not match the dominant pattern "
                   f"'{patterns[0]['value']}' ({len(patterns)} patterns)")


def _variant_coded_values(column: Column, context: Context) -> Finding | None:
    present = {str(entry["value"]).strip().lower() for entry in column["top_values"]}
    for coding in VARIANT_CODINGS:
        found = sorted(coding & present)
        if len(found) > 1:
            return Finding(f"The values code one meaning several ways: {', '.join(repr(v) for v in found)}")
    return None


def _standardized_value_matches(column: Column, context: Context) -> Finding | None:
    values = column.get("standardized_match_value_count")
    if not values:
        return None
    return Finding(f"{values:,} distinct values reduce to {column['standardized_match_form_count']:,} once case, spaces "
                   "and punctuation are ignored")


_KEY_TYPES = ("id", "id_foreign")


def _potential_duplicates(column: Column, context: Context) -> Finding | None:
    if not _is_text(column) or column["distinct_count_approximate"] or column["functional_type"] in _KEY_TYPES:
        return None
    non_null, distinct = _non_null(column), column["distinct_count"]
    if distinct <= context.thresholds["potential_duplicates_min_distinct"] or distinct >= non_null:
        return None
    if column["numeric_like_count"] >= VALUE_SHARE * non_null:
        return None  # numbers kept as text (amounts, counts) repeat by nature
    if distinct < context.thresholds["potential_duplicates_min_ratio"] * non_null:
        return None
    return Finding(f"{distinct:,} distinct of {non_null:,} non-null values: largely unique, with "
                   f"{non_null - distinct:,} repeats")


def _names_say(column: Column, words: frozenset[str]) -> bool:
    return bool(words & set(rules.name_tokens(column["column_name"])))


_EMAIL_NAME_WORDS = frozenset({"email", "mail", "emailaddress", "addr", "address", "contact"})
_STATE_NAME_WORDS = frozenset({"state", "st", "province", "region", "cd", "code"})


def _unexpected_emails(column: Column, context: Context) -> Finding | None:
    if column["functional_type"] != "email" or _names_say(column, _EMAIL_NAME_WORDS):
        return None
    return Finding(f"{_share(column['email_like_count'], _non_null(column))} non-null values are e-mail addresses, "
                   "but the name does not say so")


def _unexpected_us_states(column: Column, context: Context) -> Finding | None:
    if column["functional_type"] != "us_state" or _names_say(column, _STATE_NAME_WORDS):
        return None
    return Finding(f"{_share(column['us_state_count'], _non_null(column))} non-null values are US state codes, "
                   "but the name does not say so")


def _is_zip3_column(column: Column) -> bool:
    words = rules.name_tokens(column["column_name"])
    return "zip3" in words or "3" in words or column["us_zip3_count"] * 2 >= _non_null(column)


def _zip_check(want_zip3: bool, pattern_metric: str, wording: str) -> Callable[[Column, Context], Finding | None]:
    def check(column: Column, context: Context) -> Finding | None:
        if column["functional_type"] != "zip_code" or not _is_text(column) or _is_zip3_column(column) != want_zip3:
            return None
        filled = _non_null(column) - column["blank_count"]
        invalid = filled - column[pattern_metric]
        if invalid <= 0:
            return None
        return Finding(f"{_share(invalid, filled)} non-blank values are not {wording}")

    return check


def _non_alpha_name_address(column: Column, context: Context) -> Finding | None:
    if column["functional_type"] not in _NAME_OR_ADDRESS or not column["no_letter_count"]:
        return None
    return Finding(f"{_share(column['no_letter_count'], _non_null(column))} non-null values have no letter at all")


def _non_alpha_prefixed_name(column: Column, context: Context) -> Finding | None:
    if column["functional_type"] not in _PERSON_OR_CITY or not column["non_alpha_prefix_count"]:
        return None
    return Finding(f"{_share(column['non_alpha_prefix_count'], _non_null(column))} non-null values start with a "
                   "character other than a letter")


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
    "suggested_type": _suggested_type,
    "small_missing_value_count": _small_missing_value_count,
    "non_printing_characters": _non_printing_characters,
    "inconsistent_casing": _inconsistent_casing,
    "char_column_number_units": _char_column_number_units,
    "small_numeric_value_count": _small_numeric_value_count,
    "delimited_data_embedded": _delimited_data_embedded,
    "column_pattern_mismatch": _column_pattern_mismatch,
    "variant_coded_values": _variant_coded_values,
    "standardized_value_matches": _standardized_value_matches,
    "potential_duplicates": _potential_duplicates,
    "unexpected_emails": _unexpected_emails,
    "unexpected_us_states": _unexpected_us_states,
    "invalid_zip_usa": _zip_check(False, "us_zip_count", "US zip codes (NNNNN, NNNNN-NNNN or NNNNNNNNN)"),
    "invalid_zip3_usa": _zip_check(True, "us_zip3_count", "three-digit zip3 codes"),
    "non_alpha_name_address": _non_alpha_name_address,
    "non_alpha_prefixed_name": _non_alpha_prefixed_name,
}


def _newest_date(table: Mapping[str, Any]) -> tuple[dt.date, str] | None:
    """The newest value over the table's date and timestamp columns, and its column; birth dates do not say
    whether a table is kept up to date, so columns named as personal data are left out."""
    newest = None
    for column in table["columns"]:
        if column["general_type"] != "date" or column["max_value"] is None:
            continue
        if rules.pii_name_hint(column["column_name"]):
            continue
        day = _leading_date(column["max_value"])
        if newest is None or day > newest[0]:
            newest = (day, column["column_name"])
    return newest


TableCheck = Callable[[Mapping[str, Any], Context], Finding | None]


def _recency(older_than_days: int, younger_than_days: int | None) -> TableCheck:
    def check(table: Mapping[str, Any], context: Context) -> Finding | None:
        newest = _newest_date(table)
        if newest is None:
            return None
        age = (context.today - newest[0]).days
        if age <= older_than_days or (younger_than_days is not None and age > younger_than_days):
            return None
        return Finding(f"The newest date of the table is {newest[0].isoformat()} ({newest[1]}), {age:,} days ago")

    return check


TABLE_CHECKS: dict[str, TableCheck] = {
    "recency_one_year": _recency(365, None),
    "recency_six_months": _recency(182, 365),
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
    for type_id, table_check in TABLE_CHECKS.items():
        finding = table_check(table, context)
        if finding:
            found.append(_anomaly(table, None, type_id, finding, detected_at))
    return found


def _single_pattern(column: Column) -> str | None:
    """The pattern every non-null value of a text column has, if there is one."""
    patterns = column.get("top_patterns") or []
    if column["general_type"] != "text" or len(patterns) != 1 or patterns[0]["count"] != _non_null(column):
        return None
    return patterns[0]["value"]


# Cross-table types: what tells the same column name apart between tables, in the order they are judged; a
# column raises the first that differs (a general type that differs also differs in exact type).
RUN_DIFFERENCES: tuple[tuple[str, Callable[[Column], Any], str], ...] = (
    ("multiple_types_major", lambda column: column["general_type"], "general type"),
    ("multiple_types_minor", lambda column: column["data_type"].lower(), "data type"),
    ("table_pattern_mismatch", _single_pattern, "single pattern"),
)


def detect_run_anomalies(tables: Sequence[Mapping[str, Any]], *, detected_at: str) -> list[dict[str, Any]]:
    """The types judged over all tables of a run: a column name that two tables hold with a different general
    type, exact type or single pattern. Each table's column raises it, naming what the other tables hold."""
    holders: dict[str, list[tuple[Mapping[str, Any], Column]]] = {}
    for table in tables:
        if table["error"] or not table["row_count"]:
            continue
        for column in table["columns"]:
            holders.setdefault(column["column_name"].lower(), []).append((table, column))
    found = []
    for holding in holders.values():
        if len(holding) < 2:
            continue
        for type_id, describe, wording in RUN_DIFFERENCES:
            seen = {describe(column) for _, column in holding} - {None}
            if len(seen) < 2:
                continue
            for table, column in holding:
                mine = describe(column)
                if mine is None:
                    continue
                others = sorted(
                    f"{other['table_name']}: {describe(theirs)}" for other, theirs in holding
                    if other is not table and describe(theirs) not in (None, mine)
                )
                finding = Finding(f"The {wording} is {mine} here, but {'; '.join(others)}")
                found.append(_anomaly(table, column["column_name"], type_id, finding, detected_at))
            break
    return found
