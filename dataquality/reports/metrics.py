"""The column metrics of contract section 6 as the report shows them: which apply to which general type, their
labels, and their meanings, shown on hover.

The meanings are the texts of docs/metrics.md, row by row (a test keeps the two in step), so the page and the
documentation never explain a metric differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# docs/metrics.md, one entry per table row: the metrics a row names, and its "meaning" cell.
DOCUMENTED_MEANINGS: dict[tuple[str, ...], str] = {
    ("row_count",): "rows in the table",
    ("null_count",): "rows where the column is null. NaN is not null.",
    ("distinct_count",): "distinct non-null values. Not computed for `nested` and `other` columns.",
    ("distinct_count_approximate",): "`false` when `distinct_count` is exact, `true` when it is an estimate",
    ("min_value", "max_value"): (
        "smallest and largest non-null value as a string (Spark's `CAST(... AS STRING)`); NaN excluded; null for "
        "binary, nested and other columns, and for a column flagged `potential_pii`"
    ),
    ("top_values",): (
        "up to 10 `{value, count}`, most frequent first, ties by value; only for columns with at most 1000 distinct "
        "values (by the pass-1 estimate); always empty for a column flagged `potential_pii`"
    ),
    ("top_patterns",): (
        "text columns: up to 10 `{value, count}` of value patterns, lower-case letters to `a`, upper-case letters to "
        "`A`, digits to `N`, anything else kept"
    ),
    ("duplicated_value_count",): (
        "key candidates only (see `duplicate_key_values` in [anomalies](anomalies.md)): how many distinct values "
        "occur more than once; null for other columns"
    ),
    ("mean",): (
        "average of non-null, non-NaN values (as double); null for a column flagged `potential_pii` (with the row "
        "count it gives values back)"
    ),
    ("stddev",): "sample standard deviation of the same values; null for a column flagged `potential_pii`",
    ("p25", "p50", "p75"): (
        "`percentile_approx(value, array(0.25, 0.5, 0.75), 10000)`, one call per column; null for a column flagged "
        "`potential_pii` (each is one of its values)"
    ),
    ("zero_count",): "values equal to 0",
    ("negative_count",): "values below 0",
    ("nan_count",): "float and double only: NaN values (null for other numeric types)",
    ("min_length", "max_length", "avg_length"): "length in characters",
    ("blank_count",): (
        "empty, whitespace only, or a dummy token with optional surrounding whitespace: `n/a`, `na`, `null`, "
        "`none`, `-`, `?`, `unknown`, `tbd`, `missing`, in any case"
    ),
    ("leading_space_count",): "starts with whitespace followed by something else",
    ("quoted_count",): "wrapped in matching single or double quotes (at least two characters)",
    ("numeric_like_count",): (
        "a decimal number with optional sign, decimal part, exponent and thousands separators (`-1,234.5`, `.5`, "
        "`1e5`), optional surrounding whitespace"
    ),
    ("date_like_count",): (
        "matches a date form and is a real calendar date (leap years included): `YYYY-MM-DD` optionally followed by "
        "a time (ISO timestamps with `T` or space, fractions, `Z` or offset), `YYYY/MM/DD`, `MM/DD/YYYY` or "
        "`DD/MM/YYYY` (either reading counts), `DD.MM.YYYY`, `MM-DD-YYYY` or `DD-MM-YYYY`. A bare number such as "
        "`20240101` is never a date. The calendar check is a regular expression, not a date parser, so it behaves "
        "the same on every Spark version and in ANSI mode."
    ),
    ("email_like_count",): "`local@domain.tld`",
    ("phone_like_count",): (
        "a North American number with separators (`555-123-4567`, `(555) 123 4567`, `+1 555.123.4567`) or an "
        "international number starting with `+` (`+44 20 7946 0958`). Plain digit strings do not count, so numeric "
        "identifiers are not mistaken for phone numbers."
    ),
    ("ssn_like_count",): "`NNN-NN-NNNN`",
    ("card_like_count",): (
        "13 to 19 digits, spaces or dashes allowed between, that pass the Luhn checksum (computed with Spark's "
        "higher-order functions `transform` and `aggregate`)"
    ),
    ("true_word_count", "false_word_count", "yes_word_count", "no_word_count"): (
        "the words `true`, `false`, `yes`, `no` in any case, with optional surrounding whitespace"
    ),
    ("number_unit_count",): (
        "a number followed by a unit word (`1.2 kg`, `30%`, `12in`; the list is `UNIT_WORDS` in `catalogue.py`)"
    ),
    ("non_printing_count",): (
        "holds a control character other than tab, newline and carriage return, a no-break, narrow no-break or "
        "zero-width space, a soft hyphen, a direction mark or a byte-order mark (`NON_PRINTING_CHARACTERS` in "
        "`catalogue.py`)"
    ),
    ("upper_case_count", "mixed_case_count"): (
        "has letters, all upper case; has both upper- and lower-case letters (Unicode's upper-case and lower-case "
        "letters, read from the pattern's `A` and `a`: a letter without case, such as `東`, counts as neither)"
    ),
    ("delimited_count",): (
        "a list: three or more items of 1 to 30 characters separated by the same comma, semicolon, pipe or tab (a "
        "number with thousands separators is not)"
    ),
    ("url_like_count",): "starts with `http://`, `https://`, `ftp://` or `www.` (any case)",
    ("json_like_count",): "wrapped in `{}` or `[]` (surrounding whitespace allowed)",
    ("us_state_count",): (
        "a US state, territory or military code (`CA`, `PR`, `AE`; any case, surrounding whitespace allowed)"
    ),
    ("no_letter_count",): "not blank-like, and no letter (its pattern has no `a` or `A`)",
    ("non_alpha_prefix_count",): "starts with a character other than a letter or whitespace, and has a letter",
    ("us_zip_count", "us_zip3_count"): "its pattern is `NNNNN`, `NNNNN-NNNN` or `NNNNNNNNN`; its pattern is `NNN`",
    ("standardized_match_value_count", "standardized_match_form_count"): (
        "columns with top values only (null otherwise): how many distinct values share their standardized form "
        "(upper case, letters and digits only) with another distinct value, and how many such forms there are; "
        "distinct values, not rows, so never scaled"
    ),
    ("future_count",): (
        "values after now (`current_date()` for dates, `current_timestamp()` for timestamps, the same instant as a "
        "local time for timestamp_ntz)"
    ),
    ("before_1900_count",): "values before 1900-01-01",
    ("true_count", "false_count"): "values true and false",
}
MEANINGS: dict[str, str] = {key: meaning for keys, meaning in DOCUMENTED_MEANINGS.items() for key in keys}

ROWS, VALUES = "rows", "values"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    # What a count is a share of: the table's rows or the column's non-null values. None: not a count.
    share_of: str | None = None
    # Reveals the column's data, so it is withheld for a column flagged as potential PII.
    shows_values: bool = False



def plain_text(markdown: str) -> str:
    """The documentation's Markdown as hover text: links become their label, code loses its backticks."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown).replace("`", "")


