"""Launch control with two workers at once: the cap and the call rate hold across processes.

Runs on PostgreSQL (CI's second pass): SQLite serialises writers, so it cannot show the race.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from dataquality.models import Dataset, ProfileRun, ProfileRunStatus, TableGroup, WorkspaceLaunchGate
from dataquality.services.launch import launch_slots
from dataquality.services.launch.call_pacing import CallPacer
from dataquality.services.launch.launch_queue import launch_queued_profile_runs
from tests.dataquality.workspace import HOST

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions")


def in_own_connection(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


def test_two_launchers_at_once_admit_no_more_than_the_cap_and_each_run_once(workspace, settings, monkeypatch):
    settings.DATABRICKS_MAX_ACTIVE_RUNS = 3
    workspace.ready()
    dataset = Dataset.objects.create(name="Lake")
    for n in range(10):
        group = TableGroup.objects.create(dataset=dataset, name=f"g{n}", catalog="main", schema_name=f"s{n}")
        ProfileRun.objects.create(table_group=group, workspace_host=HOST)
    # Each launcher counts the free slots, then waits for the other to have counted too before it admits: without
    # the gate's lock both would see 3 free slots and admit 6 runs. With it, the second cannot count until the
    # first has committed, so the wait times out and the second sees none free.
    counted = threading.Barrier(2, timeout=2)
    free_slots = launch_slots._free_slots

    def count_then_wait(host):
        free = free_slots(host)
        try:
            counted.wait()
        except threading.BrokenBarrierError:
            pass
        return free

    monkeypatch.setattr(launch_slots, "_free_slots", count_then_wait)

    with ThreadPoolExecutor(max_workers=2) as pool:
        summaries = list(pool.map(in_own_connection(lambda _: launch_queued_profile_runs(threads=1)), range(2)))

    assert sorted(summary.admitted for summary in summaries) == [0, 3]
    assert ProfileRun.objects.filter(status=ProfileRunStatus.RUNNING).count() == 3
    launched = [body["idempotency_token"] for body in workspace.bodies("run-now")]
    assert len(launched) == len(set(launched)) == 3
    oldest = [str(pk) for pk in ProfileRun.objects.order_by("created_at", "pk").values_list("pk", flat=True)[:3]]
    assert sorted(launched) == sorted(oldest)


def test_two_workers_pacing_at_once_take_distinct_slots_one_interval_apart():
    taken: list[float] = []
    lock = threading.Lock()

    def sleep(seconds):
        with lock:
            taken.append(seconds)

    def pace_ten(_):
        pacer = CallPacer(HOST, 50, 60, clock=lambda: 1_000_000.0, sleep=sleep)
        for _ in range(10):
            pacer()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(in_own_connection(pace_ten), range(2)))

    waits = sorted([0.0] * (20 - len(taken)) + taken)
    assert [round(wait, 3) for wait in waits] == [round(n * 0.02, 3) for n in range(20)]
    assert WorkspaceLaunchGate.objects.get().next_call_us == 1_000_000 * 1_000_000 + 20 * 20_000


def test_two_requests_at_once_with_room_for_both_are_both_launched_at_once(workspace, settings, monkeypatch):
    """Each request's run is written before either is admitted: neither may take the other, still on its way to
    admission, for an older run that waits, when the free slots take both."""
    from dataquality.services.launch.profiling import DataQualityProfilingService

    settings.DATABRICKS_MAX_ACTIVE_RUNS = 2
    workspace.ready()
    dataset = Dataset.objects.create(name="Lake")
    first, second = (
        TableGroup.objects.create(dataset=dataset, name=f"g{n}", catalog="main", schema_name=f"s{n}") for n in range(2)
    )
    written = threading.Barrier(2, timeout=30)
    create_run = DataQualityProfilingService._create_run

    runs = []

    def create_then_wait(self, *args, **kwargs):
        run = create_run(self, *args, **kwargs)
        runs.append(run)
        written.wait()
        if run.created_at == min(other.created_at for other in runs):
            time.sleep(0.5)  # the newer run reaches admission first, while the older one is still on its way
        return run

    monkeypatch.setattr(DataQualityProfilingService, "_create_run", create_then_wait)

    def start(group):
        return DataQualityProfilingService().start_profile_for_table_group(table_group=group).profile_run.status

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(in_own_connection(start), [first, second]))

    assert statuses == ["running", "running"]
