"""Column classification rules shared by the Spark passes and the anomaly checks. Standard library only."""

from __future__ import annotations

import re

_INTEGER_TYPES = frozenset({"tinyint", "smallint", "int", "bigint"})
_KEY_NAME_SUFFIXES = ("_id", "_key", "_code", "_number")

# Whole name tokens that hint at personal data; `ssn` must be a token so that `classname` does not match.
_PII_NAME_TOKENS = frozenset(
    {"email", "emailaddress", "phone", "phonenumber", "mobile", "telephone", "ssn", "dob", "birthdate", "birthday",
     "passport", "iban", "creditcard", "cardnumber"}
)
# Token sequences that only hint at personal data together.
_PII_NAME_PHRASES = (
    ("e", "mail"), ("social", "security"), ("credit", "card"), ("card", "number"), ("card", "no"),
    ("date", "of", "birth"), ("birth", "date"), ("tax", "id"), ("national", "id"),
)


def name_tokens(column_name: str) -> list[str]:
    """Lower-case words of a name: `customerEmail`, `customer_email` and `Customer Email` give the same."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", column_name)
    return [token for token in re.split(r"[^a-z0-9]+", spaced.lower()) if token]


def snake_name(column_name: str) -> str:
    return "_".join(name_tokens(column_name))


def has_key_name(column_name: str) -> bool:
    """`id`, `*_id`, `*_key`, `*_code` or `*_number`, in any case or camelCase."""
    name = snake_name(column_name)
    return name == "id" or name.endswith(_KEY_NAME_SUFFIXES)


def has_key_type(data_type: str) -> bool:
    """Integer, string or decimal: the types a key is stored in. Floating point never qualifies."""
    return (
        data_type in _INTEGER_TYPES
        or data_type == "string"
        or data_type.startswith(("decimal", "varchar", "char", "string collate"))
    )


def is_key_candidate(
    *, column_name: str, data_type: str, distinct_count: int, non_null_count: int, min_distinct_ratio: float
) -> bool:
    """Whether a column should be checked for duplicates: key type, and a key name or nearly all values distinct."""
    if non_null_count < 2 or not has_key_type(data_type):
        return False
    return has_key_name(column_name) or distinct_count >= min_distinct_ratio * non_null_count


def pii_name_hint(column_name: str) -> str | None:
    """The word of the name that hints at personal data, or None."""
    tokens = name_tokens(column_name)
    for token in tokens:
        if token in _PII_NAME_TOKENS:
            return token
    for phrase in _PII_NAME_PHRASES:
        width = len(phrase)
        if any(tuple(tokens[start : start + width]) == phrase for start in range(len(tokens) - width + 1)):
            return "_".join(phrase)
    return None