def _values(*pairs: tuple[str, str]) -> tuple[Metric, ...]:
    """Figures that show the column's data: withheld for potential PII."""
    return tuple(Metric(key, label, shows_values=True) for key, label in pairs)


def _counts_of_values(*pairs: tuple[str, str]) -> tuple[Metric, ...]:
    """Counts shown with their share of the column's non-null values."""
    return tuple(Metric(key, label, share_of=VALUES) for key, label in pairs)


_GENERAL = (
    Metric("row_count", "Rows"),
    Metric("null_count", "Nulls", share_of=ROWS),
    Metric("distinct_count", "Distinct values", share_of=VALUES),
    *_values(("min_value", "Minimum"), ("max_value", "Maximum")),
    Metric("duplicated_value_count", "Duplicated values", share_of=VALUES),
)
_BY_GENERAL_TYPE: dict[str, tuple[Metric, ...]] = {
    "numeric": _values(
        ("mean", "Mean"), ("stddev", "Standard deviation"),
        ("p25", "25th percentile"), ("p50", "Median"), ("p75", "75th percentile"),
    )
    + _counts_of_values(("zero_count", "Zeros"), ("negative_count", "Negative values"), ("nan_count", "NaN values")),
    "text": (
        Metric("min_length", "Shortest length"),
        Metric("max_length", "Longest length"),
        Metric("avg_length", "Average length"),
        *_counts_of_values(
            ("blank_count", "Blank-like values"), ("leading_space_count", "Leading spaces"),
            ("quoted_count", "Quoted values"), ("numeric_like_count", "Numeric-looking"),
            ("date_like_count", "Date-looking"), ("email_like_count", "Email-like"), ("phone_like_count", "Phone-like"),
            ("ssn_like_count", "SSN-like"), ("card_like_count", "Card-number-like"),
            ("true_word_count", "Word 'true'"), ("false_word_count", "Word 'false'"),
            ("yes_word_count", "Word 'yes'"), ("no_word_count", "Word 'no'"),
            ("number_unit_count", "Numbers with units"), ("non_printing_count", "Non-printing characters"),
            ("upper_case_count", "All upper case"), ("mixed_case_count", "Mixed case"),
            ("delimited_count", "Delimited lists"), ("url_like_count", "URL-like"), ("json_like_count", "JSON-like"),
            ("us_state_count", "US state codes"), ("no_letter_count", "Without letters"),
            ("non_alpha_prefix_count", "Starting with a non-letter"), ("us_zip_count", "US zip codes"),
            ("us_zip3_count", "US zip3 codes"),
        ),
        Metric("standardized_match_value_count", "Values matching once standardized"),
        Metric("standardized_match_form_count", "Standardized forms they share"),
    ),
    "date": _counts_of_values(("future_count", "In the future"), ("before_1900_count", "Before 1900")),
    "boolean": _counts_of_values(("true_count", "True"), ("false_count", "False")),
}
# Nested and other columns get counts only (docs/metrics.md, "Binary, nested and other columns").
_COUNTS_ONLY = {"nested", "other"}


