"""A real Celery worker, and a real beat, on the configured broker (the embedded one by default, Redis in CI's
second pass): the monitor's sweep, sent by hand or scheduled by beat, completes a run from the payload
Databricks holds."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from dataquality.models import ProfileRun
from dataquality.tasks import reconcile_profile_runs_task
from tests.dataquality.stub_databricks import StubDatabricks

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = {
    "status": "completed",
    "row_count": 7,
    "anomalies": [{"table_name": "sales.orders", "column_name": "email", "anomaly_type": "potential_pii",
                   "severity": "high", "description": "Name hint 'email'"}],
}
FINISHED = {"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}}
BEAT_INTERVAL_SECONDS = 2


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _celery(queue: str, databricks_url: str, *arguments: str) -> subprocess.Popen:
    """`celery -A conversioncentral ARGUMENTS...` against the test database, with `queue` as its only queue."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABRICKS_HOST": databricks_url,
        "DATABRICKS_TOKEN": "worker-test-token",
        "DATABRICKS_ALLOWED_HOSTS": "",
        "PROFILE_RUN_SWEEP_INTERVAL_SECONDS": str(BEAT_INTERVAL_SECONDS),
    }
    command = [sys.executable, "-m", "celery", "-A", "conversioncentral", *arguments, "--loglevel", "WARNING"]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)


def _worker(queue: str, databricks_url: str) -> subprocess.Popen:
    return _celery(queue, databricks_url, "worker", "-Q", queue, "--pool", "solo", "--without-gossip", "--without-mingle")


def _stuck_run(table_group) -> ProfileRun:
    """A run Databricks finished an hour ago whose callback never came."""
    return ProfileRun.objects.create(
        table_group=table_group, status="running", databricks_run_id="9001",
        started_at=timezone.now() - timedelta(hours=1),
        payload_path=f"dbfs:/conversioncentral/profiles/{table_group.pk}/x.json",
    )


def _wait_until_final(run: ProfileRun, processes: list[subprocess.Popen], seconds: float = 90) -> ProfileRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not ProfileRun.objects.get(pk=run.pk).is_final:
        for process in processes:
            assert process.poll() is None, f"celery {process.args[5]} exited"
        time.sleep(0.5)
    run.refresh_from_db()
    return run


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def _assert_completed_from_payload(run: ProfileRun, databricks: StubDatabricks) -> None:
    assert run.status == "completed" and run.row_count == 7
    assert run.anomalies.get().anomaly_type == "potential_pii"
    assert "/api/2.2/jobs/runs/get" in databricks.requests


def test_worker_runs_the_sweep_it_is_sent(table_group):
    run = _stuck_run(table_group)
    queue = f"test-{uuid.uuid4().hex}"
    with StubDatabricks(FINISHED, PAYLOAD) as databricks:
        processes = [_worker(queue, databricks.url)]
        try:
            reconcile_profile_runs_task.apply_async(queue=queue, expires=120)
            run = _wait_until_final(run, processes)
        finally:
            _stop(processes)
    _assert_completed_from_payload(run, databricks)


def test_beat_schedules_the_sweep_and_the_worker_reconciles_a_run(table_group, tmp_path):
    assert "reconcile-profile-runs" in settings.CELERY_BEAT_SCHEDULE
    run = _stuck_run(table_group)
    queue = f"test-{uuid.uuid4().hex}"
    with StubDatabricks(FINISHED, PAYLOAD) as databricks:
        processes = [
            _worker(queue, databricks.url),
            _celery(queue, databricks.url, "beat", "--schedule", str(tmp_path / "beat-schedule")),
        ]
        try:
            run = _wait_until_final(run, processes)
        finally:
            _stop(processes)
    _assert_completed_from_payload(run, databricks)
