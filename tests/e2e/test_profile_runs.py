"""Profile runs end to end: REST API -> job on the stand-in -> the notebook on local Spark -> callback or sweep."""

from __future__ import annotations

import stat
from pathlib import Path

from django.db import connection
from django.utils import timezone

from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileRun
from dataquality.services.monitor.sweep import reconcile_profile_runs

# Planted in the small warehouse (see dataquality/demo/warehouse.py) and found at this scale.
EXPECTED_TYPES = {"no_values", "potential_pii", "constant_column", "duplicate_key_values", "high_null_ratio",
                  "leading_spaces", "quoted_values", "char_column_number_values"}
TABLES = {"customers", "orders", "payments", "products"}


def _sweep(profile_run_id: str) -> str:
    """The monitor's sweep, as beat runs it, on this run; what it did to it (completed, failed, ...)."""
    summary = reconcile_profile_runs(run_ids=[profile_run_id])
    assert summary.polled == 1, summary.line()
    return next(name for name in ("completed", "failed", "canceled", "relaunched", "untouched")
                if summary.counts()[name] == 1)


def _assert_profiled(rest_api, profile_run_id: str) -> None:
    run = rest_api.run(profile_run_id)
    assert run["status"] == "completed", run
    assert run["row_count"] == 2720 and run["anomaly_count"] > 0  # 500 + 20 + 1,200 + 1,000 rows
    anomalies = rest_api.get(f"/data-quality/profile-runs/{profile_run_id}/anomalies", page_size=500).json()
    assert anomalies["count"] == run["anomaly_count"] == ProfileAnomaly.objects.filter(profile_run=profile_run_id).count()
    assert EXPECTED_TYPES <= {anomaly["anomaly_type"] for anomaly in anomalies["results"]}
    results = rest_api.get(f"/data-quality/profile-runs/{profile_run_id}/results").json()
    assert {table["table_name"] for table in results["tables"]} == TABLES
    customers = next(table for table in results["tables"] if table["table_name"] == "customers")
    middle_name = next(column for column in customers["columns"] if column["column_name"] == "middle_name")
    assert middle_name["null_count"] == middle_name["row_count"] == customers["row_count"]
    assert ProfileColumn.objects.filter(profile_run=profile_run_id).count() == 46  # the demo warehouse's columns


def _owner_only_files(database: Path) -> dict[str, int]:
    """The database and its journals that exist, with their permission bits."""
    paths = [database, *(database.with_name(database.name + suffix) for suffix in ("-journal", "-wal", "-shm"))]
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in paths if path.exists()}


def test_run_completed_by_its_callback(rest_api, workspace, table_group, e2e_data_dir):
    summary = rest_api.start_run(table_group["id"])
    assert summary["status"] == "running" and summary["databricks_run_id"]

    run = rest_api.wait_until_final(summary["profile_run_id"])

    assert run["status"] == "completed", run
    _assert_profiled(rest_api, summary["profile_run_id"])
    # The callback comes before the notebook exits, so the Databricks run may still be RUNNING for a moment.
    assert workspace.wait_until_ended(summary["databricks_run_id"])["state"]["result_state"] == "SUCCESS"
    assert ProfileRun.objects.get(pk=summary["profile_run_id"]).last_polled_at is None  # the callback did it
    # Secrets on disk after the run: the stand-in's store (callback tokens) and the app's database (REST tokens).
    for database in (e2e_data_dir / "emulator.sqlite3", Path(connection.settings_dict["NAME"])):
        modes = _owner_only_files(database)
        assert database.name in modes and set(modes.values()) == {0o600}, modes


def test_run_without_callback_is_completed_from_its_payload(rest_api, workspace, table_group):
    workspace.faults(drop_callback=True)
    summary = rest_api.start_run(table_group["id"])

    ended = workspace.wait_until_ended(summary["databricks_run_id"])
    assert ended["state"]["result_state"] == "SUCCESS"
    assert rest_api.run(summary["profile_run_id"])["status"] == "running"  # no callback came

    assert _sweep(summary["profile_run_id"]) == "completed"
    _assert_profiled(rest_api, summary["profile_run_id"])


