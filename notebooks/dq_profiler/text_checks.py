"""Predicates and transforms on text values, built from Spark's built-in functions only (no Python UDFs).

Every predicate is null for a null value, so `count(when(predicate, true))` counts matching non-null values.
Regexes are Java regexes, written here as Python strings and passed through the Column API, so no SQL string
escaping is involved.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

BLANK_TOKENS = ("n/a", "na", "null", "none", "-", "?", "unknown", "tbd", "missing")
BOOLEAN_WORDS = {"true": "true", "false": "false", "yes": "yes", "no": "no"}

_NUMERIC = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+|\d{1,3}(,\d{3})+(\.\d+)?)([eE][-+]?\d+)?\s*$"
_QUOTED = r"^(?s)('.*'|\".*\")$"
_LEADING_SPACE = r"^\s+\S"
_EMAIL = r"^\s*[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\s*$"
# Phone numbers need separators or a leading +, so that plain 10-digit identifiers do not count.
_PHONE = (
    r"^\s*((\+\d{1,3}[\s.-]?)?(\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    r"|\+\d{1,3}([\s.-]?\(?\d{1,4}\)?){2,5})\s*$"
)
_SSN = r"^\s*\d{3}-\d{2}-\d{4}\s*$"
_CARD_SHAPE = r"^\s*\d[\d -]{11,22}\d\s*$"
_CARD_DIGITS = r"^\d{13,19}$"

_TIME = r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
# (regex, readings): each reading names which capture group holds the year, month and day.
_DATE_FORMS: tuple[tuple[str, tuple[tuple[int, int, int], ...]], ...] = (
    (r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"\s*$", ((1, 2, 3),)),  # YYYY-MM-DD, ISO timestamps
    (r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*$", ((1, 2, 3),)),  # YYYY/MM/DD
    (r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + r"\s*$", ((3, 1, 2), (3, 2, 1))),  # MM/DD/YYYY or DD/MM/YYYY
    (r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$", ((3, 2, 1),)),  # DD.MM.YYYY
    (r"^\s*(\d{1,2})-(\d{1,2})-(\d{4})\s*$", ((3, 1, 2), (3, 2, 1))),  # MM-DD-YYYY or DD-MM-YYYY
)


def stripped(value: Column) -> Column:
    """The value without surrounding whitespace (`trim` only strips spaces)."""
    return F.regexp_replace(value, r"^\s+|\s+$", "")


def is_blank_like(value: Column) -> Column:
    return value.rlike(r"^\s*$") | F.lower(stripped(value)).isin(*BLANK_TOKENS)


def has_leading_space(value: Column) -> Column:
    return value.rlike(_LEADING_SPACE)


def is_quoted(value: Column) -> Column:
    return value.rlike(_QUOTED)


def is_numeric_like(value: Column) -> Column:
    return value.rlike(_NUMERIC)


def is_email_like(value: Column) -> Column:
    return value.rlike(_EMAIL)


def is_phone_like(value: Column) -> Column:
    return value.rlike(_PHONE)


def is_ssn_like(value: Column) -> Column:
    return value.rlike(_SSN)


def is_boolean_word(value: Column, word: str) -> Column:
    return F.lower(stripped(value)) == F.lit(word)


def _group_as_int(value: Column, pattern: str, group: int) -> Column:
    # The leading "0" keeps the cast valid (and ANSI-safe) even where the group is empty.
    return F.concat(F.lit("0"), F.regexp_extract(value, pattern, group)).cast("int")


def _is_valid_date(year: Column, month: Column, day: Column) -> Column:
    """Calendar check by arithmetic: no date parser, so no parser-policy or ANSI differences between versions."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days_in_month = (
        F.when(month == 2, F.when(leap, 29).otherwise(28)).when(month.isin(4, 6, 9, 11), 30).otherwise(31)
    )
    return (year >= 1) & month.between(1, 12) & (day >= 1) & (day <= days_in_month)


def is_date_like(value: Column) -> Column:
    """Matches a date form and is a real calendar date. A bare number (20240101) matches no form."""
    matches = []
    for pattern, readings in _DATE_FORMS:
        valid = None
        for year_group, month_group, day_group in readings:
            reading = _is_valid_date(
                _group_as_int(value, pattern, year_group),
                _group_as_int(value, pattern, month_group),
                _group_as_int(value, pattern, day_group),
            )
            valid = reading if valid is None else valid | reading
        matches.append(value.rlike(pattern) & valid)
    result = matches[0]
    for match in matches[1:]:
        result = result | match
    return result


def _passes_luhn(digits: Column) -> Column:
    """The Luhn checksum with higher-order functions: double every second digit from the right."""
    reversed_digits = F.transform(F.split(F.reverse(digits), ""), lambda digit: digit.cast("int"))
    contributions = F.transform(
        reversed_digits,
        lambda digit, position: F.when(position % 2 == 1, F.when(digit * 2 > 9, digit * 2 - 9).otherwise(digit * 2))
        .otherwise(digit),
    )
    return F.aggregate(contributions, F.lit(0), lambda total, digit: total + digit) % 10 == 0


def is_card_like(value: Column) -> Column:
    """13 to 19 digits (spaces and dashes allowed between) passing the Luhn check."""
    digits = F.regexp_replace(value, r"[\s-]", "")
    return F.when(value.rlike(_CARD_SHAPE) & digits.rlike(_CARD_DIGITS), _passes_luhn(digits)).otherwise(
        F.when(value.isNotNull(), False)
    )


def pattern_of(value: Column) -> Column:
    """Lower-case letters to `a`, upper-case letters to `A`, digits to `N`; everything else kept."""
    lowered = F.regexp_replace(value, r"\p{Ll}", "a")
    return F.regexp_replace(F.regexp_replace(lowered, r"\p{Lu}", "A"), r"\d", "N")
