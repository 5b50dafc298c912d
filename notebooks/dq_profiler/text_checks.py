"""Predicates and transforms on text values, built from Spark's built-in functions only (no Python UDFs).

Every predicate is null for a null value, so `count(when(predicate, true))` counts matching non-null values.
Regexes are Java regexes, written here as Python strings and passed through the Column API, so no SQL string
escaping is involved. Each regex match converts the value to a Java string, so checks that rarely match start
with a cheap native test (a character present, the first character) and only then run the regex.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import partial

from pyspark.sql import Column
from pyspark.sql import functions as F

from .catalogue import (
    LIST_DELIMITERS, NON_PRINTING_CHARACTERS, UNIT_WORDS, US_STATE_CODES, US_ZIP3_PATTERN, US_ZIP_PATTERNS,
)

BLANK_TOKENS = ("n/a", "na", "null", "none", "-", "?", "unknown", "tbd", "missing")
BOOLEAN_WORDS = ("true", "false", "yes", "no")

_NUMERIC = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+|\d{1,3}(,\d{3})+(\.\d+)?)([eE][-+]?\d+)?\s*$"
_LEADING_SPACE = r"^\s+\S"
_WHITESPACE = "\t\n\x0b\x0c\r "  # what \s matches in a Java regex
_DIGITS = string.digits
_EMAIL = r"^\s*[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\s*$"
# Phone numbers need separators or a leading +, so that plain 10-digit identifiers do not count.
_PHONE = (
    r"^\s*((\+\d{1,3}[\s.-]?)?(\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    r"|\+\d{1,3}([\s.-]?\(?\d{1,4}\)?){2,5})\s*$"
)
_SSN = r"^\s*\d{3}-\d{2}-\d{4}\s*$"
_NUMBER_WITH_UNIT = (
    r"(?i)^\s*[-+]?(\d+([.,]\d+)?|\d{1,3}(,\d{3})+(\.\d+)?)\s*("
    + "|".join(re.escape(unit) for unit in sorted(UNIT_WORDS, key=len, reverse=True))
    + r")\.?\s*$"
)
# Three or more items of 1 to 30 characters, all separated by the same delimiter.
_DELIMITED_LIST = "^(" + "|".join(
    rf"[^{re.escape(d)}]{{1,30}}({re.escape(d)}[^{re.escape(d)}]{{1,30}}){{2,}}" for d in LIST_DELIMITERS
) + ")$"
_URL_PREFIXES = ("http://", "https://", "ftp://", "www.")
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
# What every date form starts with: one regex to rule out most values before the forms are tried one by one.
_DATE_SHAPE = r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
# A real calendar date in YYYY-M-D, leap years included, as one regex: no date parser, so no parser-policy or
# ANSI differences between Spark versions, and cheap enough to run on every value.
_LEAP_YEAR = r"(\d\d(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)"
_CALENDAR_DATE = (
    r"^(?!0000)(\d{4}-(0?[13578]|1[02])-(0?[1-9]|[12]\d|3[01])"
    r"|\d{4}-(0?[469]|11)-(0?[1-9]|[12]\d|30)"
    r"|\d{4}-0?2-(0?[1-9]|1\d|2[0-8])"
    r"|" + _LEAP_YEAR + r"-0?2-29)$"
)


# The characters a value matching any check but the e-mail one can start with (an empty value's code is 0):
# whitespace (leading space, and every pattern allows it), digits and signs (numbers, dates, phones, SSNs, cards),
# quotes, and the first letters of the blank tokens, boolean words and URL prefixes.
_FIRST_CHARACTERS_OF_A_MATCH = "\0" + _WHITESPACE + _DIGITS + "+-.(\'\"" + "".join(
    word[0] + word[0].upper() for word in (*BLANK_TOKENS, *BOOLEAN_WORDS, *_URL_PREFIXES)
)


def _blank_like_pattern() -> str:
    tokens = "|".join(re.escape(token) for token in BLANK_TOKENS)
    return rf"(?i)^\s*({tokens})?\s*$"


_BLANK_LIKE = _blank_like_pattern()


def _starts_with_one_of(value: Column, characters: str) -> Column:
    """Whether the first character is one of `characters` (an empty value has code 0): a native check."""
    return F.ascii(value).isin(*sorted({ord(character) for character in characters}))


def is_blank_like(value: Column) -> Column:
    """Empty, whitespace only, or a dummy token (n/a, null, ...) with optional surrounding whitespace."""
    first_characters = "\0" + _WHITESPACE + "".join(token[0] + token[0].upper() for token in BLANK_TOKENS)
    return _starts_with_one_of(value, first_characters) & value.rlike(_BLANK_LIKE)


def has_leading_space(value: Column) -> Column:
    return _starts_with_one_of(value, _WHITESPACE) & value.rlike(_LEADING_SPACE)


def is_quoted(value: Column) -> Column:
    """Wrapped in matching single or double quotes, at least two characters."""
    wrapped = [value.startswith(quote) & value.endswith(quote) for quote in ("'", '"')]
    return (F.length(value) >= 2) & (wrapped[0] | wrapped[1])


def is_numeric_like(value: Column) -> Column:
    return _starts_with_one_of(value, _WHITESPACE + _DIGITS + "+-.") & value.rlike(_NUMERIC)


def is_email_like(value: Column) -> Column:
    return (F.instr(value, "@") > 0) & value.rlike(_EMAIL)


def is_phone_like(value: Column) -> Column:
    return _starts_with_one_of(value, _WHITESPACE + _DIGITS + "+(") & value.rlike(_PHONE)


def is_ssn_like(value: Column) -> Column:
    return _starts_with_one_of(value, _WHITESPACE + _DIGITS) & value.rlike(_SSN)


def is_boolean_word(value: Column, word: str) -> Column:
    first_characters = _WHITESPACE + word[0] + word[0].upper()
    return _starts_with_one_of(value, first_characters) & value.rlike(rf"(?i)^\s*{word}\s*$")


def has_number_with_unit(value: Column) -> Column:
    """A number followed by a unit word: `1.2 kg`, `30%`, `12in`."""
    return _starts_with_one_of(value, _WHITESPACE + _DIGITS + "+-") & value.rlike(_NUMBER_WITH_UNIT)


def is_date_like(value: Column) -> Column:
    """Matches a date form and is a real calendar date. A bare number (20240101) matches no form."""
    forms = None
    for pattern, readings in _DATE_FORMS:
        valid = None
        for reading in readings:
            calendar_date = F.regexp_replace(value, pattern, reading).rlike(_CALENDAR_DATE)
            valid = calendar_date if valid is None else valid | calendar_date
        form = value.rlike(pattern) & valid
        forms = form if forms is None else forms | form
    return _starts_with_one_of(value, _WHITESPACE + _DIGITS) & value.rlike(_DATE_SHAPE) & forms


def _passes_luhn(digits: Column) -> Column:
    """The Luhn checksum with higher-order functions: double every second digit from the right.

    Higher-order functions have no code generation, so the operator that evaluates the text checks runs
    interpreted. That is on purpose: its generated code is too large for the JIT (over HotSpot's 8,000-byte
    method limit, near the JVM's 64 KB one), and measured slower than the interpreted operator (the engine on the
    2M-row, 60-column benchmark table: 184 s with generated code, 130 s with it capped at 8,000 bytes, 113 s
    interpreted)."""
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
    shaped = (
        _starts_with_one_of(value, _WHITESPACE + _DIGITS) & value.rlike(_CARD_SHAPE) & digits.rlike(_CARD_DIGITS)
    )
    return F.when(shaped, _passes_luhn(digits)).otherwise(
        F.when(value.isNotNull(), False)
    )


def has_non_printing_character(text: Column) -> Column:
    """Holds a control character, a no-break or zero-width space, a soft hyphen, ... (a character map, no regex).

    None of them is a letter or a digit, so a value's pattern holds them exactly when the value does."""
    return F.length(F.translate(text, NON_PRINTING_CHARACTERS, "")) < F.length(text)


