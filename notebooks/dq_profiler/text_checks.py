"""Predicates and transforms on text values, built from Spark's built-in functions only (no Python UDFs).

Every predicate is null for a null value, so `count(when(predicate, true))` counts matching non-null values.
Regexes are Java regexes, written here as Python strings and passed through the Column API, so no SQL string
escaping is involved.
"""

from __future__ import annotations

import re

from pyspark.sql import Column
from pyspark.sql import functions as F

BLANK_TOKENS = ("n/a", "na", "null", "none", "-", "?", "unknown", "tbd", "missing")
BOOLEAN_WORDS = ("true", "false", "yes", "no")

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
# Date forms as (regex, readings): each reading rewrites a match to YYYY-M-D. MM/DD/YYYY and DD/MM/YYYY look the
# same, so those forms are read both ways.
_DATE_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"\s*$", ("$1-$2-$3",)),  # YYYY-MM-DD, ISO timestamps
    (r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*$", ("$1-$2-$3",)),  # YYYY/MM/DD
    (r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + r"\s*$", ("$3-$1-$2", "$3-$2-$1")),  # MM/DD/YYYY, DD/MM/YYYY
    (r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$", ("$3-$2-$1",)),  # DD.MM.YYYY
    (r"^\s*(\d{1,2})-(\d{1,2})-(\d{4})\s*$", ("$3-$1-$2", "$3-$2-$1")),  # MM-DD-YYYY, DD-MM-YYYY
)
# A real calendar date in YYYY-M-D, leap years included, as one regex: no date parser, so no parser-policy or
# ANSI differences between Spark versions, and cheap enough to run on every value.
_LEAP_YEAR = r"(\d\d(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)"
_CALENDAR_DATE = (
    r"^(?!0000)(\d{4}-(0?[13578]|1[02])-(0?[1-9]|[12]\d|3[01])"
    r"|\d{4}-(0?[469]|11)-(0?[1-9]|[12]\d|30)"
    r"|\d{4}-0?2-(0?[1-9]|1\d|2[0-8])"
    r"|" + _LEAP_YEAR + r"-0?2-29)$"
)


def _blank_like_pattern() -> str:
    tokens = "|".join(re.escape(token) for token in BLANK_TOKENS)
    return rf"(?i)^\s*({tokens})?\s*$"


_BLANK_LIKE = _blank_like_pattern()


def is_blank_like(value: Column) -> Column:
    """Empty, whitespace only, or a dummy token (n/a, null, ...) with optional surrounding whitespace."""
    return value.rlike(_BLANK_LIKE)


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
    return value.rlike(rf"(?i)^\s*{word}\s*$")


def is_date_like(value: Column) -> Column:
    """Matches a date form and is a real calendar date. A bare number (20240101) matches no form."""
    result = None
    for pattern, readings in _DATE_FORMS:
        valid = None
        for reading in readings:
            calendar_date = F.regexp_replace(value, pattern, reading).rlike(_CALENDAR_DATE)
            valid = calendar_date if valid is None else valid | calendar_date
        form = value.rlike(pattern) & valid
        result = form if result is None else result | form
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
