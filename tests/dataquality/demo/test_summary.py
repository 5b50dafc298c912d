"""The demo's closing summary, from API answers."""

from dataquality.demo.summary import render_summary

RESULTS = {
    "tables": [
        {"schema_name": "shop", "table_name": "customers", "row_count": 60000, "column_count": 2, "error": None,
         "columns": [
             {"column_name": "customer_id", "data_type": "bigint", "functional_type": "id", "row_count": 60000,
              "null_count": 0,
              "distinct_count": 59878, "distinct_count_approximate": True, "min_value": "0", "max_value": "60000"},
             {"column_name": "middle_name", "data_type": "string", "row_count": 60000, "null_count": 60000,
              "distinct_count": 0, "distinct_count_approximate": True, "min_value": None, "max_value": None},
         ]},
    ]
}
ANOMALIES = [
    {"table_name": "shop.customers", "column_name": "middle_name", "anomaly_type": "no_values", "severity": "high",
     "description": "All 60000 values are null"},
    {"table_name": "shop.customers", "column_name": "first_name", "anomaly_type": "leading_spaces",
     "severity": "low", "description": "863 of 60000 (1.4%) non-null values start with whitespace"},
    {"table_name": "shop.customers", "column_name": "customer_id", "anomaly_type": "duplicate_key_values",
     "severity": "high", "description": "122 values occur more than once"},
    {"table_name": "shop.orders", "column_name": None, "anomaly_type": "row_count_drop", "severity": "high",
     "description": "fewer rows"},
]


def test_summary_lists_tables_columns_and_anomalies_by_severity():
    text = render_summary(RESULTS, ANOMALIES)
    lines = text.splitlines()

    assert "Tables profiled (1)" in lines
    assert any("shop.customers" in line and "60,000 rows" in line and "2 columns" in line for line in lines)
    header = next(line for line in lines if line.strip().startswith("column"))
    assert header.split() == ["column", "type", "holds", "rows", "nulls", "distinct", "min", "max"]
    assert next(line for line in lines if "customer_id" in line and "bigint" in line).split() == [
        "customer_id", "bigint", "id", "60,000", "0", "~59,878", "0", "60000"]
    # A payload of an older notebook has no functional type.
    assert next(line for line in lines if "middle_name" in line and "string" in line).split() == [
        "middle_name", "string", "-", "60,000", "60,000", "0", "-", "-"]
    assert "Anomalies (4)" in lines
    high, low = lines.index("  HIGH (3)"), lines.index("  LOW (1)")
    assert high < low
    assert "shop.customers.customer_id" in lines[high + 1] and "duplicate_key_values" in lines[high + 1]
    assert lines[high + 3].split()[:2] == ["shop.orders", "row_count_drop"]  # table-level: no column
    assert "leading_spaces" in lines[low + 1]


def test_long_values_are_cut():
    results = {"tables": [{**RESULTS["tables"][0], "columns": [
        {**RESULTS["tables"][0]["columns"][0], "max_value": "x" * 200}]}]}

    line = next(line for line in render_summary(results, []).splitlines() if "customer_id" in line and "bigint" in line)

    assert "x" * 200 not in line and line.endswith("…")