# The checks below that take a `pattern` read only the value's pattern (`pattern_of`): it keeps every character
# that is neither a letter nor a digit, turns lower-case letters (Unicode Ll) into `a` and upper-case ones (Lu)
# into `A`. So they are counted once per distinct pattern rather than once per distinct value.


def is_upper_case(pattern: Column) -> Column:
    """Has letters, all of them upper case."""
    return (F.instr(pattern, "A") > 0) & (F.instr(pattern, "a") == 0)


def is_mixed_case(pattern: Column) -> Column:
    """Has both upper- and lower-case letters."""
    return (F.instr(pattern, "A") > 0) & (F.instr(pattern, "a") > 0)


def has_list_shape(pattern: Column) -> Column:
    """Three or more items of 1 to 30 characters separated by the same one of `, ; | tab`. The pattern keeps the
    delimiters and every item's length, so this reads it rather than the value."""
    has_delimiter = None
    for delimiter in LIST_DELIMITERS:
        found = F.instr(pattern, delimiter) > 0
        has_delimiter = found if has_delimiter is None else has_delimiter | found
    return has_delimiter & pattern.rlike(_DELIMITED_LIST)


def is_number_with_list_shape(value: Column) -> Column:
    """A number whose thousands separators give it a list's shape (`1,234,567`): not a list. Read from the value,
    since a pattern's `a` cannot tell an exponent's `e` from another letter; rare, and behind a native test."""
    return is_numeric_like(value) & (F.instr(value, ",") > 0) & has_list_shape(value)


