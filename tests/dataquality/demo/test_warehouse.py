"""The demo warehouse: deterministic tables whose planted dirt raises most of the anomaly catalogue."""

import pytest

from dataquality.demo import warehouse
from notebooks.dq_profiler.catalogue import ANOMALY_TYPES_BY_ID
from notebooks.dq_profiler.engine import TableSource, profile_tables

pytestmark = pytest.mark.spark
SCALE = 0.02
# The types the demo does not plant: a shop's data does not hold them naturally (a zip3, US states in a column named
# otherwise, a text column of over 1000 largely unique values at the tests' 2% scale, ...). The recency types are
# judged against today, which the demo's fixed dates would flip as the months pass: they are left out of the check.
# (column_pattern_mismatch is raised without a planting of its own: signup_date's 'not a date' values.)
NOT_PLANTED = {
    "small_numeric_value_count", "potential_duplicates", "unexpected_emails",
    "unexpected_us_states", "invalid_zip3_usa", "non_alpha_name_address", "multiple_types_major",
    "table_pattern_mismatch",
}
DEPENDS_ON_TODAY = {"recency_one_year", "recency_six_months"}
PLANTED = set(ANOMALY_TYPES_BY_ID) - NOT_PLANTED - DEPENDS_ON_TODAY


@pytest.fixture(scope="module")
def data_dir(spark, tmp_path_factory):
    path = tmp_path_factory.mktemp("demo-data")
    warehouse.generate_warehouse(path, scale=SCALE, spark=spark)
    return path


def _rows(spark, data_dir, table):
    return sorted(spark.read.parquet(str(warehouse.table_path(data_dir, table))).collect())


def test_tables_are_written_where_the_stand_in_reads_them(spark, data_dir):
    for spec in warehouse.table_specs(SCALE):
        location = data_dir / "warehouse" / "main" / "shop" / spec.name
        assert spark.read.parquet(str(location)).count() == spec.rows
    assert warehouse.is_generated(data_dir, scale=SCALE)
    assert not warehouse.is_generated(data_dir, scale=1.0)


def test_same_scale_gives_the_same_rows(spark, data_dir, tmp_path):
    warehouse.generate_warehouse(tmp_path, scale=SCALE, spark=spark)

    for table in ("customers", "payments"):
        assert _rows(spark, tmp_path, table) == _rows(spark, data_dir, table)


def test_a_current_warehouse_is_kept(data_dir):
    marker = data_dir / "warehouse" / "main" / "shop" / warehouse.MARKER_FILE
    before = marker.stat().st_mtime_ns

    warehouse.generate_warehouse(data_dir, scale=SCALE, spark=None)  # would need Spark if it regenerated

    assert marker.stat().st_mtime_ns == before


def test_profile_raises_every_planted_anomaly_type(spark, data_dir):
    sources = [
        TableSource("shop", spec.name, lambda s, path=str(warehouse.table_path(data_dir, spec.name)): s.read.parquet(path))
        for spec in warehouse.table_specs(SCALE)
    ]

    payload = profile_tables(spark, sources)

    assert payload["status"] == "completed"
    assert {anomaly["anomaly_type"] for anomaly in payload["anomalies"]} - DEPENDS_ON_TODAY == PLANTED
    # The references to another table's key are no keys with duplicates: only the planted real key is (the SKUs'
    # duplicates are too rare for the tests' 40 products).
    duplicates = [
        (anomaly["table_name"], anomaly["column_name"])
        for anomaly in payload["anomalies"] if anomaly["anomaly_type"] == "duplicate_key_values"
    ]
    assert duplicates == [("shop.customers", "customer_id")]
    functional_types = {
        (table["table_name"], column["column_name"]): column["functional_type"]
        for table in payload["tables"] for column in table["columns"]
    }
    assert functional_types["orders", "customer_id"] == functional_types["payments", "order_id"] == "id_foreign"
    assert functional_types["customers", "zip"] == "zip_code"
