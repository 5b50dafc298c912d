"""Unchanged tables (contract section 12.2): reused from the last completed run instead of scanned."""

from __future__ import annotations

import os

from notebooks.dq_profiler.runtime.job import profile_unchanged_once
from notebooks.dq_profiler.runtime.manifest import Manifest, TableRef
from notebooks.dq_profiler.runtime.reuse import file_fingerprint_reader
from notebooks.dq_profiler.runtime.settings import RuntimeSettings

PREVIOUS_RUN = "0b7c3d1e-0000-4000-8000-0000000000aa"
ORDERS, CUSTOMERS = TableRef("sales", "orders"), TableRef("sales", "customers")
PREVIOUS_CUSTOMERS = {
    "profile_run_id": PREVIOUS_RUN,
    "delta_version": 7,
    "table": {"schema_name": "sales", "table_name": "customers", "row_count": 500, "column_count": 1, "error": None,
              "sampled": False, "columns": [{"column_name": "email", "null_count": 3, "top_values": []}]},
    "anomalies": [{"table_name": "sales.customers", "column_name": "email", "anomaly_type": "potential_pii",
                   "severity": "high", "description": "PII", "detected_at": "2026-01-01T00:00:00Z"}],
}


class Engine:
    def __init__(self):
        self.scanned = []

    def __call__(self, spark, sources, options):
        self.scanned.extend(source.qualified_name for source in sources)
        tables = [{"schema_name": s.schema_name, "table_name": s.table_name, "row_count": 10, "column_count": 1,
                   "error": None, "sampled": False, "columns": []} for s in sources]
        return {"status": "completed", "row_count": 10 * len(tables), "anomaly_count": 0, "anomalies": [],
                "tables": tables, "error_message": None, "sampled": False}


def run(versions, previous):
    engine = Engine()
    manifest = Manifest(profile_run_id="r", table_group_id="1", source="api", catalog="main", previous_tables=previous)
    settings = RuntimeSettings(read_table_version=lambda catalog, table: versions.get(table.key))
    document = profile_unchanged_once(None, manifest, [ORDERS, CUSTOMERS], settings=settings, profile=engine)
    return engine.scanned, document


def test_a_table_still_at_its_profiled_version_is_reused_not_scanned():
    scanned, document = run({"sales.orders": 3, "sales.customers": 7}, {"sales.customers": PREVIOUS_CUSTOMERS})

    assert scanned == ["sales.orders"]
    orders, customers = document["tables"]
    assert orders["delta_version"] == 3 and "reused_from" not in orders
    assert customers == {**PREVIOUS_CUSTOMERS["table"], "delta_version": 7, "reused_from": PREVIOUS_RUN}
    assert document["anomalies"] == PREVIOUS_CUSTOMERS["anomalies"] and document["anomaly_count"] == 1
    assert (document["row_count"], document["status"]) == (510, "completed")


def test_a_table_at_another_version_or_without_one_is_scanned():
    assert run({"sales.orders": 3, "sales.customers": 8}, {"sales.customers": PREVIOUS_CUSTOMERS})[0] == [
        "sales.orders", "sales.customers"]
    assert run({"sales.orders": 3}, {"sales.customers": PREVIOUS_CUSTOMERS})[0] == ["sales.orders", "sales.customers"]


def test_without_previous_tables_everything_is_scanned():
    """What the manifest of a `force_full` run says."""
    scanned, document = run({"sales.orders": 3, "sales.customers": 7}, {})

    assert scanned == ["sales.orders", "sales.customers"]
    assert [table["delta_version"] for table in document["tables"]] == [3, 7]


def test_a_local_table_version_moves_when_a_file_is_written(tmp_path):
    table = tmp_path / "orders"
    table.mkdir()
    part = table / "part-0.parquet"
    part.write_bytes(b"x")
    read = file_fingerprint_reader({("sales", "orders"): str(table)})
    first = read("main", TableRef("Sales", "Orders"))

    assert read("main", ORDERS) == first  # unchanged: the same version
    os.utime(part, ns=(first + 1_000_000, first + 1_000_000))
    assert read("main", ORDERS) > first
    assert read("main", CUSTOMERS) is None