def is_url_like(value: Column) -> Column:
    # ltrim drops spaces only: a URL's first character is a space or the first letter of a prefix.
    first_characters = " " + "".join(prefix[0] + prefix[0].upper() for prefix in _URL_PREFIXES)
    prefix = F.lower(F.substring(F.ltrim(value), 1, 8))
    found = None
    for url_prefix in _URL_PREFIXES:
        found = prefix.startswith(url_prefix) if found is None else found | prefix.startswith(url_prefix)
    return _starts_with_one_of(value, first_characters) & found


def is_json_like(pattern: Column) -> Column:
    """Wrapped in braces or brackets, as a JSON object or array is."""
    trimmed = F.trim(pattern)
    return F.substring(trimmed, 1, 1).isin("{", "[") & F.substring(trimmed, -1, 1).isin("}", "]")


def is_us_state_code(value: Column) -> Column:
    # Bytes, not characters: a native test, and a value of more than 4 bytes in 4 characters is not ASCII.
    return (F.octet_length(value) <= 4) & F.upper(F.trim(value)).isin(*sorted(US_STATE_CODES))


def _has_letter(pattern: Column) -> Column:
    return (F.instr(pattern, "a") > 0) | (F.instr(pattern, "A") > 0)


def has_no_letter(pattern: Column) -> Column:
    """A value, not blank-like, without a letter (`1234`, `--`). Without letters, a pattern is blank-like exactly
    when its value is: every blank token with letters is ruled out, and the others (`-`, `?`) are kept as they are."""
    return ~_has_letter(pattern) & ~is_blank_like(pattern)


def starts_with_non_letter(pattern: Column) -> Column:
    """Starts with a character other than a letter or whitespace (`_Smith`, `1Ada`), and has letters."""
    return ~F.substring(pattern, 1, 1).isin("a", "A", *_WHITESPACE) & _has_letter(pattern)


def is_us_zip(pattern: Column) -> Column:
    return pattern.isin(*US_ZIP_PATTERNS)


