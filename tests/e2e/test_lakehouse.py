"""Results in the lakehouse and unchanged tables, end to end through the stand-in (contract section 12).

The stand-in maps a `results_schema` `main.dq` to `<data dir>/lakehouse/main/dq`; the tables there are read back with
delta-rs. Spark jobs are counted from the notebook's Spark event log: a job reads a table when the plan of its SQL
execution scans that table's files.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from deltalake import DeltaTable

from dataquality.demo.warehouse import table_path
from notebooks.dq_profiler.results_rows import RESULT_TABLES

RESULTS_SCHEMA = "main.dq"
TABLES = ("customers", "orders", "payments", "products")


class SparkEventLogs:
    """The event logs of the notebooks started while it is in place, one file per notebook run."""

    def __init__(self, directory: Path, monkeypatch) -> None:
        directory.mkdir()
        self.directory = directory
        monkeypatch.setenv(
            "PYSPARK_SUBMIT_ARGS",
            f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://{directory} pyspark-shell",
        )
        self._seen: set[Path] = set()

    def jobs_reading(self, paths: dict[str, Path]) -> dict[str, int]:
        """Jobs per table of the notebook runs since the last call, by the table files their plans scan."""
        new = set(self.directory.iterdir()) - self._seen
        self._seen |= new
        plans, jobs = {}, []
        for log in new:
            for line in log.read_text(encoding="utf-8").splitlines():
                event = json.loads(line)
                if event["Event"].endswith("SparkListenerSQLExecutionStart"):
                    plans[str(event["executionId"])] = event["physicalPlanDescription"]
                elif event["Event"] == "SparkListenerJobStart":
                    jobs.append((event.get("Properties") or {}).get("spark.sql.execution.id"))
        return {name: sum(1 for execution in jobs if str(path) in plans.get(execution, "")) for name, path in paths.items()}


def delta_rows(lakehouse: Path, table: str, run_id: str) -> list[dict]:
    rows = DeltaTable(str(lakehouse / table)).to_pyarrow_table().to_pylist()
    return [row for row in rows if row["profile_run_id"] == run_id]


def run_to_completion(rest_api, group_id: int, **body) -> dict:
    response = rest_api.post(f"/data-quality/table-groups/{group_id}/profile-runs", body or None)
    assert response.status_code == 202, response.text
    run = rest_api.wait_until_final(response.json()["profile_run_id"])
    assert run["status"] == "completed", run
    return run


def test_results_go_to_delta_tables_and_unchanged_tables_are_reused(
    rest_api, workspace, table_group, e2e_data_dir, tmp_path, monkeypatch
):
    logs = SparkEventLogs(tmp_path / "spark-events", monkeypatch)
    paths = {name: table_path(e2e_data_dir, name) for name in TABLES}
    lakehouse = Path(e2e_data_dir) / "lakehouse" / "main" / "dq"
    group_id = table_group["id"]
    patched = rest_api.session.patch(f"{rest_api.base_url}/data-quality/table-groups/{group_id}",
                                     json={"results_schema": RESULTS_SCHEMA}, timeout=30)
    assert patched.status_code == 200, patched.text

    # 1. A first run scans every table and writes the five tables.
    first = run_to_completion(rest_api, group_id)
    assert all(count > 0 for count in logs.jobs_reading(paths).values())
    assert sorted(entry.name for entry in lakehouse.iterdir()) == sorted(table.name for table in RESULT_TABLES)
    [run_row] = delta_rows(lakehouse, "dq_profile_runs", first["profile_run_id"])
    assert (run_row["status"], run_row["row_count"], run_row["table_count"]) == ("completed", first["row_count"], 4)
    columns = delta_rows(lakehouse, "dq_profile_columns", first["profile_run_id"])
    assert len(columns) == 46  # the demo warehouse's columns
    pii = {(row["table_name"], row["column_name"]) for row in delta_rows(lakehouse, "dq_profile_anomalies", first["profile_run_id"])
           if row["anomaly_type"] == "potential_pii"}
    assert pii
    values = delta_rows(lakehouse, "dq_profile_column_values", first["profile_run_id"])
    assert not {(row["table_name"], row["column_name"]) for row in values if row["kind"] == "value"} & pii

    # 2. Nothing changed: no table is read again, each is reported from the first run.
    second = run_to_completion(rest_api, group_id)
    assert logs.jobs_reading(paths) == dict.fromkeys(TABLES, 0)
    detail = rest_api.run(second["profile_run_id"])
    assert {(t["table_name"], t["reused_from"]) for t in detail["reused_tables"]} == {
        (name, first["profile_run_id"]) for name in TABLES}
    assert second["row_count"] == first["row_count"]
    assert len(delta_rows(lakehouse, "dq_profile_columns", second["profile_run_id"])) == 46

    # 3. One table's files are written (here: touched): that table alone is read again.
    newer = time.time() + 5
    for file in paths["products"].rglob("*"):
        os.utime(file, (newer, newer))
    third = run_to_completion(rest_api, group_id)
    jobs = logs.jobs_reading(paths)
    assert jobs["products"] > 0 and [jobs[name] for name in TABLES if name != "products"] == [0, 0, 0]
    reused = {t["table_name"] for t in rest_api.run(third["profile_run_id"])["reused_tables"]}
    assert reused == set(TABLES) - {"products"}

    # 4. force_full reads everything again.
    forced = run_to_completion(rest_api, group_id, force_full=True)
    assert all(count > 0 for count in logs.jobs_reading(paths).values())
    assert rest_api.run(forced["profile_run_id"])["reused_tables"] == []

    # Every run is in the lakehouse once.
    runs = [row["profile_run_id"] for row in DeltaTable(str(lakehouse / "dq_profile_runs")).to_pyarrow_table().to_pylist()]
    expected = [run["profile_run_id"] for run in (first, second, third, forced)]
    assert sorted(runs) == sorted(expected)