def test_canceled_run(rest_api, workspace, table_group):
    summary = rest_api.start_run(table_group["id"])
    workspace.wait_until_running(summary["databricks_run_id"])

    response = rest_api.post(f"/data-quality/profile-runs/{summary['profile_run_id']}/cancel")

    assert response.status_code == 202, response.text
    assert rest_api.run(summary["profile_run_id"])["status"] == "canceled"
    ended = workspace.wait_until_ended(summary["databricks_run_id"])
    assert ended["state"]["result_state"] == "CANCELED"
    assert not ProfileColumn.objects.filter(profile_run=summary["profile_run_id"]).exists()


def test_run_forced_to_fail(rest_api, workspace, table_group):
    workspace.faults(force_run_result="FAILED", force_run_count=1)
    summary = rest_api.start_run(table_group["id"])
    workspace.wait_until_ended(summary["databricks_run_id"])

    assert _sweep(summary["profile_run_id"]) == "failed"

    run = rest_api.run(summary["profile_run_id"])
    assert run["status"] == "failed"
    assert "FAILED" in run["error_message"]


def test_run_past_its_databricks_timeout(rest_api, workspace, table_group):
    # A first run (ended at once) makes the group's job; then someone shortens its timeout in the workspace.
    workspace.faults(force_run_result="FAILED", force_run_count=1)
    first = rest_api.start_run(table_group["id"])
    workspace.wait_until_ended(first["databricks_run_id"])
    _sweep(first["profile_run_id"])
    workspace.update_job(first["databricks_job_id"], timeout_seconds=3)  # less than the notebook needs

    summary = rest_api.start_run(table_group["id"])
    ended = workspace.wait_until_ended(summary["databricks_run_id"])
    assert ended["state"]["result_state"] == "TIMEDOUT"

    assert _sweep(summary["profile_run_id"]) == "failed"
    assert "timed out" in rest_api.run(summary["profile_run_id"])["error_message"]


def test_run_past_the_app_timeout_is_failed_and_canceled_on_databricks(rest_api, workspace, table_group, app_settings):
    summary = rest_api.start_run(table_group["id"])
    workspace.wait_until_running(summary["databricks_run_id"])
    # The sweep takes `started_at` from Databricks' own start time, so the run is made late by the timeout, not by
    # back-dating its row: with no minute allowed, the run now polled is past it.
    app_settings.PROFILE_RUN_TIMEOUT_MINUTES = 0

    assert _sweep(summary["profile_run_id"]) == "failed"

    run = rest_api.run(summary["profile_run_id"])
    assert run["status"] == "failed" and "Timed out" in run["error_message"]
    ended = workspace.wait_until_ended(summary["databricks_run_id"])
    assert ended["state"]["result_state"] == "CANCELED"  # the notebook was stopped


def test_429_burst_during_launch_starts_exactly_one_databricks_run(rest_api, workspace, table_group):
    # Every launch call (job look-up, creation, run-now) meets a 429 first; the run itself ends at once.
    workspace.faults(fail_requests=4, fail_status=429, retry_after=0.2, force_run_result="FAILED", force_run_count=1)

    summary = rest_api.start_run(table_group["id"])

    assert summary["status"] == "running"
    assert workspace.fault_settings()["fail_requests"] == 0  # the whole burst was met
    runs = workspace.runs_of_job(summary["databricks_job_id"])
    assert [str(run["run_id"]) for run in runs] == [summary["databricks_run_id"]]


def test_429_on_job_creation_leaves_the_run_queued_and_the_sweep_completes_it(rest_api, workspace, table_group):
    """Issue 22: a 429 asking for ten minutes on jobs/create no longer fails the run; the sweep launches it once
    the wait is over, and the notebook's callback completes it as one Databricks run."""
    workspace.faults(fail_requests=1, fail_status=429, fail_path="/jobs/create", retry_after=600)

    summary = rest_api.start_run(table_group["id"])

    assert summary["status"] == "queued" and "429" in summary["warnings"][0]
    ProfileRun.objects.filter(pk=summary["profile_run_id"]).update(next_launch_at=timezone.now())  # ten minutes on
    assert _sweep(summary["profile_run_id"]) == "relaunched"
    run = rest_api.wait_until_final(summary["profile_run_id"])
    assert run["status"] == "completed", run
    assert [str(each["run_id"]) for each in workspace.runs_of_job(run["databricks_job_id"])] == [run["databricks_run_id"]]
