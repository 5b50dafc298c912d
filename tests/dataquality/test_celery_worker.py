"""A real Celery worker, on the configured broker (the embedded one by default, Redis in CI's second
pass), picks up a poll task and completes the run from the payload Databricks holds."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from dataquality.models import ProfileRun
from dataquality.tasks import poll_profile_run_task
from tests.dataquality.stub_databricks import StubDatabricks

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = {
    "status": "completed",
    "row_count": 7,
    "anomalies": [{"table_name": "sales.orders", "column_name": "email", "anomaly_type": "potential_pii",
                   "severity": "high", "description": "Name hint 'email'"}],
}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(queue: str, databricks_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DATABRICKS_HOST": databricks_url,
        "DATABRICKS_TOKEN": "worker-test-token",
        "DATABRICKS_ALLOWED_HOSTS": "",
    }
    command = [sys.executable, "-m", "celery", "-A", "conversioncentral", "worker", "-Q", queue,
               "--pool", "solo", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)


def test_worker_completes_a_run_from_its_payload(table_group):
    run = ProfileRun.objects.create(
        table_group=table_group, status="running", databricks_run_id="9001",
        payload_path=f"dbfs:/conversioncentral/profiles/{table_group.pk}/x.json",
    )
    queue = f"test-{uuid.uuid4().hex}"
    finished = {"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}}
    with StubDatabricks(finished, PAYLOAD) as databricks:
        worker = _start_worker(queue, databricks.url)
        try:
            poll_profile_run_task.apply_async(args=[str(run.pk)], queue=queue)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not ProfileRun.objects.get(pk=run.pk).is_final:
                assert worker.poll() is None, "the worker exited"
                time.sleep(0.5)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    run.refresh_from_db()
    assert run.status == "completed" and run.row_count == 7
    assert run.anomalies.get().anomaly_type == "potential_pii"
    assert "/api/2.2/jobs/runs/get" in databricks.requests
