"""The run monitor's sweep (`reconcile_profile_runs`), with Databricks faked at its HTTP boundary.

The sweep calls Databricks from its own threads, each with its own database connection, so these tests
commit their rows (`transaction=True`).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileResult, ProfileRun, ProfileRunStatus
from dataquality.services.results.completion import complete_profile_run
from dataquality.services.launch.profiling import DataQualityProfilingService
from dataquality.services.monitor.sweep import reconcile_profile_runs
from tests.dataquality.fixtures.callback import (
    complete_url,
    load_payload,
    make_profile_run,
    make_table_group,
    run_client,
    wide_payload,
)
from tests.dataquality.workspace import DBFS_READ, JOBS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("monitor_settings")]

SEED_PAYLOAD = {
    "status": "completed", "row_count": 123456, "anomaly_count": 2,
    "anomalies": [{"table_name": "schema.table", "column_name": "col_a", "anomaly_type": "null_ratio",
                   "severity": "medium", "description": "Null ratio exceeded 5%", "detected_at": "2025-11-19T15:12:03Z"}],
}


@pytest.fixture
def monitor_settings(databricks_settings, callback_secret):
    settings = databricks_settings
    settings.PROFILE_RUN_POLL_AFTER_MINUTES = 10
    settings.PROFILE_RUN_TIMEOUT_MINUTES = 180
    settings.PROFILE_RUN_QUEUED_GRACE_MINUTES = 5
    settings.PROFILE_RUN_POLL_INTERVAL_SECONDS = 30
    settings.PROFILE_RUN_SWEEP_BATCH_SIZE = 100
    settings.PROFILE_RUN_SWEEP_THREADS = 4
    settings.PROFILE_ALERT_EMAILS = []
    settings.PROFILE_ALERT_WEBHOOK_URL = ""
    return settings


def running(minutes_ago: float = 30, run_id: str = "9001", payload_path: str = "", **fields) -> ProfileRun:
    """A run Databricks accepted `minutes_ago`, in a group of its own (one active run per group)."""
    group = make_table_group()
    return make_profile_run(
        group, databricks_run_id=run_id, started_at=timezone.now() - timedelta(minutes=minutes_ago),
        payload_path=payload_path or f"dbfs:/conversioncentral/profiles/{group.pk}/{run_id}.json", **fields,
    )


def queued(minutes_ago: float = 30) -> ProfileRun:
    """A run written and admitted `minutes_ago` whose launch never reached Databricks (the process died in between)."""
    run = make_profile_run(make_table_group(), status=ProfileRunStatus.QUEUED, databricks_run_id=None, databricks_job_id=None)
    run.payload_path = f"dbfs:/conversioncentral/profiles/{run.table_group_id}/{run.pk}.json"
    run.created_at = run.admitted_at = timezone.now() - timedelta(minutes=minutes_ago)
    run.save(update_fields=["payload_path", "created_at", "admitted_at"])
    return run


def reloaded(run: ProfileRun) -> ProfileRun:
    return ProfileRun.objects.get(pk=run.pk)


def snapshot() -> list[tuple]:
    """Everything the sweep could write, to compare before and after."""
    runs = ProfileRun.objects.order_by("pk").values_list(
        "pk", "status", "last_polled_at", "completed_at", "error_message", "databricks_run_id", "failure_alert_sent_at"
    )
    rows = [model.objects.count() for model in (ProfileAnomaly, ProfileResult, ProfileColumn)]
    return [*runs, tuple(rows)]


# --- running runs: Databricks says success ----------------------------------------------------------


def test_success_without_callback_reads_the_payload_from_dbfs_in_chunks(workspace, monkeypatch):
    monkeypatch.setattr("dataquality.databricks.client.DBFS_READ_CHUNK", 256)
    run = running()
    document = json.dumps(load_payload("full_payload")).encode()
    assert len(document) > 3 * 256
    workspace.run_state(9001, "TERMINATED", "SUCCESS")
    workspace.dbfs_file(run.payload_path, document)
    before = timezone.now()

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.counts() == {"polled": 1, "completed": 1, "failed": 0, "canceled": 0, "relaunched": 0, "untouched": 0, "errors": 0}
    assert run.status == "completed" and run.table_count == 3 and run.anomaly_count == 2
    assert before <= run.completed_at <= timezone.now()  # our clock, not the payload's 2025 stamp
    assert len(workspace.file_reads()) == len(document) // 256 + 1
    assert ProfileResult.objects.filter(profile_run=run).count() == 3


def test_success_without_callback_reads_the_payload_from_a_volume(workspace):
    run = running(payload_path="/Volumes/main/dq/payloads/7/run 1.json")
    workspace.run_state(9001, "TERMINATED", "SUCCESS_WITH_FAILURES")
    workspace.volume_file("/Volumes/main/dq/payloads/7/run 1.json", json.dumps(SEED_PAYLOAD).encode())

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.completed == 1
    assert (run.status, run.row_count) == ("completed", 123456)
    assert run.anomalies.get().description == "Null ratio exceeded 5%"


def test_a_payload_saying_failed_fails_the_run_with_its_message(workspace):
    run = running()
    workspace.run_state(9001, "TERMINATED", "SUCCESS")
    workspace.dbfs_file(run.payload_path, json.dumps({"status": "failed", "error_message": "No tables matched"}).encode())

    summary = reconcile_profile_runs()

    assert summary.failed == 1
    assert (reloaded(run).status, reloaded(run).error_message) == ("failed", "No tables matched")


def test_success_without_a_payload_fails_the_run_with_a_clear_reason(workspace):
    run = running()
    workspace.run_state(9001, "TERMINATED", "SUCCESS")
    workspace.serves_dbfs()

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.failed == 1
    assert run.status == "failed"
    assert run.error_message == f"The Databricks run succeeded but wrote no payload at {run.payload_path}."


@pytest.mark.parametrize(
    ("document", "reason"),
    [(b"{not json", "is malformed"), (json.dumps({"status": "finished"}).encode(), "status")],
)
def test_success_with_a_malformed_payload_fails_the_run_with_a_clear_reason(workspace, document, reason):
    run = running()
    workspace.run_state(9001, "TERMINATED", "SUCCESS")
    workspace.dbfs_file(run.payload_path, document)

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.failed == 1 and run.status == "failed"
    assert run.error_message.startswith(f"The payload at {run.payload_path} is malformed") and reason in run.error_message
    assert not ProfileAnomaly.objects.exists()


# --- running runs: other Databricks answers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("life_cycle", "result", "status"),
    [
        ("TERMINATED", "FAILED", "failed"),
        ("TERMINATED", "TIMEDOUT", "failed"),
        ("TERMINATED", "CANCELED", "canceled"),
        ("SKIPPED", None, "failed"),
        ("INTERNAL_ERROR", None, "failed"),
    ],
)
def test_a_final_databricks_state_is_applied_with_its_reason(workspace, life_cycle, result, status):
    run = running()
    workspace.run_state(9001, life_cycle, result, message="Cluster terminated: driver OOM")

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert getattr(summary, status) == 1 and summary.polled == 1
    assert run.status == status and run.completed_at is not None
    assert life_cycle in run.error_message and "driver OOM" in run.error_message


def test_a_run_databricks_no_longer_knows_fails_with_a_clear_reason(workspace):
    run = running()
    workspace.unknown_run(9001)

    summary = reconcile_profile_runs()

    assert summary.failed == 1
    assert reloaded(run).error_message == "Databricks does not know run 9001 (any more)."


def test_a_live_run_is_left_running_and_stamped(workspace):
    run = running()
    workspace.run_state(9001, "RUNNING")

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.untouched == 1 and summary.details[str(run.pk)] == "untouched (running on Databricks)"
    assert run.status == "running" and run.last_polled_at is not None


def test_an_unknown_state_leaves_the_run_alone_and_is_logged_once(workspace, monitor_settings, caplog):
    monitor_settings.PROFILE_RUN_POLL_INTERVAL_SECONDS = 1
    run = running()
    workspace.run_state(9001, "HIBERNATING")
    caplog.set_level(logging.WARNING, logger="dataquality.services.monitor.reconcile")

    first = reconcile_profile_runs()
    ProfileRun.objects.filter(pk=run.pk).update(last_polled_at=None)  # due again
    second = reconcile_profile_runs()

    assert first.untouched == second.untouched == 1
    assert reloaded(run).status == "running"
    assert len(workspace.calls_to("runs/get")) == 2
    assert [r.message for r in caplog.records].count(
        f"Databricks reports run 9001 of profile run {run.pk} in a state this service does not know ('HIBERNATING'); "
        "left as running"
    ) == 1


def test_runs_not_due_are_not_asked_about(workspace):
    recent = running(minutes_ago=2)  # PROFILE_RUN_POLL_AFTER_MINUTES is 10: its callback may still come
    polled_lately = running(run_id="9002", last_polled_at=timezone.now() - timedelta(seconds=5))
    fresh_queue = queued(minutes_ago=1)  # still within the grace period of its launch
    finished = running(run_id="9003", status=ProfileRunStatus.COMPLETED)

    summary = reconcile_profile_runs()

    assert summary.polled == 0 and len(workspace.mock.calls) == 0
    assert [reloaded(run).last_polled_at for run in (recent, fresh_queue, finished)] == [None, None, None]
    assert reloaded(polled_lately).status == "running"


# --- queued runs and timeouts -----------------------------------------------------------------------


def test_a_queued_run_stuck_past_the_grace_period_is_relaunched_with_its_own_token(workspace):
    run = queued(minutes_ago=30)
    workspace.ready()

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.relaunched == 1
    assert run.status == "running" and run.databricks_run_id == "9001" and run.started_at is not None
    (body,) = workspace.bodies("run-now")
    assert body["idempotency_token"] == str(run.pk)
    assert body["job_parameters"]["profile_run_id"] == str(run.pk)


def test_a_launch_that_died_after_run_now_is_relaunched_with_the_same_token(workspace, monkeypatch, table_group):
    """The process died after Databricks accepted run-now but before the run was marked running: the relaunch
    repeats run-now with the same idempotency token, with which Databricks starts no second run."""
    workspace.ready()

    def worker_killed(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(DataQualityProfilingService, "_mark_running", worker_killed)
    with pytest.raises(RuntimeError):
        DataQualityProfilingService().start_profile_for_table_group(table_group=table_group)
    monkeypatch.undo()
    run = ProfileRun.objects.get(table_group=table_group)
    assert run.status == "queued"
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    ProfileRun.objects.filter(pk=run.pk).update(created_at=ten_minutes_ago, admitted_at=ten_minutes_ago)

    assert reconcile_profile_runs().relaunched == 1

    first, second = workspace.bodies("run-now")
    assert first["idempotency_token"] == second["idempotency_token"] == str(run.pk)
    assert first["job_parameters"] == second["job_parameters"]
    assert reloaded(run).status == "running"


def test_a_relaunch_databricks_refuses_fails_the_run(workspace):
    run = queued(minutes_ago=30)
    workspace.no_existing_jobs()
    workspace.refuses("create", 400, "INVALID_PARAMETER_VALUE", "Notebook not found")

    summary = reconcile_profile_runs()

    assert summary.failed == 1
    assert reloaded(run).status == "failed" and "Notebook not found" in reloaded(run).error_message


def test_a_run_past_the_timeout_is_canceled_on_databricks_and_failed(workspace):
    run = running(minutes_ago=181)
    workspace.run_state(9001, "RUNNING")
    workspace.accepts("runs/cancel")

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.failed == 1
    assert workspace.bodies("runs/cancel") == [{"run_id": 9001}]
    assert run.status == "failed" and run.error_message.startswith("Timed out: still RUNNING on Databricks after 180 minutes")


def test_a_late_callback_still_completes_a_timed_out_run(workspace, client):
    run = running(minutes_ago=181)
    workspace.run_state(9001, "RUNNING")
    workspace.accepts("runs/cancel")
    reconcile_profile_runs()

    response = run_client(run).post(complete_url(run.pk), SEED_PAYLOAD, format="json")

    assert response.status_code == 200
    assert reloaded(run).status == "completed" and reloaded(run).row_count == 123456


def test_a_run_that_finished_by_the_timeout_gets_its_outcome_not_a_timeout(workspace):
    run = running(minutes_ago=181)
    workspace.run_state(9001, "TERMINATED", "SUCCESS")
    workspace.dbfs_file(run.payload_path, json.dumps(SEED_PAYLOAD).encode())

    assert reconcile_profile_runs().completed == 1
    assert workspace.writes() == []


def test_a_queued_run_past_the_timeout_fails_without_a_relaunch(workspace):
    run = queued(minutes_ago=181)

    summary = reconcile_profile_runs()

    assert summary.failed == 1 and len(workspace.mock.calls) == 0
    assert reloaded(run).error_message == "Timed out: Databricks did not accept the run within 180 minutes."


# --- the sweep as a whole ---------------------------------------------------------------------------


def _a_bit_of_everything(workspace) -> dict[str, ProfileRun]:
    runs = {
        "completed": running(run_id="1"),
        "failed": running(run_id="2"),
        "canceled": running(run_id="3"),
        "live": running(run_id="4"),
        "timed_out": running(run_id="5", minutes_ago=200),
        "relaunched": queued(),
    }
    workspace.run_state(1, "TERMINATED", "SUCCESS")
    workspace.dbfs_file(runs["completed"].payload_path, json.dumps(SEED_PAYLOAD).encode())
    workspace.run_state(2, "TERMINATED", "FAILED", "boom")
    workspace.run_state(3, "TERMINATED", "CANCELED")
    workspace.run_state(4, "PENDING")
    workspace.run_state(5, "RUNNING")
    workspace.accepts("runs/cancel")
    workspace.ready()
    return runs


def test_one_sweep_handles_every_path_and_a_second_sweep_changes_nothing(workspace):
    runs = _a_bit_of_everything(workspace)

    first = reconcile_profile_runs()
    calls_after_first = len(workspace.mock.calls)
    state_after_first = snapshot()
    second = reconcile_profile_runs()

    assert first.line() == "polled 6, completed 1, failed 2, canceled 1, relaunched 1, untouched 1"
    assert {name: reloaded(run).status for name, run in runs.items()} == {
        "completed": "completed", "failed": "failed", "canceled": "canceled", "live": "running",
        "timed_out": "failed", "relaunched": "running",
    }
    assert second.polled == 0 and second.line() == "polled 0, completed 0, failed 0, canceled 0, relaunched 0, untouched 0"
    assert len(workspace.mock.calls) == calls_after_first
    assert snapshot() == state_after_first


def test_a_dry_run_only_reads_and_writes_nothing(workspace):
    _a_bit_of_everything(workspace)
    before = snapshot()

    summary = reconcile_profile_runs(dry_run=True)

    assert summary.line() == "Dry run, nothing written: polled 6, completed 1, failed 2, canceled 1, relaunched 1, untouched 1"
    assert snapshot() == before
    assert workspace.writes() == [] and workspace.mock.calls  # it did read
    assert reconcile_profile_runs().line() == "polled 6, completed 1, failed 2, canceled 1, relaunched 1, untouched 1"


def test_limit_bounds_the_runs_looked_at(workspace, monitor_settings):
    monitor_settings.PROFILE_RUN_SWEEP_BATCH_SIZE = 2  # several batches
    runs = [running(run_id=str(n)) for n in range(1, 6)]
    for n in range(1, 6):
        workspace.run_state(n, "RUNNING")

    assert reconcile_profile_runs(limit=3).polled == 3
    assert reconcile_profile_runs().polled == 2  # the two the first sweep left
    assert all(reloaded(run).last_polled_at for run in runs)


def test_run_ids_reconcile_those_runs_whether_due_or_not(workspace):
    chosen = running(minutes_ago=1, run_id="1")
    other = running(run_id="2")
    workspace.run_state(1, "TERMINATED", "FAILED")

    summary = reconcile_profile_runs(run_ids=[chosen.pk])

    assert summary.polled == 1 and summary.failed == 1
    assert reloaded(other).last_polled_at is None


# --- races and faults -------------------------------------------------------------------------------


def test_a_callback_landing_between_the_poll_and_the_state_change_wins(workspace):
    """The callback completes the run while the sweep reads the payload file: one set of rows, the callback's."""
    run = running()
    workspace.run_state(9001, "TERMINATED", "SUCCESS")
    polled_payload = json.dumps(wide_payload(2, 3, tag="poll")).encode()

    def read_while_the_callback_lands(request):
        complete_profile_run(profile_run_id=run.pk, payload=wide_payload(4, 2, tag="callback"), source="callback")
        return workspace._read_dbfs(request)

    workspace.dbfs_files[run.payload_path.removeprefix("dbfs:")] = polled_payload
    workspace.mock.add_callback("GET", DBFS_READ, callback=read_while_the_callback_lands)

    summary = reconcile_profile_runs()

    assert summary.untouched == 1 and summary.details[str(run.pk)] == "untouched (completed meanwhile)"
    assert reloaded(run).status == "completed"
    assert ProfileResult.objects.filter(profile_run=run).count() == 4
    assert set(ProfileColumn.objects.values_list("min_value", flat=True)) == {"callback-min"}


