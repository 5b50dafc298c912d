"""Two schedulers at once (two beats, or a beat and a manual call) both see a group due: one run starts.

Runs on PostgreSQL (CI's second pass): SQLite serialises writers, so it cannot show the race.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from dataquality.models import ProfileRun, TableGroup
from dataquality.services.monitor import schedules

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 5, 4, 10, 0, 10, tzinfo=dt.timezone.utc)


def test_two_concurrent_claimers_queue_one_run(workspace, table_group, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions")
    workspace.ready()
    TableGroup.objects.filter(pk=table_group.pk).update(schedule_cron="0 * * * *", next_run_at=NOW.replace(second=0))
    barrier = threading.Barrier(2, timeout=30)  # a claimer that fails first must fail the test, not hang it
    listed = schedules.due_table_groups

    def due_then_wait(now):
        due = list(listed(now))  # both claimers have read the group as due before either claims it
        barrier.wait()
        return due

    monkeypatch.setattr(schedules, "due_table_groups", due_then_wait)

    def sweep(_):
        try:
            return schedules.start_scheduled_profile_runs(now=NOW)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        summaries = list(pool.map(sweep, range(2)))

    assert sorted((s.due, s.queued, s.claimed_elsewhere) for s in summaries) == [(1, 0, 1), (1, 1, 0)]
    assert ProfileRun.objects.count() == 1
    assert len(workspace.mock.calls) == 0  # the tick writes the run; the launcher starts it
    assert TableGroup.objects.get(pk=table_group.pk).next_run_at == NOW.replace(hour=11, second=0)
