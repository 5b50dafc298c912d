"""Functional types: what a column holds (a key, a city, an amount), inferred from its name, type and values.

Standard library only. The rules are data: a column's key role comes first (`rules.key_role`: the table's own key
is `id`, a reference to another table's key `id_foreign`), then the first rule of `FUNCTIONAL_RULES` that matches
gives the type, and a column that no rule matches is `unknown`. docs/functional-types.md lists the same rules; a
test keeps the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import rules

FUNCTIONAL_TYPES = (
    "id", "id_foreign", "person_name", "person_given_name", "person_family_name", "email", "phone", "address", "city",
    "us_state", "zip_code", "country", "url", "code", "category", "flag", "boolean", "measurement", "amount",
    "quantity", "percent", "period_year", "period_month", "date", "timestamp", "description", "free_text", "json",
    "unknown",
)
UNKNOWN = "unknown"
NUMERIC, TEXT, DATE, BOOLEAN = "numeric", "text", "date", "boolean"

Column = Mapping[str, Any]

# Share of the non-null values that must match a value check for the values alone to give a type.
VALUE_SHARE = 0.8
STATE_SHARE = 0.95  # state codes also spell countries and words (CA, IN, OR): a higher bar
FEW_VALUES = 50  # at most this many distinct values, and at most a fifth of the values: a category
LONG_TEXT = 40  # average length from which text is free text


def _non_null(column: Column) -> int:
    return column["row_count"] - column["null_count"]


def _share_at_least(metric: str, share: float) -> Callable[[Column], bool]:
    def holds(column: Column) -> bool:
        non_null = _non_null(column)
        return non_null > 0 and (column.get(metric) or 0) >= share * non_null

    return holds


def _number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _within(low: float, high: float) -> Callable[[Column], bool]:
    def holds(column: Column) -> bool:
        smallest, largest = _number(column.get("min_value")), _number(column.get("max_value"))
        return smallest is not None and largest is not None and low <= smallest and largest <= high

    return holds


def _two_values(column: Column) -> bool:
    if column.get("distinct_count") != 2:
        return False
    if column["general_type"] == TEXT:
        return (column.get("max_length") or 0) <= 5
    return _within(0, 1)(column)


def _flag_name(column: Column) -> bool:
    words = rules.name_tokens(column["column_name"])
    return bool(words) and (words[0] in {"is", "has", "was", "can", "should"} or words[-1] in {"flag", "indicator"})


def _few_values(column: Column) -> bool:
    distinct = column.get("distinct_count") or 0
    return 0 < distinct <= FEW_VALUES and distinct * 5 <= _non_null(column) and (column.get("max_length") or 0) <= 50


def _mostly_us_states(column: Column) -> bool:
    return (column.get("distinct_count") or 0) >= 3 and _share_at_least("us_state_count", STATE_SHARE)(column)


# Conditions on a column's type and values: (the rule as docs/functional-types.md states it, the predicate).
CONDITIONS: dict[str, tuple[str, Callable[[Column], bool]]] = {
    "date_type": ("the data type is `date`", lambda column: column["data_type"] == "date"),
    "mostly_emails": (
        "at least 80% of the values look like e-mail addresses", _share_at_least("email_like_count", VALUE_SHARE)
    ),
    "mostly_phones": (
        "at least 80% of the values look like phone numbers", _share_at_least("phone_like_count", VALUE_SHARE)
    ),
    "mostly_urls": (
        "at least 80% of the values start with `http://`, `https://`, `ftp://` or `www.`",
        _share_at_least("url_like_count", VALUE_SHARE),
    ),
    "mostly_json": (
        "at least 80% of the values are wrapped in `{}` or `[]`", _share_at_least("json_like_count", VALUE_SHARE)
    ),
    "mostly_units": (
        "at least 80% of the values are a number with a unit (`1.2 kg`)",
        _share_at_least("number_unit_count", VALUE_SHARE),
    ),
    "mostly_us_states": (
        "at least 95% of the values are US state codes, over at least 3 distinct values", _mostly_us_states
    ),
    "year_range": ("every value is between 1000 and 2999", _within(1000, 2999)),
    "month_range": ("every value is between 1 and 12", _within(1, 12)),
    "two_values": ("exactly 2 distinct values: 0 and 1, or texts of at most 5 characters", _two_values),
    "flag_name": ("the name starts with is, has, was, can or should, or ends with flag or indicator", _flag_name),
    "two_decimals": (
        "the data type is a decimal with 2 decimal places",
        lambda column: re.fullmatch(r"decimal\(\d+,2\)", column["data_type"]) is not None,
    ),
    "floating": ("the data type is `float` or `double`", lambda column: column["data_type"] in ("float", "double")),
    "few_values": (
        "at most 50 distinct values, at most a fifth of the values, none longer than 50 characters", _few_values
    ),
    "long_text": (
        "the average length is at least 40 characters", lambda column: (column.get("avg_length") or 0) >= LONG_TEXT
    ),
}


@dataclass(frozen=True)
class FunctionalRule:
    functional_type: str
    general_types: tuple[str, ...]
    names: tuple[str, ...] = ()  # name words, matched as whole words anywhere in the name: `city` in `ship_city`
    condition: str | None = None  # a key of CONDITIONS; with names, both must hold

    def matches(self, column: Column, words: list[str]) -> bool:
        if column["general_type"] not in self.general_types:
            return False
        if self.names and not any(_contains_words(words, name.split("_")) for name in self.names):
            return False
        return self.condition is None or CONDITIONS[self.condition][1](column)


def _contains_words(words: list[str], wanted: list[str]) -> bool:
    width = len(wanted)
    return any(words[start : start + width] == wanted for start in range(len(words) - width + 1))


_T, _N, _TN = (TEXT,), (NUMERIC,), (TEXT, NUMERIC)
FUNCTIONAL_RULES: tuple[FunctionalRule, ...] = (
    FunctionalRule("boolean", (BOOLEAN,)),
    FunctionalRule("date", (DATE,), condition="date_type"),
    FunctionalRule("timestamp", (DATE,)),
    FunctionalRule("email", _T, ("email", "e_mail", "mail", "emailaddress")),
    FunctionalRule("email", _T, condition="mostly_emails"),
    FunctionalRule("phone", _T, ("phone", "mobile", "telephone", "fax", "phonenumber")),
    FunctionalRule("phone", _T, condition="mostly_phones"),
    FunctionalRule("url", _T, ("url", "uri", "website", "homepage", "link")),
    FunctionalRule("url", _T, condition="mostly_urls"),
    FunctionalRule("json", _T, ("json",)),
    FunctionalRule("json", _T, condition="mostly_json"),
    FunctionalRule("zip_code", _TN, ("zip", "zipcode", "zip3", "zip5", "postal_code", "postcode", "post_code")),
    FunctionalRule("us_state", _T, ("state", "state_code", "state_province")),
    FunctionalRule("us_state", _T, condition="mostly_us_states"),
    FunctionalRule("country", _T, ("country", "nation")),
    FunctionalRule("city", _T, ("city", "town", "municipality")),
    FunctionalRule("address", _T, ("address", "addr", "street", "address1", "address2", "addr1", "addr2")),
    FunctionalRule("person_given_name", _T, ("first_name", "firstname", "given_name", "forename", "fname")),
    FunctionalRule("person_family_name", _T, ("last_name", "lastname", "surname", "family_name", "lname")),
    FunctionalRule(
        "person_name", _T,
        ("full_name", "person_name", "customer_name", "contact_name", "employee_name", "client_name", "patient_name",
         "author", "fullname"),
    ),
    FunctionalRule(
        "description", _T,
        ("description", "desc", "comment", "comments", "note", "notes", "remark", "remarks", "summary", "message"),
    ),
    FunctionalRule("percent", _N, ("percent", "pct", "percentage", "rate", "ratio", "share")),
    FunctionalRule(
        "amount", _N,
        ("amount", "amt", "price", "cost", "total", "revenue", "balance", "fee", "salary", "tax", "payment", "sales",
         "spend", "income", "charge", "subtotal"),
    ),
    FunctionalRule(
        "quantity", _N, ("qty", "quantity", "count", "cnt", "units", "stock", "inventory", "number_of", "items")
    ),
    FunctionalRule("period_year", _N, ("year", "yr"), "year_range"),
    FunctionalRule("period_month", _N, ("month", "mon"), "month_range"),
    FunctionalRule("period_month", _T, ("month",)),
    FunctionalRule(
        "measurement", _TN,
        ("weight", "height", "length", "width", "depth", "size", "volume", "temperature", "temp", "distance", "mass",
         "area", "speed", "duration", "kg", "lbs", "grams", "cm", "mm", "km", "miles"),
    ),
    FunctionalRule("measurement", _T, condition="mostly_units"),
    FunctionalRule("flag", _TN, condition="flag_name"),
    FunctionalRule("flag", _TN, condition="two_values"),
    FunctionalRule("code", _T, ("code", "cd", "abbreviation", "abbr", "iso")),
    FunctionalRule("amount", _N, condition="two_decimals"),
    FunctionalRule("measurement", _N, condition="floating"),
    FunctionalRule("category", _T, condition="few_values"),
    FunctionalRule("free_text", _T, condition="long_text"),
)


def infer_functional_type(column: Column, key_role: str | None) -> str:
    """The column's functional type: its key role if it has one, else the first rule that matches."""
    if key_role:
        return key_role
    words = rules.name_tokens(column["column_name"])
    for rule in FUNCTIONAL_RULES:
        if rule.matches(column, words):
            return rule.functional_type
    return UNKNOWN
