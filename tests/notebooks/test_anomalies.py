"""The catalogue types of contract section 6 fire on planted data, and every type stays quiet on clean data, profiled
on local Spark. The types of section 13 are planted in test_hygiene_catalogue.py."""

import pytest

from notebooks.dq_profiler import profile_dataframe
from notebooks.dq_profiler.catalogue import ANOMALY_TYPES, ANOMALY_TYPES_BY_ID
from tests.notebooks.test_hygiene_catalogue import PLANTED as PLANTED_IN_A_RUN
from notebooks.dq_profiler.pii import WITHHELD_METRICS

ROWS = 100
# One column per anomaly type, each planted on rows chosen by id (0 .. 99).
PLANTED_SQL = f"""
SELECT CAST(NULL AS STRING) AS empty_col,
       CASE WHEN id < 60 THEN NULL ELSE id END AS mostly_null,
       CASE WHEN id < 5 THEN 'N/A' WHEN id < 8 THEN '  ' ELSE CONCAT('v', id % 7) END AS blanks,
       CASE WHEN id < 4 THEN CONCAT(' x', id) ELSE CONCAT('x', id) END AS padded,
       CASE WHEN id < 3 THEN '"quoted"' ELSE CONCAT('w', id) END AS wrapped,
       CASE WHEN id < 3 THEN 'abc' ELSE CAST(id * 7 AS STRING) END AS numbers_as_text,
       CASE WHEN id < 3 THEN 'later' ELSE CONCAT('2024-01-', LPAD(CAST(id % 28 + 1 AS STRING), 2, '0')) END AS dates_as_text,
       CASE WHEN id < 2 THEN 'B' ELSE 'A' END AS divergent,
       CASE WHEN id = 0 THEN DATE'1850-01-01' ELSE DATE_ADD(DATE'2020-01-01', CAST(id AS INT)) END AS old_dates,
       CASE WHEN id < 60 THEN 'Yes' ELSE 'unsure' END AS answered,
       CONCAT('user', id, '@example.com') AS contact,
       'same' AS constant,
       CASE WHEN id = 99 THEN 0 ELSE id END AS planted_id
FROM range({ROWS})
"""
PLANTED = {
    "no_values": "empty_col",
    "high_null_ratio": "mostly_null",
    "non_standard_blanks": "blanks",
    "leading_spaces": "padded",
    "quoted_values": "wrapped",
    "char_column_number_values": "numbers_as_text",
    "char_column_date_values": "dates_as_text",
    "small_divergent_value_count": "divergent",
    "unlikely_date_values": "old_dates",
    "boolean_value_mismatch": "answered",
    "potential_pii": "contact",
    "constant_column": "constant",
    "duplicate_key_values": "planted_id",
}
# Clean data that sits just inside each rule: all-numeric text, 30% nulls, true and false both, recent dates. (Text
# that is all dates is what suggested_type reports.)
CLEAN_SQL = f"""
SELECT id,
       CONCAT('name', id % 37) AS name,
       CAST(id * 1.25 AS DOUBLE) AS amount,
       DATE_SUB(CURRENT_DATE(), CAST(id AS INT)) AS created,
       id % 2 = 0 AS active,
       CASE id % 3 WHEN 0 THEN 'open' WHEN 1 THEN 'closed' ELSE 'pending' END AS status,
       LPAD(CAST(id AS STRING), 5, '0') AS zip,
       CASE WHEN id % 10 < 3 THEN NULL ELSE CONCAT('note ', id) END AS comment,
       CASE WHEN id % 2 = 0 THEN 'yes' ELSE 'no' END AS agreed
FROM range({ROWS})
"""


def _profile(spark, sql, table_name):
    return profile_dataframe(spark.sql(sql), schema_name="qa", table_name=table_name)


@pytest.fixture(scope="module")
def planted(spark):
    return _profile(spark, PLANTED_SQL, "planted")


@pytest.fixture(scope="module")
def clean(spark):
    return _profile(spark, CLEAN_SQL, "clean")


def test_every_catalogue_type_has_planted_data():
    assert set(PLANTED) | set(PLANTED_IN_A_RUN) == {anomaly_type.id for anomaly_type in ANOMALY_TYPES}
    assert not set(PLANTED) & set(PLANTED_IN_A_RUN)


@pytest.mark.parametrize("anomaly_type", [ANOMALY_TYPES_BY_ID[type_id] for type_id in PLANTED], ids=list(PLANTED))
def test_fires_on_planted_data(planted, anomaly_type):
    found = [a for a in planted["anomalies"] if a["anomaly_type"] == anomaly_type.id]
    assert [a["column_name"] for a in found] == [PLANTED[anomaly_type.id]]
    anomaly = found[0]
    assert anomaly["table_name"] == "qa.planted"
    assert anomaly["severity"] == anomaly_type.severity
    assert any(character.isdigit() for character in anomaly["description"])  # states the measured figure
    assert anomaly["detected_at"].endswith("Z")


@pytest.mark.parametrize("anomaly_type", ANOMALY_TYPES, ids=lambda anomaly_type: anomaly_type.id)
def test_quiet_on_clean_data(clean, anomaly_type):
    assert [a for a in clean["anomalies"] if a["anomaly_type"] == anomaly_type.id] == []


def test_values_of_potential_pii_are_withheld_but_counts_and_patterns_kept(planted):
    contact = next(column for column in planted["columns"] if column["column_name"] == "contact")
    assert contact["top_values"] == []
    assert (contact["min_value"], contact["max_value"]) == (None, None)
    assert contact["email_like_count"] == ROWS
    assert contact["top_patterns"][0]["value"].startswith("aaaaN")


def test_a_numeric_pii_column_reports_no_mean_or_deviation(spark):
    """Two SSNs as numbers: mean and standard deviation would give both back, so they never leave the workspace."""
    table = _profile(spark, "SELECT * FROM VALUES (123456789L), (987654321L) AS people(ssn)", "people")
    (ssn,) = table["columns"]
    assert [a["anomaly_type"] for a in table["anomalies"] if a["column_name"] == "ssn"] == ["potential_pii"]
    assert [ssn[name] for name in WITHHELD_METRICS] == [None] * len(WITHHELD_METRICS)
    assert ssn["top_values"] == [] and ssn["row_count"] == 2


def test_an_empty_table_raises_no_column_anomalies(spark):
    empty = spark.sql(PLANTED_SQL).limit(0)
    table = profile_dataframe(empty, schema_name="qa", table_name="empty")
    assert table["row_count"] == 0
    assert table["anomalies"] == []

