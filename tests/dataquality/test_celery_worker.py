"""A real Celery worker, and a real beat, on the configured broker (the embedded one by default, Redis in CI's
second pass): the monitor's sweep, sent by hand or scheduled by beat, completes a run from the payload
Databricks holds, and relaunches a run stuck in queued."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from dataquality.models import Dataset, ProfileRun, TableGroup
from dataquality.tasks import reconcile_profile_runs_task
from tests.dataquality.celery_processes import start_celery, start_worker, stop
from tests.dataquality.stub_databricks import JOBS, StubDatabricks

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = {
    "status": "completed",
    "row_count": 7,
    "anomalies": [{"table_name": "sales.orders", "column_name": "email", "anomaly_type": "potential_pii",
                   "severity": "high", "description": "Name hint 'email'"}],
}
FINISHED = {"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}}
# What the worker and beat read from their environment: the sweep every 2 s, and what a relaunch needs.
MONITOR_ENV = {
    "PROFILE_RUN_SWEEP_INTERVAL_SECONDS": "2",
    "PROFILE_RUN_LAUNCH_INTERVAL_SECONDS": "2",
    "DATABRICKS_PROFILE_NOTEBOOK_PATH": "/Repos/dq/conversioncentral/notebooks/profiling",
    "DATABRICKS_PROFILE_CALLBACK_URL": "http://127.0.0.1:8000",
    "DATABRICKS_PROFILE_CALLBACK_SECRET": "monitor-test-callback-secret",
}


def _stuck_run(table_group) -> ProfileRun:
    """A run Databricks finished an hour ago whose callback never came."""
    return ProfileRun.objects.create(
        table_group=table_group, status="running", databricks_run_id="9001",
        started_at=timezone.now() - timedelta(hours=1),
        payload_path=f"dbfs:/conversioncentral/profiles/{table_group.pk}/x.json",
    )


def _wait_until_final(run: ProfileRun, *processes, seconds: float = 90) -> ProfileRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not ProfileRun.objects.get(pk=run.pk).is_final:
        assert all(process.poll() is None for process in processes), "a Celery process exited"
        time.sleep(0.5)
    run.refresh_from_db()
    return run


def _assert_completed_from_payload(run: ProfileRun, databricks: StubDatabricks) -> None:
    assert run.status == "completed" and run.row_count == 7
    assert run.anomalies.get().anomaly_type == "potential_pii"
    assert f"{JOBS}/runs/get" in databricks.requests


def test_worker_runs_the_sweep_it_is_sent(table_group):
    run = _stuck_run(table_group)
    queue = f"test-{uuid.uuid4().hex}"
    with StubDatabricks(FINISHED, PAYLOAD) as databricks:
        worker = start_worker(queue, databricks.url, **MONITOR_ENV)
        try:
            reconcile_profile_runs_task.apply_async(queue=queue, expires=120)
            run = _wait_until_final(run, worker)
        finally:
            stop(worker)
    _assert_completed_from_payload(run, databricks)


def test_beat_schedules_the_sweep_and_the_launcher_and_the_worker_runs_them(table_group, tmp_path):
    run = _stuck_run(table_group)
    other_group = TableGroup.objects.create(dataset=Dataset.objects.get(), name="customers", schema_name="crm")
    stuck_in_queue = ProfileRun.objects.create(table_group=other_group, status="queued")  # waits for a launch slot
    ProfileRun.objects.filter(pk=stuck_in_queue.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    queue = f"test-{uuid.uuid4().hex}"
    env = {**MONITOR_ENV, "CELERY_TASK_DEFAULT_QUEUE": queue}
    with StubDatabricks(FINISHED, PAYLOAD) as databricks:
        worker = start_worker(queue, databricks.url, **env)
        beat = start_celery(["beat", "--schedule", str(tmp_path / "beat-schedule")], databricks.url, **env)
        try:
            run = _wait_until_final(run, worker, beat)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and ProfileRun.objects.get(pk=stuck_in_queue.pk).status == "queued":
                time.sleep(0.5)
        finally:
            stop(beat, worker)
    _assert_completed_from_payload(run, databricks)
    stuck_in_queue.refresh_from_db()
    assert stuck_in_queue.status == "running" and stuck_in_queue.databricks_run_id
    assert list(databricks.runs) == [str(stuck_in_queue.pk)]  # run-now carried the run's own token
