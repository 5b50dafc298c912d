"""Column classification rules shared by the Spark passes and the anomaly checks. Standard library only."""

from __future__ import annotations

import re
from collections.abc import Iterable

_INTEGER_TYPES = frozenset({"tinyint", "smallint", "int", "bigint"})
# Names that are a row's key by themselves, whatever the table.
_BARE_KEY_NAMES = frozenset({"id", "key", "uuid", "guid", "pk", "sku"})
# Last words of a name that say key: of the table's own rows when the rest of the name is the table, of another
# table's rows otherwise.
_KEY_SUFFIXES = frozenset({"id", "key", "uuid", "guid", "pk"})
# Last words that say key only when the rest of the name is a table: `order_number` in `orders` is its key,
# `phone_number` or `country_code` are not keys at all.
_REFERENCE_SUFFIXES = frozenset({"code", "number", "no", "num"})
# Words that prefix warehouse table names without naming what the rows are.
_TABLE_PREFIXES = frozenset({"dim", "fact", "fct", "tbl", "stg", "raw", "src", "ref", "lkp"})
OWN_KEY, FOREIGN_KEY = "id", "id_foreign"

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


def singular(word: str) -> str:
    """English plural to singular, for table names: `categories`, `addresses`, `orders`."""
    for plural, single in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(plural) and len(word) > len(plural) + 1:
            return word[: -len(plural)] + single
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 2 else word


def _row_names(table_name: str) -> tuple[str, list[str]]:
    """What a table's rows are called: the whole name (`order_item` for `dim_order_items`) and its words."""
    table = name_tokens(table_name)
    while len(table) > 1 and table[0] in _TABLE_PREFIXES:
        table = table[1:]
    return singular("_".join(table)), table


def _names_rows_of(entity: str, table_name: str, *, or_its_last_words: bool = False) -> bool:
    """Whether `entity` (singular name words, `order_item`) names the rows of a table; with `or_its_last_words`,
    the table's last words count too (`item` in `order_items`)."""
    whole, words = _row_names(table_name)
    width = entity.count("_") + 1
    return entity == whole or (or_its_last_words and entity == singular("_".join(words[-width:])))


def key_role(column_name: str, table_name: str, run_tables: Iterable[str] = ()) -> str | None:
    """`id` for the table's own key, `id_foreign` for a reference to another table's key, None for no key name.

    `customer_id` is `orders`' reference to a customer (id_foreign) and `customers`' own key (id); `order_number`
    is a key in `orders` or, when the run has an `orders` table, a reference to it elsewhere; `phone_number` is
    neither. A name that is both (`item_id` in `order_items` when the run has `items`) is the other table's.
    """
    tokens = name_tokens(column_name)
    if "_".join(tokens) in _BARE_KEY_NAMES:
        return OWN_KEY
    if len(tokens) < 2 or tokens[-1] not in _KEY_SUFFIXES | _REFERENCE_SUFFIXES:
        return None
    entity = singular("_".join(tokens[:-1]))
    if _names_rows_of(entity, table_name):
        return OWN_KEY
    if any(_names_rows_of(entity, other) for other in run_tables if other != table_name):
        return FOREIGN_KEY
    if _names_rows_of(entity, table_name, or_its_last_words=True):
        return OWN_KEY
    return FOREIGN_KEY if tokens[-1] in _KEY_SUFFIXES else None


def has_key_type(data_type: str) -> bool:
    """Integer, string or decimal: the types a key is stored in. Floating point never qualifies."""
    return (
        data_type in _INTEGER_TYPES
        or data_type == "string"
        or data_type.startswith(("decimal", "varchar", "char", "string collate"))
    )


def is_key_candidate(
    *, role: str | None, data_type: str, distinct_count: int, non_null_count: int, min_distinct_ratio: float
) -> bool:
    """Whether a column should be checked for duplicates: the table's own key by name (`role`, see `key_role`),
    a key type, and nearly all values distinct. A reference to another table's key repeats by design, and a
    measure (a quantity, an amount) is never a key however unique its values happen to be."""
    if role != OWN_KEY or non_null_count < 2 or not has_key_type(data_type):
        return False
    return distinct_count >= min_distinct_ratio * non_null_count


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
