"""Key candidates: the table's own key by name, chosen for the exact duplicate check from the estimated distinct
count with a margin, then confirmed on the exact count."""

import pytest
from pyspark.sql import types as T

from notebooks.dq_profiler import profile_dataframe, rules
from notebooks.dq_profiler.columns import ColumnSpec
from notebooks.dq_profiler.pass_two import KEY_RATIO_MARGIN, plan_pass_two
from notebooks.dq_profiler.thresholds import resolve_thresholds

ROWS = 20_000


def _planned_keys(estimated_distinct: int, name: str = "id", non_null: int = 10_000) -> tuple[int, ...]:
    spec = ColumnSpec(0, name, T.LongType(), "numeric")
    metrics = {0: {"row_count": non_null, "null_count": 0, "distinct_count": estimated_distinct}}
    roles = {0: rules.key_role(name, "orders")}
    return plan_pass_two([spec], metrics, roles, resolve_thresholds(None)).key_columns


def test_a_column_estimated_just_below_the_key_ratio_is_still_checked_exactly():
    assert 0 < KEY_RATIO_MARGIN < 0.1
    assert _planned_keys(9_000) == (0,)
    assert _planned_keys(8_900) == (0,)  # an estimate 1% low must not hide a key
    assert _planned_keys(8_000) == ()


def test_a_reference_or_a_measure_is_never_grouped_as_a_key():
    assert _planned_keys(10_000, "customer_id") == ()
    assert _planned_keys(10_000, "quantity") == ()


@pytest.fixture(scope="module")
def columns(spark):
    frame = spark.sql(
        f"SELECT CAST(id % {int(ROWS * 0.89)} AS STRING) AS t_key, "
        f"CAST(id % {ROWS - 100} AS STRING) AS t_id FROM range({ROWS})"
    )
    table = profile_dataframe(frame, schema_name="s", table_name="t")
    return {column["column_name"]: column for column in table["columns"]} | {"anomalies": table["anomalies"]}


def test_the_exact_count_decides_whether_a_grouped_column_is_a_key(columns):
    mostly = columns["t_key"]
    assert (mostly["distinct_count"], mostly["distinct_count_approximate"]) == (int(ROWS * 0.89), False)
    assert mostly["duplicated_value_count"] is None  # 89% distinct: not near one, no duplicate check reported
    nearly = columns["t_id"]
    assert (nearly["distinct_count"], nearly["duplicated_value_count"]) == (ROWS - 100, 100)
    duplicates = [a["column_name"] for a in columns["anomalies"] if a["anomaly_type"] == "duplicate_key_values"]
    assert duplicates == ["t_id"]
