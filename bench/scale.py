"""Load test of issue 20 (ten thousand table groups): callbacks, pages, the schedule tick, the sweep, the size.

Run from the repository root with the project's virtualenv and bench/requirements.txt's locust (bench/README.md):

    .venv/bin/python bench/scale.py [--groups 10000] [--days 30] [--history-groups 3] [--rates 2,4,8,16,24,32]
                                    [--step-seconds 15] [--page-requests 40] [--tick-due 1000] [--workers 3]
                                    [--database-url postgres://postgres@127.0.0.1:5432/dq_scale_bench]

It drops and creates the database named in --database-url, migrates it, generates the history (bench/scale_data.py),
then starts gunicorn (--workers) and a Celery worker (on --broker-url) against it and measures, in order:
1. callbacks completing runs of 20 tables x 30 columns, with locust, at each rate of --rates for --step-seconds,
   until a step's p95 passes 2 s: the sustained rate is the best completions per second of a step within 2 s;
2. the landing page, runs page, group page, run report and history endpoint (365 points): p50/p95 over HTTP;
3. the schedule tick with 1,000 of the groups due at once (it writes queued runs and calls no Databricks API), then
   the launcher starting them against a fake Databricks answering at once, under launch control;
4. the monitor sweep over the 1,000 runs the launcher started (all still running), against the same fake;
5. the database's size per table, per run and per day, and the days that fit in 100 GB at the default retention.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(REPO_ROOT))

from bench import scale_report  # noqa: E402
from bench.scale_data import COLUMNS, TABLES, TOP_PATTERNS, TOP_VALUES, generate  # noqa: E402

SECRET = "scale-bench-callback-secret"
SECRET_KEY = "scale-bench-" + "k" * 60
CALLBACK_P95_LIMIT = 2.0


def _environment(args, var_dir: str, fake_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "conversioncentral.settings", "DEBUG": "False", "SECRET_KEY": SECRET_KEY,
        "LOG_LEVEL": "ERROR", "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "CONVERSIONCENTRAL_VAR_DIR": var_dir,
        "DATABASE_URL": args.database_url, "CELERY_BROKER_URL": args.broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": "dq_scale_bench", "DATABRICKS_HOST": fake_url,
        "DATABRICKS_TOKEN": "bench-token", "DATABRICKS_ALLOWED_HOSTS": "",
        "DATABRICKS_CHECK_TABLES": "False",  # the fake has no Unity Catalog; the tick's launches only
        # Every due run fits under the cap, so the sweep meets 1,000 active runs; the call rate is high enough that
        # the figures are the service's own cost (at the default 20 a second, 1,000 launches take 50 s by design).
        "DATABRICKS_MAX_ACTIVE_RUNS": "1000", "DATABRICKS_MAX_CALLS_PER_SECOND": "500",
        "DATABRICKS_PROFILE_CALLBACK_URL": "https://dq.example.com",
        "DATABRICKS_PROFILE_CALLBACK_SECRET": SECRET,
        "DATABRICKS_PROFILE_NOTEBOOK_PATH": "/Repos/dq/conversioncentral/notebooks/profiling",
    }


def _recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def payload(tables: int = TABLES, columns: int = COLUMNS) -> bytes:
    """A completion of `tables` x `columns`, with top values and patterns and a few anomalies (contract 5, 6)."""
    def column(index: int) -> dict:
        return {"column_name": f"c{index:02d}", "data_type": "string", "ordinal_position": index,
                "row_count": 100_000, "null_count": index, "distinct_count": 40 + index, "min_value": "a",
                "max_value": "z", "min_length": 1, "max_length": 12, "avg_length": 6.5, "blank_count": 0,
                "top_values": [{"value": f"value-{k}", "count": 1000 - k} for k in range(TOP_VALUES)],
                "top_patterns": [{"value": "Aaaa-NN" + "N" * k, "count": 900 - k} for k in range(TOP_PATTERNS)]}
    body = {
        "status": "completed", "row_count": 100_000 * tables,
        "tables": [{"schema_name": "sales", "table_name": f"t{t:02d}", "row_count": 100_000, "column_count": columns,
                    "columns": [column(c) for c in range(columns)]} for t in range(tables)],
        "anomalies": [{"table_name": f"sales.t{t:02d}", "column_name": "c03", "anomaly_type": "non_standard_blanks",
                       "severity": "medium", "description": "Blank-like values"} for t in range(3)],
    }
    return json.dumps(body).encode()


def _start(command: list[str], environ: dict[str, str], *, stdout=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *command], env={**os.environ, **environ}, cwd=REPO_ROOT,
                            stdout=stdout)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer") from None
            time.sleep(0.3)


def _running_runs(count: int) -> list[tuple[str, str]]:
    """`count` running runs on groups with no active run, with their callback tokens."""
    from django.utils import timezone

    from dataquality.models import ProfileRun, TableGroup
    from dataquality.services.results.callback_tokens import make_callback_token

    groups = TableGroup.objects.exclude(profile_runs__status__in=["queued", "running"]).order_by("-pk")[:count]
    runs = ProfileRun.objects.bulk_create(
        ProfileRun(table_group=group, status="running", started_at=timezone.now(), databricks_run_id=f"9{group.pk}")
        for group in groups
    )
    return [(str(run.pk), make_callback_token(run.pk)) for run in runs]


def measure_callbacks(args, base_url: str, work: Path, environ: dict[str, str]) -> list[scale_report.Step]:
    runs = _running_runs(sum(args.rates) * int(args.step_seconds) + 50)
    (work / "runs.txt").write_text("\n".join(f"{run} {token}" for run, token in runs))
    (work / "payload.json").write_bytes(payload())
    locust_env = {**environ, "SCALE_BENCH_RUNS": str(work / "runs.txt"), "SCALE_BENCH_PAYLOAD": str(work / "payload.json"),
                  "SCALE_BENCH_SAMPLES": str(work / "samples.txt"), "SCALE_BENCH_STEP_SECONDS": str(args.step_seconds),
                  "SCALE_BENCH_RATES": ",".join(map(str, args.rates))}
    started = time.time()
    subprocess.run([sys.executable, "-m", "locust", "-f", str(REPO_ROOT / "bench" / "scale_locustfile.py"), "--headless",
                    "--host", base_url, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"],
                   env={**os.environ, **locust_env}, cwd=REPO_ROOT, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    samples = [line.split() for line in (work / "samples.txt").read_text().splitlines() if line]
    return scale_report.steps(started, [(float(at), float(seconds), int(status)) for at, seconds, status in samples],
                              args.rates, args.step_seconds)


def measure_pages(args, base_url: str) -> dict[str, list[float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dataquality.models import ProfileRun, TableGroup

    user = get_user_model().objects.create_superuser("scale", password="scale-bench-only")
    client = Client()
    client.force_login(user)  # a session in the database: gunicorn's workers read the same one
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    group = TableGroup.objects.order_by("pk").first()  # a sample group: 365 days of 20 x 30
    latest = ProfileRun.objects.filter(table_group=group, status="completed").order_by("-completed_at").first()
    pages = {
        "landing page": "/",
        "runs page": "/data-quality/runs",
        "group page": f"/data-quality/table-groups/{group.pk}/report",
        "run report": f"/data-quality/profile-runs/{latest.pk}/report",
        "history (365 points)": f"/data-quality/table-groups/{group.pk}/history?metric=null_share&table=sales.t00"
                                "&column=c01&limit=365",
    }
    timings = {}
    for name, path in pages.items():
        timings[name] = []
        for attempt in range(args.page_requests + 1):
            request = urllib.request.Request(base_url + path, headers={"Cookie": cookie})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                assert response.status == 200, (path, response.status)
            if attempt:  # the first is a warm-up
                timings[name].append(time.perf_counter() - started)
    _check_history_points(base_url + pages["history (365 points)"], cookie)
    return timings, {name: _slowest_queries(client, path) for name, path in pages.items()}


def _slowest_queries(client, path: str, keep: int = 2) -> list[tuple[float, int, str]]:
    """Where a page's time goes: its slowest queries, `(ms, queries, sql)`, requested once in-process."""
    from django.db import connection

    timed = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timer):
        assert client.get(path).status_code == 200, path
    return [(ms, len(timed), sql) for ms, sql in sorted(timed, reverse=True)[:keep]]


