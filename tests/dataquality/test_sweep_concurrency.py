"""Two sweeps started at the same moment: each run is polled once and nothing is completed twice.

On PostgreSQL the claim is `SELECT ... FOR UPDATE SKIP LOCKED`; elsewhere a compare-and-set on `last_polled_at`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, connections
from django.utils import timezone

from dataquality.models import ProfileAnomaly, ProfileResult, ProfileRun
from dataquality.services.monitor.sweep import reconcile_profile_runs
from tests.dataquality.at_once import run_at_once
from tests.dataquality.fixtures.callback import make_profile_run, make_table_group, wide_payload
from tests.dataquality.workspace import JOBS

RUNS = 40
DATABRICKS_LATENCY_SECONDS = 0.03


def _two_sweeps_at_once(workspace, settings) -> None:
    settings.PROFILE_RUN_POLL_AFTER_MINUTES = 10
    settings.PROFILE_RUN_SWEEP_BATCH_SIZE = 7  # several claims per sweep, interleaving with the other's
    settings.PROFILE_RUN_SWEEP_THREADS = 4
    runs = []
    for number in range(1, RUNS + 1):
        group = make_table_group()
        runs.append(make_profile_run(
            group, databricks_run_id=str(number), started_at=timezone.now() - timedelta(hours=1),
            payload_path=f"dbfs:/profiles/{group.pk}/{number}.json",
        ))
        workspace.dbfs_file(f"dbfs:/profiles/{group.pk}/{number}.json", json.dumps(wide_payload(2, 3)).encode())
    polls: Counter[str] = Counter()

    def slow_success(request):
        polls[parse_qs(urlsplit(request.url).query)["run_id"][0]] += 1
        time.sleep(DATABRICKS_LATENCY_SECONDS)
        return 200, {}, json.dumps({"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}})

    workspace.mock.add_callback("GET", f"{JOBS}/runs/get", callback=slow_success)
    summaries = []

    def sweep() -> None:
        summaries.append(reconcile_profile_runs())

    run_at_once(sweep, sweep)

    assert len(summaries) == 2
    assert sum(summary.polled for summary in summaries) == RUNS
    assert all(summary.polled > 0 for summary in summaries), "one sweep took everything: they did not overlap"
    assert sum(summary.completed for summary in summaries) == RUNS
    assert polls == Counter({str(number): 1 for number in range(1, RUNS + 1)})
    reads = Counter(parse_qs(urlsplit(call.request.url).query)["path"][0] for call in workspace.file_reads())
    assert set(reads.values()) == {1}, "a payload was read (and applied) twice"
    assert set(ProfileRun.objects.values_list("status", flat=True)) == {"completed"}
    assert ProfileResult.objects.count() == RUNS * 2 and ProfileAnomaly.objects.count() == RUNS * 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_share_the_runs_on_postgresql(workspace, settings, callback_secret):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED")
    assert connection.features.has_select_for_update_skip_locked
    _two_sweeps_at_once(workspace, settings)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_share_the_runs_with_compare_and_set(workspace, settings, callback_secret):
    if connection.features.has_select_for_update_skip_locked:
        pytest.skip("this database claims with row locks (the PostgreSQL test covers it)")
    _two_sweeps_at_once(workspace, settings)


# --- a slow sweep and the next one: the claim is a lease, not a poll interval -----------------------------


@pytest.mark.django_db(transaction=True)
def test_a_sweep_slower_than_the_poll_interval_keeps_its_runs_from_the_next_sweep(workspace, settings, callback_secret):
    """Sweep A is stuck in a slow runs/get (Databricks throttling) for longer than the poll interval; sweep B
    starts meanwhile. B takes none of A's runs, and each run is asked about once."""
    settings.PROFILE_RUN_POLL_AFTER_MINUTES = 10
    settings.PROFILE_RUN_POLL_INTERVAL_SECONDS = 1
    settings.PROFILE_RUN_SWEEP_THREADS = 1  # each sweep works in its own thread, so the fake can tell them apart
    for number in range(1, 4):
        make_profile_run(make_table_group(), databricks_run_id=str(number), started_at=timezone.now() - timedelta(hours=1))
    polls: Counter[str] = Counter()
    a_is_inside, b_is_done = threading.Event(), threading.Event()

    def slow_for_sweep_a(request):
        polls[parse_qs(urlsplit(request.url).query)["run_id"][0]] += 1
        if threading.current_thread().name == "sweep-a":
            a_is_inside.set()
            b_is_done.wait(timeout=10)
        return 200, {}, json.dumps({"state": {"life_cycle_state": "RUNNING"}})

    workspace.mock.add_callback("GET", f"{JOBS}/runs/get", callback=slow_for_sweep_a)
    summaries = {}

    def sweep_a():
        try:
            summaries["a"] = reconcile_profile_runs()
        finally:
            connections.close_all()

    thread = threading.Thread(target=sweep_a, name="sweep-a")
    thread.start()
    assert a_is_inside.wait(timeout=30)
    time.sleep(1.2)  # A's claims are now older than the poll interval
    summaries["b"] = reconcile_profile_runs()
    b_is_done.set()
    thread.join(timeout=30)

    assert summaries["b"].polled == 0
    assert summaries["a"].polled == 3
    assert polls == Counter({"1": 1, "2": 1, "3": 1})
    assert not ProfileRun.objects.filter(claimed_until__isnull=False).exists()  # released when done


@pytest.mark.django_db
def test_a_claim_holds_until_its_lease_ends_even_for_a_chosen_run(workspace, settings, callback_secret):
    settings.PROFILE_RUN_SWEEP_THREADS = 1
    started = timezone.now() - timedelta(hours=1)
    held = make_profile_run(make_table_group(), databricks_run_id="1", started_at=started,
                            claimed_until=timezone.now() + timedelta(minutes=4))
    lapsed = make_profile_run(make_table_group(), databricks_run_id="2", started_at=started,
                              claimed_until=timezone.now() - timedelta(seconds=1))  # a sweep killed mid-way
    workspace.mock.get(f"{JOBS}/runs/get", json={"state": {"life_cycle_state": "RUNNING"}})

    assert reconcile_profile_runs(run_ids=[held.pk]).polled == 0
    summary = reconcile_profile_runs()

    assert summary.polled == 1 and str(lapsed.pk) in summary.details
    assert ProfileRun.objects.get(pk=held.pk).last_polled_at is None
