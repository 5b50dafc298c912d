"""Edge cases: every Spark type, awkward column names, empty tables, sampling and wide tables."""

import pytest

from notebooks.dq_profiler import ProfileOptions, profile_dataframe

TYPES_SQL = """
SELECT CAST(id / 4 AS DECIMAL(10, 2)) AS price,
       CASE WHEN id % 4 = 0 THEN CAST('NaN' AS DOUBLE) WHEN id % 4 = 1 THEN NULL ELSE CAST(id AS FLOAT) END AS reading,
       TIMESTAMP'2024-01-01 00:00:00' + make_interval(0, 0, 0, CAST(id AS INT)) AS happened,
       CAST(TIMESTAMP'1800-01-01 12:00:00' AS TIMESTAMP_NTZ) AS local_time,
       id % 2 = 0 AS flag,
       CAST(CONCAT('b', id % 3) AS BINARY) AS blob,
       named_struct('a', id, 'b', CAST(id AS STRING)) AS nested_struct,
       CASE WHEN id < 2 THEN NULL ELSE array(id, id + 1) END AS nested_array,
       map('k', id) AS nested_map,
       CAST(id AS STRING) AS `with space`,
       'dot' AS `with.dot`,
       CAST(id % 2 AS STRING) AS `back``tick`
FROM range(8)
"""


@pytest.fixture(scope="module")
def columns(spark):
    table = profile_dataframe(spark.sql(TYPES_SQL), schema_name="s", table_name="types")
    return {column["column_name"]: column for column in table["columns"]}


def test_decimal(columns):
    price = columns["price"]
    assert (price["data_type"], price["general_type"]) == ("decimal(10,2)", "numeric")
    assert (price["min_value"], price["max_value"], price["zero_count"]) == ("0.00", "1.75", 1)
    assert price["mean"] == pytest.approx(0.875)


def test_float_nan_and_null(columns):
    reading = columns["reading"]
    assert (reading["null_count"], reading["nan_count"], reading["min_value"], reading["max_value"]) == (2, 2, "2.0", "7.0")
    assert reading["mean"] == pytest.approx((2 + 3 + 6 + 7) / 4)


def test_timestamp_and_timestamp_ntz(columns):
    happened, local_time = columns["happened"], columns["local_time"]
    assert (happened["general_type"], happened["min_value"], happened["max_value"]) == ("date", "2024-01-01 00:00:00", "2024-01-08 00:00:00")
    assert (happened["future_count"], happened["before_1900_count"]) == (0, 0)
    assert (local_time["data_type"], local_time["general_type"], local_time["before_1900_count"]) == ("timestamp_ntz", "date", 8)


def test_boolean_and_binary(columns):
    assert (columns["flag"]["true_count"], columns["flag"]["false_count"]) == (4, 4)
    blob = columns["blob"]
    assert (blob["general_type"], blob["distinct_count"], blob["null_count"], blob["top_values"]) == ("binary", 3, 0, [])


@pytest.mark.parametrize("name", ["nested_struct", "nested_array", "nested_map"])
def test_nested_columns_get_counts(columns, name):
    column = columns[name]
    assert (column["general_type"], column["row_count"]) == ("nested", 8)
    assert column["null_count"] == (2 if name == "nested_array" else 0)


def test_awkward_column_names(columns):
    assert columns["with space"]["distinct_count"] == 8
    assert columns["with.dot"]["top_values"] == [{"value": "dot", "count": 8}]
    assert columns["back`tick"]["top_values"] == [{"value": "0", "count": 4}, {"value": "1", "count": 4}]


def test_empty_table(spark):
    table = profile_dataframe(spark.sql(TYPES_SQL).limit(0), schema_name="s", table_name="empty")
    assert (table["row_count"], table["column_count"], table["anomalies"]) == (0, 12, [])
    price = table["columns"][0]
    assert (price["row_count"], price["null_count"], price["distinct_count"], price["mean"], price["top_values"]) == (0, 0, 0, None, [])


def test_sampling_scales_counts_back_up(spark):
    df = spark.sql("SELECT id, CASE WHEN id % 4 = 0 THEN NULL ELSE 'x' END AS sparse FROM range(40000)")
    table = profile_dataframe(df, schema_name="s", table_name="big", options=ProfileOptions(sample_percent=10))
    sparse = table["columns"][1]
    assert (table["sampled"], table["row_count"], sparse["row_count"]) == (True, 40000, 40000)
    assert sparse["null_count"] == pytest.approx(10000, rel=0.1)
    assert sparse["top_values"][0]["count"] == pytest.approx(30000, rel=0.1)
    assert (sparse["distinct_count"], sparse["distinct_count_approximate"]) == (1, True)


def test_no_sampling_below_the_minimum_row_count(spark):
    options = ProfileOptions(sample_percent=10, sample_min_rows=1000)
    table = profile_dataframe(spark.range(500), schema_name="s", table_name="small", options=options)
    assert (table["sampled"], table["row_count"], table["columns"][0]["distinct_count"]) == (False, 500, 500)


def test_wide_table_is_chunked_and_every_column_profiled(spark):
    # Binary columns keep this fast (three aggregates each, no pass 2); the last chunk ends with real metrics.
    binary = [f"CAST(CAST(id % {index + 2} AS STRING) AS BINARY) AS b{index}" for index in range(201)]
    df = spark.range(30).selectExpr(*binary, "id % 3 AS tail_number", "CAST(id % 2 AS STRING) AS tail_text")
    table = profile_dataframe(df, schema_name="s", table_name="wide")
    assert table["column_count"] == 203
    assert [column["ordinal_position"] for column in table["columns"]] == list(range(1, 204))
    assert [column["distinct_count"] for column in table["columns"][:201]] == [min(index + 2, 30) for index in range(201)]
    tail_number, tail_text = table["columns"][201:]
    assert tail_number["top_values"] == [{"value": "0", "count": 10}, {"value": "1", "count": 10}, {"value": "2", "count": 10}]
    assert tail_text["top_patterns"] == [{"value": "N", "count": 30}]


def test_columns_per_pass_splits_the_columns(spark):
    df = spark.range(12).selectExpr(*[f"id % {index + 2} AS c{index}" for index in range(5)])
    table = profile_dataframe(df, schema_name="s", table_name="chunked", options=ProfileOptions(columns_per_pass=2))
    assert [column["distinct_count"] for column in table["columns"]] == [2, 3, 4, 5, 6]