def _check_history_points(url: str, cookie: str) -> None:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=60) as response:
        body = json.loads(response.read())
    points = body["points"] if isinstance(body, dict) else body
    if len(points) < 365:
        raise SystemExit(f"the history answered {len(points)} points, not 365")


def measure_tick_launch_and_sweep(due_count: int) -> dict[str, tuple[float, object]]:
    """Seconds and summary of the tick, the launcher and the sweep, in that order."""
    from datetime import timedelta

    from django.utils import timezone

    from dataquality.models import ACTIVE_STATUSES, ProfileRun, TableGroup
    from dataquality.services.launch.launch_queue import launch_queued_profile_runs
    from dataquality.services.monitor.schedules import start_scheduled_profile_runs
    from dataquality.services.monitor.sweep import reconcile_profile_runs

    ProfileRun.objects.filter(status__in=ACTIVE_STATUSES).delete()  # what the callback steps left uncompleted
    now = timezone.now()
    due = list(TableGroup.objects.order_by("pk").values_list("pk", flat=True)[:due_count])
    TableGroup.objects.filter(pk__in=due).update(next_run_at=now - timedelta(minutes=1))
    timed = {"tick": _timed(lambda: start_scheduled_profile_runs(now=now))}
    timed["launcher"] = _timed(launch_queued_profile_runs)
    # Started an hour ago: every run is due for a poll (PROFILE_RUN_POLL_AFTER_MINUTES), and still running.
    ProfileRun.objects.filter(status__in=ACTIVE_STATUSES).update(started_at=now - timedelta(hours=1))
    timed["sweep"] = _timed(reconcile_profile_runs)
    return timed


