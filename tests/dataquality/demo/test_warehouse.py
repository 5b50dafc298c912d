"""The demo warehouse: deterministic tables whose planted dirt raises most of the anomaly catalogue."""

import pytest

from dataquality.demo import warehouse
from notebooks.dq_profiler.catalogue import ANOMALY_TYPES_BY_ID
from notebooks.dq_profiler.engine import TableSource, profile_tables

pytestmark = pytest.mark.spark
SCALE = 0.02
# Every catalogue type except row_count_drop, which needs a previous run of the group.
PLANTED = set(ANOMALY_TYPES_BY_ID) - {"row_count_drop"}


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
    assert {anomaly["anomaly_type"] for anomaly in payload["anomalies"]} == PLANTED
