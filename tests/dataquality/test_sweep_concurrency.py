"""Two sweeps started at the same moment: each run is polled once and nothing is completed twice.

On PostgreSQL the claim is `SELECT ... FOR UPDATE SKIP LOCKED`; elsewhere a compare-and-set on `last_polled_at`.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from dataquality.models import ProfileAnomaly, ProfileResult, ProfileRun
from dataquality.services.sweep import reconcile_profile_runs
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
