"""The load test of issue 20 still runs: every phase at a tiny scale, in a process of its own (it sets up Django,
gunicorn, a Celery worker and locust itself), plus its arithmetic."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import scale_report
from tests.dataquality.celery_processes import database_url

REPO_ROOT = Path(__file__).resolve().parents[2]
GB = scale_report.GB


@pytest.mark.postgres
def test_the_load_test_runs_every_phase_and_reports_each_figure():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the history is generated with generate_series")
    bench_url = database_url().rsplit("/", 1)[0] + "/dq_scale_bench_test"
    broker = settings.CELERY_BROKER_URL if settings.CELERY_BROKER_URL.startswith("redis") else "redis://127.0.0.1:6379/7"
    finished = subprocess.run(
        [sys.executable, "bench/scale.py", "--groups", "30", "--days", "2", "--history-groups", "1", "--rates", "1,2",
         "--step-seconds", "3", "--page-requests", "2", "--workers", "1", "--tick-due", "10",
         "--database-url", bench_url, "--broker-url", broker],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    out = finished.stdout
    # 30 groups x 2 days, one of them 365 days: the history endpoint's 365 points exist.
    assert "generated 30 groups x 2 days (1 with 365 days of 20 x 30): 423 runs" in out
    assert "\n        1 " in out and "\n        2 " in out and "sustained: " in out
    for page in ("landing page", "runs page", "group page", "run report", "history (365 points)"):
        assert f"\n  {page} " in out
    assert "schedule tick, 10 due of the groups" in out and "queued 10," in out
    assert "launcher, the 10 queued runs" in out and "admitted 10, launched 10," in out
    assert "monitor sweep of the 10 active runs it launched" in out and "'untouched': 10" in out
    assert "dq_profile_column_values" in out and "100 GB holds " in out


def test_steps_cut_the_samples_by_start_time_and_count_only_successes():
    started = 1000.0
    samples = [(1000.1, 0.2, 200), (1000.5, 0.4, 200), (1002.2, 1.0, 200), (1002.9, 3.0, 500)]

    first, second = scale_report.steps(started, samples, [1, 2], step_seconds=2)

    assert (first.rate, first.completed, first.errors, first.per_second) == (1, 2, 0, 1.0)
    assert (second.completed, second.errors, second.p95) == (1, 1, 3.0)


def test_the_budget_keeps_values_ninety_days_and_metrics_after():
    # 1 GB of values and 0.1 GB of metrics a day: 90 days take 99 GB, the last GB holds 10 more days of metrics.
    line = scale_report.days_in_budget(values_day=1 * GB, metrics_day=0.1 * GB)

    assert line.startswith("100 GB holds 100 days")
    assert "steady state needs 163 GB" in line  # 90 x 1 + 730 x 0.1