def test_a_callback_landing_before_a_databricks_failure_is_applied_wins(workspace):
    run = running()

    def failed_while_the_callback_lands(request):
        complete_profile_run(profile_run_id=run.pk, payload=SEED_PAYLOAD, source="callback")
        return 200, {}, json.dumps({"run_id": 9001, "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}})

    workspace.mock.add_callback("GET", f"{JOBS}/runs/get", callback=failed_while_the_callback_lands)

    summary = reconcile_profile_runs()

    assert summary.untouched == 1
    assert (reloaded(run).status, reloaded(run).error_message) == ("completed", "")
    assert ProfileAnomaly.objects.filter(profile_run=run).count() == 1


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 429, "json": {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"}},
        {"status": 503, "json": {"error_code": "TEMPORARILY_UNAVAILABLE", "message": "try later"}},
        {"body": requests.exceptions.ReadTimeout("read timed out")},
        {"body": requests.exceptions.ConnectionError("connection refused")},
    ],
    ids=["429", "503", "timeout", "connection-error"],
)
def test_databricks_trouble_leaves_runs_intact_for_the_next_sweep(workspace, failure):
    live = running(run_id="1")
    stuck = queued()
    earlier_poll = timezone.now() - timedelta(minutes=5)
    ProfileRun.objects.filter(pk=live.pk).update(last_polled_at=earlier_poll)
    workspace.run_get_fails(1, **failure)
    workspace.no_existing_jobs()
    workspace.accepts_create()
    workspace.mock.post(f"{JOBS}/run-now", **failure)
    def all_but_the_queued_run():
        return [row for row in snapshot() if row[0] != stuck.pk]

    before = all_but_the_queued_run()

    summary = reconcile_profile_runs()

    assert summary.untouched == 2 and summary.errors == 2
    assert "left for the next sweep after a Databricks error" in summary.line()
    assert reloaded(live).last_polled_at == earlier_poll and reloaded(stuck).status == "queued"
    assert all_but_the_queued_run() == before
    assert reloaded(stuck).next_launch_at > timezone.now()  # the launch waits out its backoff
    assert reloaded(stuck).error_message.startswith("Databricks could not take the launch yet")

    workspace.mock.reset()
    workspace.run_state(1, "TERMINATED", "FAILED", "boom")
    workspace.accepts_run_now()
    assert reloaded(stuck).table_group.profiling_job_id  # the first attempt created the job
    ProfileRun.objects.filter(pk=stuck.pk).update(next_launch_at=timezone.now(), last_polled_at=None)  # time passed

    again = reconcile_profile_runs()

    assert (again.failed, again.relaunched, again.errors) == (1, 1, 0)
    assert reloaded(live).status == "failed" and reloaded(stuck).status == "running"
    assert (reloaded(stuck).error_message, reloaded(stuck).next_launch_at) == ("", None)


# --- the command and the admin ----------------------------------------------------------------------


def test_the_command_prints_a_one_line_summary(workspace, capsys):
    _a_bit_of_everything(workspace)

    call_command("reconcile_profile_runs", "--dry-run")
    call_command("reconcile_profile_runs", "--limit", "2")

    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "Dry run, nothing written: polled 6, completed 1, failed 2, canceled 1, relaunched 1, untouched 1",
        lines[1],
    ]
    assert lines[1].startswith("polled 2, ")


def test_the_command_reconciles_one_run_by_id(workspace, capsys):
    run = running(minutes_ago=1)
    workspace.run_state(9001, "TERMINATED", "CANCELED")

    call_command("reconcile_profile_runs", "--run", str(run.pk), "--details")

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{run.pk}: canceled (Databricks state TERMINATED, result CANCELED")
    assert out[-1] == "polled 1, completed 0, failed 0, canceled 1, relaunched 0, untouched 0"


def test_the_command_refuses_a_bad_run_id():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not a profile run id"):
        call_command("reconcile_profile_runs", "--run", "42")