def is_us_zip3(pattern: Column) -> Column:
    return pattern == US_ZIP3_PATTERN


def standardized(value: Column) -> Column:
    """The value upper-cased, without spaces or punctuation: `New York`, `NEW-YORK` and `new york` give the same."""
    return F.upper(F.regexp_replace(value, r"[^\p{L}\p{N}]", ""))


def may_match_a_check(value: Column) -> Column:
    """False only for a value that no check can match: one native test that spares most values every check.

    Every check but the e-mail one matches only values starting with one of a few characters; the e-mail check
    needs an `@`. Identifiers, names and codes (the high-cardinality values) mostly fail both.
    """
    return _starts_with_one_of(value, _FIRST_CHARACTERS_OF_A_MATCH) | (F.instr(value, "@") > 0)


_ASCII_LETTERS_AND_DIGITS = string.ascii_lowercase + string.ascii_uppercase + string.digits
_ASCII_PATTERN_CHARACTERS = "a" * 26 + "A" * 26 + "N" * 10


def pattern_of(value: Column) -> Column:
    """Lower-case letters to `a`, upper-case letters to `A`, digits to `N`; everything else kept.

    ASCII values take a character map (`translate`), much cheaper than regexes; others take the Unicode regexes.
    """
    ascii_pattern = F.translate(value, _ASCII_LETTERS_AND_DIGITS, _ASCII_PATTERN_CHARACTERS)
    lowered = F.regexp_replace(value, r"\p{Ll}", "a")
    unicode_pattern = F.regexp_replace(F.regexp_replace(lowered, r"\p{Lu}", "A"), r"\d", "N")
    # UTF-8 takes one byte per character exactly when every character is ASCII: a native test, no regex.
    is_ascii = F.length(value) == F.octet_length(value)
    return F.when(is_ascii, ascii_pattern).otherwise(unicode_pattern)


# The counts that profile a text column's values: each counts the non-null values matching its predicate. The
# engine evaluates them once per distinct value (pass 2), the per-column benchmark baseline once per row.
VALUE_COUNT_CHECKS: dict[str, Callable[[Column], Column]] = {
    "blank_count": is_blank_like,
    "leading_space_count": has_leading_space,
    "quoted_count": is_quoted,
    "numeric_like_count": is_numeric_like,
    "date_like_count": is_date_like,
    "email_like_count": is_email_like,
    "phone_like_count": is_phone_like,
    "ssn_like_count": is_ssn_like,
    "card_like_count": is_card_like,
    **{f"{word}_word_count": partial(is_boolean_word, word=word) for word in BOOLEAN_WORDS},
    "number_unit_count": has_number_with_unit,
    "url_like_count": is_url_like,
}
# Counts whose predicate has no cheap first-character test and needs the value itself, so they run on every
# distinct value: a native test first.
SHAPE_COUNT_CHECKS: dict[str, Callable[[Column], Column]] = {
    "us_state_count": is_us_state_code,
}
# Counts read from the pattern alone (see above): evaluated once per distinct pattern, weighted by its count.
PATTERN_COUNT_CHECKS: dict[str, Callable[[Column], Column]] = {
    "non_printing_count": has_non_printing_character,
    "upper_case_count": is_upper_case,
    "mixed_case_count": is_mixed_case,
    "delimited_count": has_list_shape,
    "json_like_count": is_json_like,
    "no_letter_count": has_no_letter,
    "non_alpha_prefix_count": starts_with_non_letter,
    "us_zip_count": is_us_zip,
    "us_zip3_count": is_us_zip3,
}
# `delimited_count` is the list shapes (per pattern) less the numbers among them (per value, a value check's way).
NUMBERS_WITH_LIST_SHAPE = "numbers_with_list_shape"
COUNT_CHECK_NAMES = (*VALUE_COUNT_CHECKS, *SHAPE_COUNT_CHECKS, *PATTERN_COUNT_CHECKS)
