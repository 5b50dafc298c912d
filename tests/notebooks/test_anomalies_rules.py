"""The anomaly rules and thresholds on hand-made column metrics: no Spark needed."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from notebooks.dq_profiler import rules
from notebooks.dq_profiler.anomalies import (
    COLUMN_CHECKS, RUN_DIFFERENCES, TABLE_CHECKS, detect_anomalies, detect_run_anomalies,
)
from notebooks.dq_profiler.catalogue import ANOMALY_TYPES, ANOMALY_TYPES_BY_ID, COLUMN, RUN, TABLE
from notebooks.dq_profiler.thresholds import DEFAULT_THRESHOLDS, resolve_thresholds

REPO_ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 6, 1)
TEXT_COUNTS = (
    "blank_count", "leading_space_count", "quoted_count", "numeric_like_count", "date_like_count",
    "email_like_count", "phone_like_count", "ssn_like_count", "card_like_count", "true_word_count",
    "false_word_count", "yes_word_count", "no_word_count", "number_unit_count", "non_printing_count",
    "upper_case_count", "mixed_case_count", "delimited_count", "url_like_count", "json_like_count", "us_state_count",
    "no_letter_count", "non_alpha_prefix_count", "us_zip_count", "us_zip3_count",
)


def column(name="col", general_type="text", rows=100, nulls=0, distinct=50, **metrics):
    document = {
        "column_name": name, "general_type": general_type, "data_type": "string", "row_count": rows,
        "null_count": nulls, "distinct_count": distinct, "min_value": None, "max_value": None,
        "before_1900_count": None, "top_values": [], "top_patterns": [], "duplicated_value_count": None,
        "functional_type": "unknown", "max_length": None, "distinct_count_approximate": True,
        "standardized_match_value_count": None, "standardized_match_form_count": None,
        **dict.fromkeys(TEXT_COUNTS, 0 if general_type == "text" else None),
    }
    document.update(metrics)
    return document


def found(*columns, thresholds=None, row_count=100):
    table = {"schema_name": "s", "table_name": "t", "row_count": row_count, "columns": list(columns)}
    anomalies = detect_anomalies(table, thresholds=resolve_thresholds(thresholds), detected_at="x", today=TODAY)
    return {(a["anomaly_type"], a["severity"]) for a in anomalies}


def test_every_catalogue_type_has_a_rule_of_its_scope_and_every_rule_an_entry():
    rules_by_scope = {
        COLUMN: set(COLUMN_CHECKS), TABLE: set(TABLE_CHECKS), RUN: {type_id for type_id, *_ in RUN_DIFFERENCES}
    }
    assert set.union(*rules_by_scope.values()) == set(ANOMALY_TYPES_BY_ID)
    assert len(ANOMALY_TYPES_BY_ID) == len(ANOMALY_TYPES)
    for scope, type_ids in rules_by_scope.items():
        assert {ANOMALY_TYPES_BY_ID[type_id].scope for type_id in type_ids} == {scope}


def test_catalogue_threshold_keys_exist():
    for anomaly_type in ANOMALY_TYPES:
        assert set(anomaly_type.threshold_keys) <= set(DEFAULT_THRESHOLDS)
        assert anomaly_type.severity in {"low", "medium", "high"}


def test_null_ratio_severity_rises_at_the_severe_threshold():
    assert ("high_null_ratio", "medium") in found(column(nulls=50))
    assert ("high_null_ratio", "high") in found(column(nulls=90))
    assert not {a for a in found(column(nulls=49)) if a[0] == "high_null_ratio"}


def test_threshold_overrides_change_the_outcome():
    assert ("high_null_ratio", "medium") in found(column(nulls=30), thresholds={"high_null_ratio": 0.25})


def test_unknown_threshold_keys_are_ignored_and_bad_values_refused():
    assert resolve_thresholds({"not_a_threshold": 3}) == DEFAULT_THRESHOLDS
    with pytest.raises(ValueError, match="high_null_ratio"):
        resolve_thresholds({"high_null_ratio": "half"})


def test_a_column_of_blanks_is_reported_once_as_no_values():
    assert found(column(distinct=1, blank_count=100)) == {("no_values", "high")}


def test_all_numeric_text_is_not_a_mismatch_but_a_suggested_type():
    assert found(column(numeric_like_count=100)) == {("suggested_type", "medium")}
    assert not found(column(numeric_like_count=100, functional_type="code"))
    assert found(column(numeric_like_count=100, card_like_count=100)) == {("potential_pii", "high")}  # identifiers


def test_a_zip_column_of_digits_is_judged_as_zip_codes_not_as_numbers_in_text():
    zips = dict(numeric_like_count=97, us_zip_count=97, blank_count=0)
    assert ("char_column_number_values", "medium") in found(column(**zips))
    assert found(column(name="zip", functional_type="zip_code", **zips)) == {("invalid_zip_usa", "medium")}
    assert ("char_column_number_values", "medium") in found(column(numeric_like_count=96))


def test_unlikely_dates_far_in_the_future():
    dates = dict(general_type="date", before_1900_count=0, min_value="2020-01-01")
    assert found(column(max_value="2055-05-31", **dates)) == set()
    assert found(column(max_value="2055-06-02 00:00:00", **dates)) == {("unlikely_date_values", "medium")}


def test_boolean_mismatch_needs_one_side_to_dominate():
    assert ("boolean_value_mismatch", "medium") in found(column(distinct=3, true_word_count=70))
    assert not found(column(distinct=3, true_word_count=70, false_word_count=10))
    assert not found(column(distinct=30, yes_word_count=2))


def test_small_divergent_value_count_ignores_booleans():
    top = [{"value": "x", "count": 98}, {"value": "y", "count": 2}]
    assert ("small_divergent_value_count", "low") in found(column(distinct=2, top_values=top))
    assert not found(column(general_type="boolean", distinct=2, top_values=top))


@pytest.mark.parametrize(
    ("name", "hint"),
    [("customerEmail", "email"), ("Phone Number", "phone"), ("ssn", "ssn"), ("date_of_birth", "date_of_birth"),
     ("credit_card_no", "credit_card"), ("classname", None), ("business_unit", None), ("cardinality", None)],
)
def test_pii_name_hints(name, hint):
    assert rules.pii_name_hint(name) == hint


@pytest.mark.parametrize(
    ("name", "data_type", "distinct", "expected"),
    [("id", "bigint", 95, True), ("orders_id", "int", 95, True), ("order_number", "decimal(12,0)", 95, True),
     ("sku", "string", 100, True), ("customer_id", "bigint", 100, False), ("quantity", "int", 100, False),
     ("id", "double", 100, False), ("id", "bigint", 89, False), ("id", "bigint", 1, False)],
)
def test_key_candidates_need_the_tables_own_key_name_and_nearly_all_distinct(name, data_type, distinct, expected):
    candidate = rules.is_key_candidate(
        role=rules.key_role(name, "orders"), data_type=data_type, distinct_count=distinct, non_null_count=100,
        min_distinct_ratio=DEFAULT_THRESHOLDS["key_distinct_min_ratio"],
    )
    assert candidate is expected


@pytest.mark.parametrize(
    ("name", "table", "run_tables", "role"),
    [("customer_id", "orders", (), "id_foreign"), ("customer_id", "customers", (), "id"),
     ("CustomerID", "dim_customer", (), "id"), ("order_item_id", "order_items", (), "id"),
     ("item_id", "order_items", (), "id"), ("item_id", "order_items", ("items",), "id_foreign"),
     ("order_number", "orders", (), "id"), ("order_number", "payments", (), None),
     ("order_number", "payments", ("orders",), "id_foreign"), ("category_code", "categories", (), "id"),
     ("country_code", "customers", (), None), ("phone_number", "customers", (), None), ("uuid", "events", (), "id"),
     ("quantity", "orders", (), None), ("address_key", "addresses", (), "id")],
)
def test_key_roles(name, table, run_tables, role):
    assert rules.key_role(name, table, run_tables) == role


def test_thresholds_and_catalogue_import_without_pyspark():
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "from notebooks.dq_profiler.thresholds import DEFAULT_THRESHOLDS\n"
        "from notebooks.dq_profiler.catalogue import ANOMALY_TYPES\n"
        "from notebooks.dq_profiler.anomalies import detect_anomalies\n"
        "print(len(ANOMALY_TYPES))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert result.stdout.strip() == str(len(ANOMALY_TYPES))


def _table(name, *columns, error=None):
    return {"schema_name": "s", "table_name": name, "row_count": 100, "error": error, "columns": list(columns)}


def test_run_types_compare_one_column_name_across_the_tables_of_a_run():
    patterned = lambda value: [{"value": value, "count": 100}]  # noqa: E731 - every value has this pattern
    tables = [
        _table("a", column("customer_id", "numeric", data_type="int"), column("code", top_patterns=patterned("AA-N")),
               column("created", "date", data_type="date")),
        _table("b", column("customer_id", "numeric", data_type="bigint"), column("code", top_patterns=patterned("NNN")),
               column("Created")),
        _table("c", column("customer_id", "numeric", data_type="bigint"), error="gone"),  # a failed table: left out
    ]
    raised = {
        (anomaly["anomaly_type"], anomaly["table_name"], anomaly["column_name"]): anomaly["description"]
        for anomaly in detect_run_anomalies(tables, detected_at="x")
    }
    assert set(raised) == {
        ("multiple_types_minor", "s.a", "customer_id"), ("multiple_types_minor", "s.b", "customer_id"),
        ("table_pattern_mismatch", "s.a", "code"), ("table_pattern_mismatch", "s.b", "code"),
        ("multiple_types_major", "s.a", "created"), ("multiple_types_major", "s.b", "Created"),
    }
    assert raised["multiple_types_major", "s.b", "Created"] == "The general type is text here, but a: date"


@pytest.mark.parametrize(
    ("newest", "expected"),
    [("2025-05-01", set()), ("2024-11-01", {("recency_six_months", "low")}),
     ("2024-05-01 10:00:00", {("recency_one_year", "low")}), ("2030-01-01", set())],
)
def test_recency_is_the_newest_date_over_the_tables_date_columns(newest, expected):
    dates = dict(general_type="date", before_1900_count=0, min_value="2001-01-01")
    old = column("updated", max_value="2001-01-01", **dates)
    birth = column("birth_date", max_value="2025-05-30", **dates)  # personal data says nothing of the table's age
    assert found(old, birth, column("shipped", max_value=newest, **dates)) - {("potential_pii", "high")} == expected


def test_a_flag_named_after_personal_data_is_no_pii():
    named = dict(name="sent_email", general_type="numeric", distinct=2)
    assert ("potential_pii", "high") in found(column(**named))
    assert not found(column(functional_type="flag", **named))