def _timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30, help="Days of daily runs of every group.")
    parser.add_argument("--history-groups", type=int, default=3, help="Groups with 365 days of 20 x 30 tables.")
    parser.add_argument("--rates", type=lambda text: [int(r) for r in text.split(",")], default=[2, 4, 8, 16, 24, 32],
                        help="Callback rates (completions per second), one step each.")
    parser.add_argument("--step-seconds", type=float, default=15.0)
    parser.add_argument("--tick-due", type=int, default=1000, help="Groups due at once for the tick.")
    parser.add_argument("--page-requests", type=int, default=40)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/dq_scale_bench")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    from tests.dataquality.stub_databricks import StubDatabricks

    began = time.perf_counter()
    _recreate_database(args.database_url)
    with tempfile.TemporaryDirectory() as var_dir, StubDatabricks(payload={}) as fake:
        environ = _environment(args, var_dir, fake.url)
        os.environ.update(environ)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        rows = generate(args.groups, args.days, args.history_groups)
        print(scale_report.generated(args, rows, time.perf_counter() - started))
        base_url = f"http://127.0.0.1:{args.port}"
        server = _start(["gunicorn", "conversioncentral.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
                         "--workers", str(args.workers), "--log-level", "warning", "--timeout", "120"], environ)
        worker = _start(["celery", "-A", "conversioncentral", "worker", "-Q", "dq_scale_bench", "--concurrency", "1",
                         "--without-gossip", "--without-mingle", "--loglevel", "ERROR"], environ,
                        stdout=subprocess.DEVNULL)  # its banner; errors still reach stderr
        try:
            _wait_for(base_url + "/healthz", server)
            steps = measure_callbacks(args, base_url, Path(var_dir), environ)
            print(scale_report.callbacks(steps, CALLBACK_P95_LIMIT))
            print(scale_report.pages(*measure_pages(args, base_url)))
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                process.wait(timeout=60)
        print(scale_report.tick_launch_and_sweep(measure_tick_launch_and_sweep(args.tick_due), due=args.tick_due))
        print(scale_report.sizes(args.groups))
    print(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
