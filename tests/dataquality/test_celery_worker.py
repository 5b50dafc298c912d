"""A real Celery worker, on the configured broker (the embedded one by default, Redis in CI's second
pass), picks up a poll task and completes the run from the payload Databricks holds."""

import time
import uuid

import pytest

from dataquality.models import ProfileRun
from dataquality.tasks import poll_profile_run_task
from tests.dataquality.celery_processes import start_worker, stop
from tests.dataquality.stub_databricks import StubDatabricks

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = {
    "status": "completed",
    "row_count": 7,
    "anomalies": [{"table_name": "sales.orders", "column_name": "email", "anomaly_type": "potential_pii",
                   "severity": "high", "description": "Name hint 'email'"}],
}


def test_worker_completes_a_run_from_its_payload(table_group):
    run = ProfileRun.objects.create(
        table_group=table_group, status="running", databricks_run_id="9001",
        payload_path=f"dbfs:/conversioncentral/profiles/{table_group.pk}/x.json",
    )
    queue = f"test-{uuid.uuid4().hex}"
    finished = {"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}}
    with StubDatabricks(finished, PAYLOAD) as databricks:
        worker = start_worker(queue, databricks.url)
        try:
            poll_profile_run_task.apply_async(args=[str(run.pk)], queue=queue)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not ProfileRun.objects.get(pk=run.pk).is_final:
                assert worker.poll() is None, "the worker exited"
                time.sleep(0.5)
        finally:
            stop(worker)

    run.refresh_from_db()
    assert run.status == "completed" and run.row_count == 7
    assert run.anomalies.get().anomaly_type == "potential_pii"
    assert "/api/2.2/jobs/runs/get" in databricks.requests
