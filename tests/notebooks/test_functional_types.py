"""Functional types on hand-made column metrics: every type is inferred for a column that fits it. No Spark needed."""

from pathlib import Path

import pytest

from notebooks.dq_profiler import rules
from notebooks.dq_profiler.functional_types import CONDITIONS, FUNCTIONAL_RULES, FUNCTIONAL_TYPES, infer_functional_type

DOC = Path(__file__).resolve().parents[2] / "docs" / "functional-types.md"


def column(name, general_type="text", data_type=None, distinct=100, **metrics):
    default_type = {"text": "string", "numeric": "bigint", "date": "date", "boolean": "boolean"}[general_type]
    return {
        "column_name": name, "general_type": general_type, "data_type": data_type or default_type, "row_count": 100,
        "null_count": 0, "distinct_count": distinct, "min_value": None, "max_value": None, "max_length": 20,
        "avg_length": 8.0, **metrics,
    }


EXAMPLES = [
    ("id", column("id", "numeric"), "orders", ()),
    ("id_foreign", column("customer_id", "numeric", distinct=30), "orders", ("customers",)),
    ("person_name", column("customer_name"), "orders", ()),
    ("person_given_name", column("FirstName"), "people", ()),
    ("person_family_name", column("surname"), "people", ()),
    ("email", column("contact", email_like_count=90), "people", ()),
    ("phone", column("mobile"), "people", ()),
    ("address", column("street_address"), "people", ()),
    ("city", column("ship_city"), "orders", ()),
    ("us_state", column("home", distinct=5, us_state_count=100), "people", ()),
    ("zip_code", column("postal_code"), "people", ()),
    ("country", column("country_code"), "people", ()),
    ("url", column("homepage"), "shops", ()),
    ("code", column("reason_cd"), "returns", ()),
    ("category", column("status", distinct=4, max_length=9), "orders", ()),
    ("flag", column("is_gift", "numeric", "int", distinct=2, min_value="0", max_value="1"), "orders", ()),
    ("boolean", column("gift", "boolean", distinct=2), "orders", ()),
    ("measurement", column("weight", "numeric", "double"), "parcels", ()),
    ("amount", column("list_price", "numeric", "decimal(10,2)"), "products", ()),
    ("quantity", column("qty", "numeric", "int"), "order_lines", ()),
    ("percent", column("discount_pct", "numeric", "double"), "orders", ()),
    ("period_year", column("fiscal_year", "numeric", "int", min_value="1999", max_value="2024"), "budgets", ()),
    ("period_month", column("month", "numeric", "int", min_value="1", max_value="12"), "budgets", ()),
    ("date", column("ordered_on", "date"), "orders", ()),
    ("timestamp", column("shipped_at", "date", "timestamp"), "orders", ()),
    ("description", column("notes"), "orders", ()),
    ("free_text", column("feedback", avg_length=120.0), "reviews", ()),
    ("json", column("payload", json_like_count=100), "events", ()),
    ("unknown", column("misc", "numeric", "int"), "events", ()),
]


def test_every_functional_type_has_an_example():
    assert [functional_type for functional_type, *_ in EXAMPLES] == list(FUNCTIONAL_TYPES)


@pytest.mark.parametrize(("functional_type", "metrics", "table", "run_tables"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_inferred(functional_type, metrics, table, run_tables):
    role = rules.key_role(metrics["column_name"], table, run_tables)
    assert infer_functional_type(metrics, role) == functional_type


def test_a_measure_named_as_such_is_not_a_year_or_a_flag_by_accident():
    assert infer_functional_type(column("year", "numeric", "int", min_value="0", max_value="40"), None) == "unknown"
    two_scores = column("score", "numeric", "int", distinct=2, min_value="3", max_value="5")
    assert infer_functional_type(two_scores, None) == "unknown"


def test_the_docs_state_every_type_rule_and_condition():
    text = DOC.read_text(encoding="utf-8")
    for functional_type in FUNCTIONAL_TYPES:
        assert f"`{functional_type}`" in text
    for description, _ in CONDITIONS.values():
        assert description in text
    for rule in FUNCTIONAL_RULES:
        for name in rule.names:
            assert f"`{name}`" in text
