"""Benchmark of the run monitor's sweep: 1,000 active runs against a fake Databricks answering each call in 50 ms.

Run from the repository root with the project's virtualenv (see bench/README.md):

    .venv/bin/python bench/sweep.py [--runs 1000] [--latency-ms 50] [--threads 8] [--database-url URL]

It times one sweep with the configured thread pool, then the same sweep with one worker thread, on a fresh copy
of the same runs each time, and checks that both did the same work.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(REPO_ROOT))

from tests.dataquality.stub_databricks import StubDatabricks  # noqa: E402  (the tests' fake workspace)

TARGET_SECONDS = 15.0
# The mix of one sweep: what Databricks says about the runs, by share of the total.
SUCCEEDED_SHARE = 0.20  # finished without a callback: runs/get, then the payload from DBFS
FAILED_SHARE = 0.08  # failed on Databricks: runs/get
QUEUED_SHARE = 0.02  # stuck in queued: run-now again
PAYLOAD = {
    "status": "completed", "row_count": 1200,
    "anomalies": [{"table_name": "sales.orders", "column_name": "email", "anomaly_type": "potential_pii",
                   "severity": "high", "description": "Name hint 'email'"}],
    "tables": [{"schema_name": "sales", "table_name": "orders", "row_count": 1200, "column_count": 2,
                "columns": [{"column_name": "id", "data_type": "bigint", "row_count": 1200, "null_count": 0},
                            {"column_name": "email", "data_type": "string", "row_count": 1200, "null_count": 3}]}],
}


@dataclass(frozen=True)
class Mix:
    succeeded: int
    failed: int
    queued: int
    still_running: int

    @classmethod
    def of(cls, runs: int) -> Mix:
        succeeded, failed, queued = int(runs * SUCCEEDED_SHARE), int(runs * FAILED_SHARE), int(runs * QUEUED_SHARE)
        return cls(succeeded, failed, queued, runs - succeeded - failed - queued)

    @property
    def databricks_calls(self) -> int:
        # A success is runs/get and the payload read; a relaunch is run-now and runs/get for its start time.
        return 2 * self.succeeded + self.failed + 2 * self.queued + self.still_running

    def run_state(self, run_id: str) -> dict:
        """What runs/get says: run ids are `1nnnnn` for the runs that succeeded, `2nnnnn` for the others,
        where n is the run's place in the mix (queued first, then succeeded, failed, still running)."""
        place = int(run_id[1:])
        if run_id.startswith("1"):
            return {"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}}
        if place < self.queued + self.succeeded + self.failed:
            return {"state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED", "state_message": "OOM"}}
        return {"state": {"life_cycle_state": "RUNNING"}}

    def expected_counts(self) -> dict[str, int]:
        return {
            "polled": self.succeeded + self.failed + self.queued + self.still_running,
            "completed": self.succeeded, "failed": self.failed, "canceled": 0,
            "relaunched": self.queued, "untouched": self.still_running, "errors": 0,
        }