def metrics_for(general_type: str) -> tuple[Metric, ...]:
    """The metrics that apply to a column of this general type, in the order the page lists them."""
    general = _GENERAL[:2] if general_type in _COUNTS_ONLY else _GENERAL
    return general + _BY_GENERAL_TYPE.get(general_type, ())


# Where docs/metrics.md explains several metrics in one row, or how Spark computes one, the report's reader gets
# one description per metric in plain words; every other metric keeps the documentation's text.
READER_MEANINGS: dict[str, str] = {
    "min_value": "smallest non-null value, as text; not shown for binary, nested and other columns, nor for a "
                 "column flagged as potential PII",
    "max_value": "largest non-null value, as text; not shown for binary, nested and other columns, nor for a "
                 "column flagged as potential PII",
    "p25": "a quarter of the non-null values lie below it (approximate); withheld for potential PII",
    "p50": "the middle value: half of the non-null values lie below it (approximate); withheld for potential PII",
    "p75": "three quarters of the non-null values lie below it (approximate); withheld for potential PII",
    "min_length": "length in characters of the shortest non-null value",
    "max_length": "length in characters of the longest non-null value",
    "avg_length": "average length in characters of the non-null values",
    "true_word_count": "values that are the word true, in any case, with optional surrounding whitespace",
    "false_word_count": "values that are the word false, in any case, with optional surrounding whitespace",
    "yes_word_count": "values that are the word yes, in any case, with optional surrounding whitespace",
    "no_word_count": "values that are the word no, in any case, with optional surrounding whitespace",
    "true_count": "values that are true",
    "false_count": "values that are false",
    "card_like_count": "13 to 19 digits, with spaces or dashes between them allowed, that pass the Luhn checksum "
                       "card numbers use",
    "date_like_count": "values that read as a real calendar date (leap years included): 2024-01-31, optionally "
                       "with a time, 2024/01/31, 01/31/2024 or 31/01/2024, 31.01.2024, 01-31-2024 or 31-01-2024; "
                       "a bare number such as 20240101 is never a date",
    "future_count": "values later than the moment of profiling (today, for dates)",
    "mean": "average of the non-null values (NaN left out)",
    "distinct_count_approximate": "whether the distinct count is exact or an estimate",
    "upper_case_count": "values that have letters, all of them upper case",
    "mixed_case_count": "values that have both upper- and lower-case letters",
    "us_zip_count": "values shaped like a US zip code: five digits, five and four with a dash, or nine digits",
    "us_zip3_count": "values shaped like a three-digit US zip prefix",
    "standardized_match_value_count": "distinct values that share their standardized form (upper case, letters and "
                                      "digits only) with another distinct value; columns with top values only",
    "standardized_match_form_count": "standardized forms shared by more than one distinct value; columns with top "
                                     "values only",
}
# The labels of the entries the column tiles do not list among their metrics.
_OTHER_LABELS = {"top_values": "Top values", "top_patterns": "Top patterns",
                 "distinct_count_approximate": "Distinct count is"}


def label_of(key: str) -> str:
    """The label a column's tile shows for the metric."""
    for metric in (*_GENERAL, *(metric for metrics in _BY_GENERAL_TYPE.values() for metric in metrics)):
        if metric.key == key:
            return metric.label
    return _OTHER_LABELS.get(key, key)


def glossary() -> list[tuple[str, str, str]]:
    """(metric, its label as the tiles show it, its meaning as plain text), one entry per metric, in the
    documentation's order.

    The page lists it once; each metric shown links to its entry, and the page's script puts the meaning on
    hover, so a report of thousands of columns does not repeat the texts thousands of times.
    """
    return [(key, label_of(key), READER_MEANINGS.get(key) or plain_text(meaning)) for key, meaning in MEANINGS.items()]
