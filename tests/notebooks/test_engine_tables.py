"""profile_tables: the whole payload document, concurrency, and failures isolated per table."""

import json

from notebooks.dq_profiler import ProfileOptions, TableSource, profile_tables
from notebooks.dq_profiler.version import ENGINE_VERSION

PAYLOAD_KEYS = {
    "status", "row_count", "anomaly_count", "anomalies", "tables", "error_message", "started_at", "completed_at",
    "profile_version", "sampled",
}


def _missing(spark):
    return spark.table("no_such_schema.no_such_table")


def test_a_failing_table_is_isolated_while_the_others_succeed(spark):
    sources = [
        TableSource("sales", "orders", lambda session: session.range(30).selectExpr("id AS order_id", "'same' AS kind")),
        TableSource("sales", "missing", _missing),
        TableSource("crm", "people", lambda session: session.range(12).selectExpr("id % 4 AS team")),
    ]
    payload = profile_tables(spark, sources, ProfileOptions(max_workers=2))

    assert set(payload) == PAYLOAD_KEYS
    assert (payload["status"], payload["error_message"], payload["row_count"]) == ("completed", None, 42)
    assert (payload["profile_version"], payload["sampled"]) == (ENGINE_VERSION, False)
    assert payload["started_at"] <= payload["completed_at"] and payload["completed_at"].endswith("Z")
    tables = {table["table_name"]: table for table in payload["tables"]}
    assert [table["table_name"] for table in payload["tables"]] == ["orders", "missing", "people"]
    assert tables["missing"]["error"].startswith("AnalysisException") and tables["missing"]["columns"] == []
    assert (tables["orders"]["error"], tables["orders"]["row_count"], tables["orders"]["column_count"]) == (None, 30, 2)
    assert {(a["table_name"], a["column_name"], a["anomaly_type"]) for a in payload["anomalies"]} == {
        ("sales.orders", "kind", "constant_column"),
    }
    assert payload["anomaly_count"] == 1
    assert all("anomalies" not in table for table in payload["tables"])
    json.dumps(payload, allow_nan=False)  # strict JSON: no NaN or infinity anywhere


def test_status_is_failed_only_when_every_table_failed(spark):
    payload = profile_tables(spark, [TableSource("a", "x", _missing), TableSource("b", "y", _missing)])
    assert (payload["status"], payload["row_count"], payload["anomaly_count"]) == ("failed", 0, 0)
    assert payload["error_message"].startswith("All 2 tables failed; first: a.x: AnalysisException")
