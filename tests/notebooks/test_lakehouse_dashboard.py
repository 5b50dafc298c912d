"""The dashboard queries of docs/lakehouse.md run, on local Spark, over result tables written with delta-rs."""

from __future__ import annotations

import re
from pathlib import Path

from deltalake import DeltaTable

from notebooks.dq_profiler.results_rows import RESULT_TABLES
from notebooks.dq_profiler.results_writers import spark_schema
from tests.notebooks.test_results_tables import engine_payload, write

DOC = Path(__file__).resolve().parents[2] / "docs" / "lakehouse.md"


def dashboard_queries() -> list[str]:
    sql = re.search(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    return [statement.strip() for statement in sql.replace("main.dq.", "").split(";") if statement.strip()]


def test_the_dashboard_queries_count_rows_and_open_anomalies(spark, tmp_path):
    payload = engine_payload()
    earlier = {**payload, "completed_at": "2026-01-01T00:00:00Z"}
    write(tmp_path, earlier, "run-1")
    write(tmp_path, payload, "run-2")
    for table in RESULT_TABLES:
        rows = DeltaTable(str(tmp_path / table.name)).to_pyarrow_table().to_pylist()
        spark.createDataFrame(rows, schema=spark_schema(table)).createOrReplaceTempView(table.name)
    rows_query, anomalies_query = dashboard_queries()

    try:
        row_counts = spark.sql(rows_query).collect()
        anomalies = spark.sql(anomalies_query).collect()
    finally:  # the session is shared by the module's tests and others: leave its catalog as it was
        for table in RESULT_TABLES:
            spark.catalog.dropTempView(table.name)

    assert [(row.table_name, row.row_count) for row in row_counts] == [("golden.seed_table", payload["row_count"])] * 2
    assert sum(row.anomalies for row in anomalies) == 2 * len(payload["anomalies"])
    assert sum(row.anomalies for row in anomalies if row.is_open) == len(payload["anomalies"])
