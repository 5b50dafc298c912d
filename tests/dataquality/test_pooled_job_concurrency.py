"""Two workers launching groups of one workspace at once, in pooled mode: one pooled job is created.

Runs on PostgreSQL (CI's second pass): SQLite serialises writers, so it cannot show the race.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from dataquality.models import PooledJob, TableGroup
from dataquality.services.launch.profiling import DataQualityProfilingService

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_create_one_pooled_job(workspace, table_group, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions")
    settings.DATABRICKS_JOB_MODE = "pooled"
    workspace.ready()
    second = TableGroup.objects.create(dataset=table_group.dataset, name="invoices", catalog="main", schema_name="billing")
    barrier = threading.Barrier(2, timeout=30)  # a worker that fails first must fail the test, not hang it
    stored_job = DataQualityProfilingService._stored_job

    def stored_then_wait(self, client, target):
        found = stored_job(self, client, target)  # both workers have seen no pooled job before either creates it
        barrier.wait()
        return found

    monkeypatch.setattr(DataQualityProfilingService, "_stored_job", stored_then_wait)

    def launch(group):
        try:
            return DataQualityProfilingService().start_profile_for_table_group(table_group=group).profile_run
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(launch, [table_group, second]))

    assert len(workspace.calls_to("create")) == 1
    assert {run.databricks_job_id for run in runs} == {PooledJob.objects.get().job_id}
    assert len(workspace.calls_to("run-now")) == 2
