"""The anomaly catalogue as data: one entry per type, modelled on DataKitchen TestGen's hygiene issues, and the
lists of values the rules compare with (US states, zip patterns, unit words, variant codings).

Standard library only. `docs/anomalies.md` lists the same entries; a test keeps the two in step. The rules that
apply each entry live in `anomalies.py`, their thresholds in `thresholds.py`. Types that compare a run with the
group's previous one (drift, such as a row-count drop) are the server's, in `dataquality/drift_catalogue.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

LOW, MEDIUM, HIGH = "low", "medium", "high"
SEVERITIES = (HIGH, MEDIUM, LOW)  # most severe first
COLUMN, TABLE, RUN = "column", "table", "run"  # what a type is judged over: one column, one table, all tables

# US state and territory codes (USPS), military "states" included.
US_STATE_CODES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR "
    "PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP AA AE AP".split()
)
# Patterns (letters to a/A, digits to N) of a valid US zip code, and of a zip3 (the first three digits).
US_ZIP_PATTERNS = ("NNNNN", "NNNNN-NNNN", "NNNNNNNNN")
US_ZIP3_PATTERN = "NNN"
# Units that follow a number in a text value such as "1.2 kg" or "30%": weight, length, volume, data, time, count.
UNIT_WORDS = (
    "kg", "kgs", "g", "gr", "mg", "lb", "lbs", "oz", "t", "ton", "tons", "km", "m", "cm", "mm", "mi", "ft", "in",
    "inch", "inches", "yd", "l", "ml", "cl", "gal", "qt", "pt", "kb", "mb", "gb", "tb", "w", "kw", "kwh", "v", "hz",
    "s", "sec", "secs", "min", "mins", "h", "hr", "hrs", "day", "days", "pc", "pcs", "%", "usd", "eur",
)
# Characters that do not print but make two values differ: C0 controls but tab, newline and carriage return, DEL,
# no-break spaces, the soft hyphen, zero-width characters, direction marks and the byte-order mark.
NON_PRINTING_CHARACTERS = (
    "".join(chr(code) for code in range(32) if chr(code) not in "\t\n\r")
    + "\x7f\u00a0\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u202f\ufeff"
)
# Characters that separate the items of a list held in one value ("red|sale|new").
LIST_DELIMITERS = ",;|\t"
# Codings of one meaning: a column holding two members of one set codes the same thing two ways (M and Male).
VARIANT_CODINGS: tuple[frozenset[str], ...] = tuple(
    frozenset(coding.split("|"))
    for coding in (
        "m|male|man", "f|female|woman", "y|yes", "n|no", "t|true", "f|false", "1|true", "0|false", "u|unknown|unk",
        "mr|mister", "mrs|missus", "dr|doctor", "st|street", "ave|avenue", "rd|road", "usa|us|united states",
        "uk|gb|united kingdom|great britain",
    )
)


@dataclass(frozen=True)
class AnomalyType:
    id: str
    name: str
    severity: str
    criterion: str
    threshold_keys: tuple[str, ...] = ()
    scope: str = COLUMN


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
        "More than 95% but not all of a text column's non-null values look numeric (not a zip code column).",
        ("char_column_number_min_ratio",),
    ),
    AnomalyType(
        "char_column_date_values",
        "Text column holding dates",
        MEDIUM,
        "More than 95% but not all of a text column's non-null values are valid dates in a date or timestamp "
        "format (a bare number never counts; not a zip code column).",
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
        "The column name hints at personal data (email, phone, SSN, card number, birth date, passport, ...; not a "
        "flag or boolean column, such as sent_email) or at "
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
        "A column named as the table's own key (functional type id: id, sku, or <table>_id, _key, _code, _number; "
        "never a reference to another table's key), of integer, string or decimal type, with at least 90% distinct "
        "values, where some value occurs more than once, checked exactly.",
        ("key_distinct_min_ratio",),
    ),
    AnomalyType(
        "suggested_type",
        "Suggested data type",
        MEDIUM,
        "A text column whose non-blank values all look numeric, or all are valid dates, so a numeric or date type "
        "would hold them; not a zip code, phone, key, code or flag column, whose digits are text on purpose, nor one "
        "holding card numbers.",
    ),
    AnomalyType(
        "small_missing_value_count",
        "Small share of missing values",
        LOW,
        "Some, but under 3%, of the rows are null or blank-like: a few values unexpectedly missing.",
        ("small_missing_max_ratio",),
    ),
    AnomalyType(
        "non_printing_characters",
        "Non-printing characters",
        MEDIUM,
        "A text column holds values with control characters (but tab, newline, carriage return), no-break or "
        "zero-width spaces, soft hyphens, direction marks or byte-order marks.",
    ),
    AnomalyType(
        "inconsistent_casing",
        "Inconsistent casing",
        LOW,
        "A person name, city or address column holds both mixed-case and all-upper-case values.",
    ),
    AnomalyType(
        "char_column_number_units",
        "Text column holding numbers with units",
        LOW,
        "A text column with values that are a number and a unit (1.2 kg, 30%, 12 in), where such values and plain "
        "numbers are more than half of the non-null values.",
        ("number_units_min_ratio",),
    ),
    AnomalyType(
        "small_numeric_value_count",
        "Unexpected numeric values",
        MEDIUM,
        "Some, but under 3%, of a text column's non-null values look numeric (not a zip code, phone, key, code or "
        "flag column).",
        ("small_numeric_max_ratio",),
    ),
    AnomalyType(
        "delimited_data_embedded",
        "Delimited data embedded",
        MEDIUM,
        "More than 80% of a text column's non-null values are lists: three or more items of 1 to 30 characters "
        "separated by the same comma, semicolon, pipe or tab (not an address, description, free text or JSON column).",
        ("delimited_min_ratio",),
    ),
    AnomalyType(
        "column_pattern_mismatch",
        "Pattern inconsistency within a column",
        MEDIUM,
        "A text column longer than 3 characters, not all numeric or blank, with 2 to 4 patterns of which one holds "
        "a digit, where the second pattern is under 10% of the first (5% when the patterns hold letters); not a "
        "measurement, category, code, description, free text, JSON or zip code column (zip codes are invalid_zip_usa's).",
        ("pattern_mismatch_max_ratio",),
    ),
    AnomalyType(
        "variant_coded_values",
        "Variant coded values",
        LOW,
        "The column's top values hold two codings of one meaning from the catalogue's list (M and Male, Y and Yes, "
        "1 and true, ...), compared without case or surrounding spaces.",
    ),
    AnomalyType(
        "standardized_value_matches",
        "Similar values match when standardized",
        MEDIUM,
        "Distinct values of a text column become equal once upper-cased without spaces or punctuation (New York, "
        "NEW-YORK). Checked on text columns with top values (at most 1000 distinct values).",
    ),
    AnomalyType(
        "potential_duplicates",
        "Potential duplicate values",
        LOW,
        "A text column, not a key or reference nor mostly (80%) numbers, with more than 1000 distinct values that "
        "are at least 95% of its non-null values, but not all: largely unique, with a few repeats (exact counts).",
        ("potential_duplicates_min_distinct", "potential_duplicates_min_ratio"),
    ),
    AnomalyType(
        "unexpected_emails",
        "Unexpected e-mail addresses",
        LOW,
        "At least 80% of the values are e-mail addresses, but the column name has no word such as email, mail, "
        "address or contact.",
    ),
    AnomalyType(
        "unexpected_us_states",
        "Unexpected US state codes",
        LOW,
        "At least 95% of the values are US state codes (over at least 3 distinct values), but the column name has "
        "no word such as state, st, province, region, code or cd.",
    ),
    AnomalyType(
        "invalid_zip_usa",
        "Invalid US zip codes",
        MEDIUM,
        "A zip code text column (by name) holds non-blank values that are not NNNNN, NNNNN-NNNN or NNNNNNNNN.",
    ),
    AnomalyType(
        "invalid_zip3_usa",
        "Invalid US zip3 codes",
        MEDIUM,
        "A zip3 column (a zip code column named zip3 or with mostly three-digit values) holds non-blank values that "
        "are not three digits.",
    ),
    AnomalyType(
        "non_alpha_name_address",
        "Name or address without letters",
        MEDIUM,
        "A person name, city or address column holds values, not blank-like, without any letter.",
    ),
    AnomalyType(
        "non_alpha_prefixed_name",
        "Name starting with a non-letter",
        MEDIUM,
        "A person name or city column holds values that start with a character other than a letter or whitespace.",
    ),
    AnomalyType(
        "recency_one_year",
        "No recent dates (one year)",
        LOW,
        "The newest value over the table's date and timestamp columns (birth dates left out) is more than 365 days "
        "before today.",
        scope=TABLE,
    ),
    AnomalyType(
        "recency_six_months",
        "No recent dates (six months)",
        LOW,
        "The newest value over the table's date and timestamp columns (birth dates left out) is 183 to 365 days "
        "before today.",
        scope=TABLE,
    ),
    AnomalyType(
        "multiple_types_major",
        "Multiple general types per column name",
        MEDIUM,
        "Tables of the run hold a column of this name with different general types (text, numeric, date, ...).",
        scope=RUN,
    ),
    AnomalyType(
        "multiple_types_minor",
        "Multiple data types per column name",
        LOW,
        "Tables of the run hold a column of this name with one general type but different data types (int and "
        "bigint, decimal(10,2) and decimal(12,2)).",
        scope=RUN,
    ),
    AnomalyType(
        "table_pattern_mismatch",
        "Pattern inconsistency across tables",
        LOW,
        "Tables of the run hold a text column of this name, of one type, whose values all have one pattern, but a "
        "different one in each table.",
        scope=RUN,
    ),
)

ANOMALY_TYPES_BY_ID: dict[str, AnomalyType] = {anomaly_type.id: anomaly_type for anomaly_type in ANOMALY_TYPES}
