"""Real Celery beat and worker processes, on the configured broker (the embedded one by default, Redis in CI's
second pass): beat sends the schedule task, the worker starts the due group's run on a stub Databricks."""

import datetime as dt
import time
import uuid

import pytest
from django.utils import timezone

from dataquality.models import ProfileRun, TableGroup
from tests.dataquality.celery_processes import start_celery, start_worker, stop
from tests.dataquality.stub_databricks import JOBS, StubDatabricks

pytestmark = pytest.mark.django_db(transaction=True)

# The settings the launch needs, as the worker reads them from its environment.
LAUNCH_ENV = {
    "DATABRICKS_PROFILE_NOTEBOOK_PATH": "/Repos/dq/conversioncentral/notebooks/profiling",
    "DATABRICKS_PROFILE_CALLBACK_URL": "http://127.0.0.1:8000",
    "DATABRICKS_PROFILE_CALLBACK_SECRET": "beat-test-callback-secret",
    "PROFILE_SCHEDULE_CHECK_SECONDS": "1",
}


def test_beat_and_worker_start_a_due_group_once(table_group, tmp_path):
    # A yearly slot, made due by hand: its next slot is months away, so no second slot can fall due while the
    # test runs (with "*/5" one could, and the final check would race beat's next claim).
    TableGroup.objects.filter(pk=table_group.pk).update(
        schedule_cron="0 0 1 1 *", next_run_at=timezone.now() - dt.timedelta(minutes=1)
    )
    queue = f"test-{uuid.uuid4().hex}"
    env = {**LAUNCH_ENV, "CELERY_TASK_DEFAULT_QUEUE": queue}
    with StubDatabricks() as databricks:
        worker = start_worker(queue, databricks.url, **env)
        beat = start_celery(["beat", "--schedule", str(tmp_path / "beat-schedule")], databricks.url, **env)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not ProfileRun.objects.filter(status="running").exists():
                assert worker.poll() is None and beat.poll() is None, "a Celery process exited"
                time.sleep(0.5)
            time.sleep(3)  # a few more ticks: the claimed slot must not start again
        finally:
            stop(beat, worker)

    run = ProfileRun.objects.get()
    assert (run.table_group_id, run.requested_by, run.status) == (table_group.pk, "schedule", "running")
    assert run.databricks_job_id == "501" and run.databricks_run_id == "7001"
    assert databricks.requests.count(f"{JOBS}/run-now") == 1
    table_group.refresh_from_db()
    assert table_group.next_run_at > timezone.now()
