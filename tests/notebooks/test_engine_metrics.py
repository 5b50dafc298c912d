"""Pass 1 and pass 2 metrics on a generated table whose answers are known exactly."""

import pytest

from notebooks.dq_profiler import profile_dataframe

ROWS = 20_000
# Known shape, row by row (id = 0 .. ROWS-1):
#   category: a, b, c, null by id % 4            raw: one planted text kind per id % 10
#   amount: id % 100 - 10                         ratio: NaN when id % 1000 == 0, null when == 1
#   day: 2000-01-01 + id % 3000 days, 4 rows in 2999, 1 row in 1850     flag: id % 3 == 0
#   known_code: R{id % 19999} (one duplicate; the table's own key by name)      measure: id * 1.5
KNOWN_TABLE_SQL = f"""
SELECT id,
       CONCAT('R', CAST(id % 19999 AS STRING)) AS known_code,
       CASE id % 4 WHEN 0 THEN 'a' WHEN 1 THEN 'b' WHEN 2 THEN 'c' END AS category,
       CAST(id % 100 - 10 AS INT) AS amount,
       CASE id % 1000 WHEN 0 THEN CAST('NaN' AS DOUBLE) WHEN 1 THEN NULL ELSE id / 2.0 END AS ratio,
       CASE id % 10 WHEN 0 THEN ' padded' WHEN 1 THEN 'N/A' WHEN 2 THEN "'q'" WHEN 3 THEN '2024-03-15'
                    WHEN 4 THEN '123.5' WHEN 5 THEN 'x@y.com' ELSE 'plain' END AS raw,
       CASE WHEN id % 5000 = 0 THEN DATE'2999-01-01' WHEN id = 1 THEN DATE'1850-06-01'
            ELSE DATE_ADD(DATE'2000-01-01', CAST(id % 3000 AS INT)) END AS day,
       id % 3 = 0 AS flag,
       id * 1.5D AS measure
FROM range({ROWS})
"""


@pytest.fixture(scope="module")
def table(spark):
    return profile_dataframe(spark.sql(KNOWN_TABLE_SQL), schema_name="sales", table_name="known")


@pytest.fixture(scope="module")
def columns(table):
    return {column["column_name"]: column for column in table["columns"]}


def test_table_counts(table):
    assert (table["row_count"], table["column_count"], table["sampled"], table["error"]) == (ROWS, 9, False, None)
    assert [column["ordinal_position"] for column in table["columns"]] == list(range(1, 10))


def test_approximate_distinct_count_is_within_five_percent(columns):
    measure = columns["measure"]
    assert measure["distinct_count_approximate"] is True
    assert abs(measure["distinct_count"] - ROWS) <= 0.05 * ROWS
    assert measure["distinct_count"] <= ROWS


def test_key_candidates_get_exact_distinct_counts_from_the_duplicate_check(columns):
    assert (columns["id"]["distinct_count"], columns["id"]["distinct_count_approximate"]) == (ROWS, False)
    assert (columns["known_code"]["distinct_count"], columns["known_code"]["distinct_count_approximate"]) == (ROWS - 1, False)


def test_low_cardinality_columns_get_exact_top_values_and_distinct_counts(columns):
    category = columns["category"]
    assert category["null_count"] == 5000
    assert (category["distinct_count"], category["distinct_count_approximate"]) == (3, False)
    assert category["top_values"] == [{"value": "a", "count": 5000}, {"value": "b", "count": 5000}, {"value": "c", "count": 5000}]
    assert category["top_patterns"] == [{"value": "a", "count": 15000}]
    assert columns["flag"]["top_values"] == [{"value": "false", "count": 13333}, {"value": "true", "count": 6667}]


def test_high_cardinality_columns_get_no_top_values_but_patterns(columns):
    assert columns["known_code"]["top_values"] == []
    assert columns["known_code"]["top_patterns"][0] == {"value": "ANNNNN", "count": 9999}


def test_key_columns_are_checked_exactly_for_duplicates(columns):
    assert columns["id"]["duplicated_value_count"] == 0
    assert columns["known_code"]["duplicated_value_count"] == 1


def test_numeric_metrics(columns):
    amount = columns["amount"]
    assert (amount["min_value"], amount["max_value"]) == ("-10", "89")
    assert (amount["zero_count"], amount["negative_count"], amount["nan_count"]) == (200, 2000, None)
    assert amount["mean"] == pytest.approx(39.5)
    assert amount["p25"] == pytest.approx(14, abs=1)
    assert amount["p50"] == pytest.approx(39, abs=1)
    assert amount["p75"] == pytest.approx(64, abs=1)
    assert amount["stddev"] == pytest.approx(28.866, abs=0.01)


def test_nan_is_counted_apart_from_nulls_and_kept_out_of_statistics(columns):
    ratio = columns["ratio"]
    assert (ratio["null_count"], ratio["nan_count"]) == (20, 20)
    assert ratio["max_value"] == str((ROWS - 1) / 2.0)
    assert ratio["mean"] is not None and ratio["mean"] < ROWS / 2


def test_text_metrics(columns):
    raw = columns["raw"]
    assert (raw["min_length"], raw["max_length"]) == (3, 10)
    expected_average = (7 + 3 + 3 + 10 + 5 + 7 + 4 * 5) / 10
    assert raw["avg_length"] == pytest.approx(expected_average)
    assert {metric: raw[metric] for metric in (
        "leading_space_count", "blank_count", "quoted_count", "date_like_count", "numeric_like_count",
        "email_like_count", "phone_like_count", "ssn_like_count", "card_like_count",
    )} == {
        "leading_space_count": 2000, "blank_count": 2000, "quoted_count": 2000, "date_like_count": 2000,
        "numeric_like_count": 2000, "email_like_count": 2000, "phone_like_count": 0, "ssn_like_count": 0,
        "card_like_count": 0,
    }
    assert raw["top_values"][0] == {"value": "plain", "count": 8000}
    assert {"value": "NNNN-NN-NN", "count": 2000} in raw["top_patterns"]


def test_date_metrics(columns):
    day = columns["day"]
    assert (day["min_value"], day["max_value"]) == ("1850-06-01", "2999-01-01")
    assert (day["future_count"], day["before_1900_count"]) == (4, 1)


def test_boolean_metrics(columns):
    flag = columns["flag"]
    assert (flag["true_count"], flag["false_count"], flag["min_value"], flag["max_value"]) == (6667, 13333, "false", "true")


def test_type_specific_metrics_are_null_elsewhere(columns):
    assert columns["raw"]["mean"] is None and columns["amount"]["blank_count"] is None
    assert columns["flag"]["future_count"] is None and columns["day"]["true_count"] is None


def test_lists_are_counted_on_patterns_and_numbers_with_separators_are_not_lists(spark):
    """`delimited_count` is counted on the patterns; the numbers whose thousands separators give them a list's
    shape (1,000,003 ...), 1,000 distinct here, are taken off it value by value."""
    listing = """
        SELECT CASE id % 4 WHEN 0 THEN format_number(id * 1000003 + 1000000, 0) WHEN 1 THEN concat('a', id, ',b,c')
                           WHEN 2 THEN 'red|green|blue' ELSE 'plain' END AS listing
        FROM range(4000)
    """
    table = profile_dataframe(spark.sql(listing), schema_name="sales", table_name="listings")
    column = table["columns"][0]
    assert (column["delimited_count"], column["numeric_like_count"]) == (2000, 1000)
