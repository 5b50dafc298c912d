"""Benchmark of the pages that read a group's history: the run report and the group page, for a group with 200
completed runs of a 60-column table (issue: monitoring over history, target: under 300 ms of server time each).

Run from the repository root with the project's virtualenv (see bench/README.md):

    .venv/bin/python bench/monitoring_pages.py [--runs 200] [--columns 60] [--repeat 20] [--database-url URL]

Each page is requested in-process through Django's test client (server time: no network, no browser), after one
warm-up, `--repeat` times; the figure is the median. The baseline, in the same run, is the run's JSON detail
(`GET /data-quality/profile-runs/{id}`), the lightest authenticated answer about the same run. Query counts are
printed beside, for 3 runs and for `--runs` runs of history: they must not grow with the history.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(REPO_ROOT))

from bench.sweep import configure_django  # noqa: E402

TARGET_MS = 300.0


def _history(runs: int, columns: int):
    """A group with `runs` completed runs a day apart, each of one table of `columns` columns and two anomalies."""
    from django.utils import timezone

    from dataquality.models import Dataset, ProfileAnomaly, ProfileColumn, ProfileResult, ProfileRun, TableGroup

    dataset, _ = Dataset.objects.get_or_create(name="bench")
    group = TableGroup.objects.create(dataset=dataset, name=f"bench-{runs}", schema_name="sales")
    start = timezone.now() - timedelta(days=runs)
    made = []
    for day in range(runs):
        when = start + timedelta(days=day)
        run = ProfileRun.objects.create(table_group=group, status="completed", row_count=100_000 + day,
                                        anomaly_count=2, open_anomaly_count=2, new_anomaly_count=1)
        ProfileRun.objects.filter(pk=run.pk).update(created_at=when, started_at=when, completed_at=when + timedelta(minutes=3))
        made.append(run)
    ProfileResult.objects.bulk_create(
        ProfileResult(profile_run=run, schema_name="sales", table_name="orders", row_count=100_000 + day,
                      column_count=columns)
        for day, run in enumerate(made)
    )
    ProfileColumn.objects.bulk_create(
        (ProfileColumn(profile_run=run, schema_name="sales", table_name="orders", column_name=f"c{index:02d}",
                       data_type="double", general_type="numeric", ordinal_position=index, row_count=100_000 + day,
                       null_count=day % 7, distinct_count=90_000 + index, mean=50.0 + day % 3, stddev=5.0)
         for day, run in enumerate(made) for index in range(columns)),
        batch_size=2000,
    )
    ProfileAnomaly.objects.bulk_create(
        ProfileAnomaly(profile_run=run, table_name="sales.orders", column_name=column, anomaly_type=kind,
                       severity="medium", description="bench", detected_at=timezone.now(), fingerprint=kind)
        for run in made for column, kind in (("c01", "null_share_outside_baseline"), (None, "row_count_growth"))
    )
    return group, made[-1]


def _time(client, path: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(path).status_code == 200, path  # warm-up
    connection.queries_log.clear()  # a full log (9,000 entries after the set-up) would hide the new ones
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(samples), len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--columns", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        configure_django(None, args.database_url, var_dir)  # these pages never call Databricks
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        user = get_user_model().objects.create_superuser("bench", password="bench-only")
        client = Client()
        client.force_login(user)
        print(f"{args.runs} completed runs of a {args.columns}-column table; median of {args.repeat} requests")
        print(f"{'page':<34} {'history':>8} {'ms':>8} {'queries':>8} {'x baseline':>11}")
        failed = False
        for runs in (3, args.runs):
            group, latest = _history(runs, args.columns)
            baseline, _ = _time(client, f"/data-quality/profile-runs/{latest.pk}", args.repeat)
            pages = {
                "baseline: run detail (JSON)": (f"/data-quality/profile-runs/{latest.pk}", baseline),
                "run report": (reverse("profile-run-report", args=[latest.pk]), None),
                "group page": (reverse("table-group-page", args=[group.pk]), None),
            }
            for name, (path, known) in pages.items():
                median, queries = _time(client, path, args.repeat) if known is None else (known, _time(client, path, 1)[1])
                verdict = ""
                if known is None and runs == args.runs:
                    met = median <= TARGET_MS
                    failed |= not met
                    verdict = f"  {'met' if met else 'MISSED'} (target {TARGET_MS:g} ms)"
                print(f"{name:<34} {runs:>8} {median:>8.1f} {queries:>8} {median / baseline:>10.1f}x{verdict}")
        return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