def configure_django(fake_url: str | None, database_url: str | None, var_dir: str) -> None:
    """Django on a database of the benchmark's own, migrated; with `fake_url`, that workspace configured."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "conversioncentral.settings",
        "DEBUG": "True",
        "LOG_LEVEL": "WARNING",
        "CONVERSIONCENTRAL_VAR_DIR": var_dir,
        "DATABASE_URL": database_url or f"sqlite:///{var_dir}/bench.sqlite3",
    })
    if fake_url is not None:
        os.environ.update({
            "DATABRICKS_HOST": fake_url,
            "DATABRICKS_TOKEN": "bench-token",
            "DATABRICKS_PROFILE_CALLBACK_URL": "https://dq.example.com",
            "DATABRICKS_PROFILE_CALLBACK_SECRET": "bench-callback-secret",
            "DATABRICKS_PROFILE_NOTEBOOK_PATH": "/Repos/dq/conversioncentral/notebooks/profiling",
        })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fresh_runs(mix: Mix, fake_url: str) -> None:
    """Delete every run and group, then write `mix` anew: running runs started an hour ago, queued ones
    written and admitted an hour ago. Run ids say what Databricks will answer: 1xxxxx succeeded, 2xxxxx failed or running."""
    from datetime import timedelta

    from django.utils import timezone

    from dataquality.models import Dataset, ProfileRun, ProfileRunStatus, TableGroup
    from dataquality.services.launch import job_settings as jobs

    ProfileRun.objects.all().delete()
    TableGroup.objects.all().delete()
    dataset, _ = Dataset.objects.get_or_create(name="bench")
    total = mix.succeeded + mix.failed + mix.queued + mix.still_running
    groups = TableGroup.objects.bulk_create(
        TableGroup(dataset=dataset, name=f"group-{n:05d}", catalog="main", schema_name="sales") for n in range(total)
    )
    for group in groups:  # the job exists with current settings: a relaunch goes straight to run-now
        group.profiling_job_id, group.profiling_job_host = "1", fake_url
        group.job_settings_fingerprint = jobs.fingerprint(jobs.build_job_settings(group))
    TableGroup.objects.bulk_update(groups, ["profiling_job_id", "profiling_job_host", "job_settings_fingerprint"])
    an_hour_ago = timezone.now() - timedelta(hours=1)
    runs = []
    for n, group in enumerate(groups):
        if n < mix.queued:
            runs.append(ProfileRun(table_group=group, status=ProfileRunStatus.QUEUED))
            continue
        run_id = f"1{n:05d}" if n < mix.queued + mix.succeeded else f"2{n:05d}"
        runs.append(ProfileRun(
            table_group=group, status=ProfileRunStatus.RUNNING, databricks_run_id=run_id, databricks_job_id="1",
            started_at=an_hour_ago, payload_path=f"dbfs:/bench/{group.pk}/{run_id}.json",
        ))
    ProfileRun.objects.bulk_create(runs)
    ProfileRun.objects.update(created_at=an_hour_ago, admitted_at=an_hour_ago)


def _timed_sweep(mix: Mix, fake: StubDatabricks, threads: int) -> tuple[float, int]:
    from dataquality.services.monitor.sweep import reconcile_profile_runs

    _fresh_runs(mix, fake.url)
    fake.runs.clear()  # a fresh workspace too: the relaunches' tokens are new to it
    calls_before = len(fake.requests)
    started = time.perf_counter()
    summary = reconcile_profile_runs(threads=threads)
    seconds = time.perf_counter() - started
    if summary.counts() != mix.expected_counts():
        raise SystemExit(f"The sweep with {threads} thread(s) did other work than expected: {summary.counts()}")
    return seconds, len(fake.requests) - calls_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="Fake Databricks' time to answer a call.")
    parser.add_argument("--threads", type=int, default=None, help="Default: PROFILE_RUN_SWEEP_THREADS (8).")
    parser.add_argument("--database-url", help="Default: a new SQLite file in a temporary folder.")
    args = parser.parse_args()

    mix = Mix.of(args.runs)
    fake = StubDatabricks(payload=PAYLOAD, run_states=mix.run_state, latency=args.latency_ms / 1000)
    with tempfile.TemporaryDirectory() as var_dir, fake:
        configure_django(fake.url, args.database_url, var_dir)
        from django.conf import settings
        from django.db import connection

        threads = args.threads or settings.PROFILE_RUN_SWEEP_THREADS
        print(f"{args.runs} active runs: {mix.succeeded} succeeded without a callback, {mix.failed} failed, "
              f"{mix.queued} stuck in queued, {mix.still_running} still running; {mix.databricks_calls} Databricks "
              f"calls of {args.latency_ms:.0f} ms; database {connection.vendor}; "
              f"batches of {settings.PROFILE_RUN_SWEEP_BATCH_SIZE}")
        pooled, pooled_calls = _timed_sweep(mix, fake, threads)
        single, single_calls = _timed_sweep(mix, fake, 1)

    assert pooled_calls == single_calls == mix.databricks_calls, (pooled_calls, single_calls)
    verdict = "met" if pooled < TARGET_SECONDS else "MISSED"
    print(f"one sweep, {threads} threads: {pooled:6.2f} s  (target under {TARGET_SECONDS:.0f} s: {verdict})")
    print(f"one sweep, 1 thread:  {single:6.2f} s")
    print(f"speed-up: {single / pooled:.1f}x")
    if pooled >= TARGET_SECONDS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
