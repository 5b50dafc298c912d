"""What `bench/scale.py` prints: per-step callback figures, page percentiles, the tick and sweep, the size model."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

PAGE_TARGET, HISTORY_TARGET, TICK_TARGET, CALLBACK_TARGET = 0.300, 0.100, 5.0, 20.0
GB = 1024**3
BUDGET_BYTES = 100 * GB
VALUE_RETENTION_DAYS, METRIC_RETENTION_DAYS = 90, 730  # the default retention (values; metrics and runs)
VALUE_TABLES = ("dq_profile_column_values",)


@dataclass(frozen=True)
class Step:
    rate: int
    completed: int
    errors: int
    per_second: float
    p50: float
    p95: float


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def steps(started: float, samples: list[tuple[float, float, int]], rates: list[int], step_seconds: float) -> list[Step]:
    """Cut `(started_at, seconds, status)` samples into the rate steps by their start time."""
    made = []
    for index, rate in enumerate(rates):
        inside = [s for s in samples if index <= (s[0] - started) // step_seconds < index + 1]
        if not inside:
            break
        ok = [seconds for _, seconds, status in inside if status == 200]
        made.append(Step(rate, len(ok), len(inside) - len(ok), len(ok) / step_seconds,
                         percentile(ok, 0.5), percentile([s for _, s, _ in inside], 0.95)))
    return made


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def generated(args, rows: dict[str, int], seconds: float) -> str:
    counts = ", ".join(f"{count:,} {name}" for name, count in rows.items())
    return (f"generated {args.groups:,} groups x {args.days} days ({args.history_groups} with 365 days of 20 x 30): "
            f"{counts} in {seconds:.0f} s")


def callbacks(made: list[Step], limit: float) -> str:
    lines = ["callbacks (20 tables x 30 columns, top values and patterns, 3 anomalies), locust, one step per rate:",
             f"  {'rate/s':>7} {'completed':>10} {'errors':>7} {'done/s':>7} {'p50 s':>7} {'p95 s':>7}"]
    lines += [f"  {s.rate:>7} {s.completed:>10} {s.errors:>7} {s.per_second:>7.1f} {s.p50:>7.2f} {s.p95:>7.2f}"
              for s in made]
    within = [s.per_second for s in made if s.p95 <= limit and not s.errors]
    sustained = max(within, default=0.0)
    lines.append(f"  sustained: {sustained:.1f} completions/s with p95 <= {limit:g} s "
                 f"(target >= {CALLBACK_TARGET:g}/s: {_verdict(sustained >= CALLBACK_TARGET)})")
    return "\n".join(lines)


def pages(timings: dict[str, list[float]], slowest: dict[str, list[tuple[float, int, str]]]) -> str:
    lines = [f"pages over HTTP at the generated scale ({len(next(iter(timings.values())))} requests each after a "
             f"warm-up):", f"  {'page':<22} {'p50 ms':>8} {'p95 ms':>8}  target"]
    for name, samples in timings.items():
        target = HISTORY_TARGET if name.startswith("history") else PAGE_TARGET
        p95 = percentile(samples, 0.95)
        lines.append(f"  {name:<22} {statistics.median(samples) * 1000:>8.1f} {p95 * 1000:>8.1f}  "
                     f"p95 <= {target * 1000:.0f} ms: {_verdict(p95 <= target)}")
    lines.append("where the time goes (each page once in-process: its slowest queries, of how many):")
    for name, queries in slowest.items():
        lines += [f"  {name:<22} {ms:>7.1f} ms of {count} queries: {sql[:150]}" for ms, count, sql in queries]
    return "\n".join(lines)


def tick_launch_and_sweep(timed: dict, *, due: int) -> str:
    (tick_seconds, tick), (launch_seconds, launched), (sweep_seconds, sweep) = timed.values()
    return (f"schedule tick, {due:,} due of the groups, writing queued runs: {tick_seconds:.2f} s ({tick}); "
            f"target <= {TICK_TARGET:g} s: {_verdict(tick_seconds <= TICK_TARGET and tick.queued == due)}\n"
            f"launcher, the {tick.queued:,} queued runs, instant fake Databricks: {launch_seconds:.2f} s ({launched})\n"
            f"monitor sweep of the {launched.launched:,} active runs it launched: {sweep_seconds:.2f} s ({sweep.counts()})")


def sizes(groups: int) -> str:
    """Bytes per row of each table as generated, times the rows one 20 x 30 completion writes."""
    from django.db import connection

    from dataquality.models import ProfileRun

    run = ProfileRun.objects.filter(status="completed", requested_by="").exclude(table_count=None).order_by(
        "-completed_at").first()  # a run completed by a callback of the load test
    tables = {"dq_profiles": ("profile_run_id", None), "dq_profile_results": ("profile_run_id", run.pk),
              "dq_profile_columns": ("profile_run_id", run.pk), "dq_profile_column_values": ("profile_run_id", run.pk),
              "dq_profile_anomalies": ("profile_run_id", run.pk)}
    lines = [f"  {'table':<26} {'rows':>12} {'MB':>9} {'bytes/row':>10} {'rows/run':>9} {'bytes/run':>10}"]
    per_run = {}
    with connection.cursor() as cursor:
        for table, (key, run_id) in tables.items():
            cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")  # noqa: S608
            rows, size = cursor.fetchone()
            if run_id is None:
                rows_per_run = 1
            else:
                cursor.execute(f"SELECT count(*) FROM {table} WHERE {key} = %s", [run_id])  # noqa: S608
                rows_per_run = cursor.fetchone()[0]
            per_run[table] = size / max(rows, 1) * rows_per_run
            lines.append(f"  {table:<26} {rows:>12,} {size / 2**20:>9.1f} {size / max(rows, 1):>10.0f} "
                         f"{rows_per_run:>9} {per_run[table]:>10,.0f}")
        cursor.execute("SELECT pg_database_size(current_database())")
        lines.append(f"  database {cursor.fetchone()[0] / GB:.2f} GB")
    values = sum(size for table, size in per_run.items() if table in VALUE_TABLES)
    metrics = sum(per_run.values()) - values
    values_day, metrics_day = values * groups, metrics * groups
    lines.insert(0, f"size per 20 x 30 run {(values + metrics) / 2**20:.2f} MB ({values / 2**20:.2f} MB of top values "
                    f"and patterns); per day at {groups:,} groups daily {(values_day + metrics_day) / GB:.1f} GB")
    lines.append(days_in_budget(values_day, metrics_day))
    return "\n".join(lines)


def days_in_budget(values_day: float, metrics_day: float) -> str:
    """Days of history in 100 GB when values are kept 90 days and metrics 730 (the steady state after 730)."""
    full = VALUE_RETENTION_DAYS * (values_day + metrics_day)
    if full >= BUDGET_BYTES:
        days = BUDGET_BYTES / (values_day + metrics_day)
    else:
        days = VALUE_RETENTION_DAYS + (BUDGET_BYTES - full) / metrics_day
    steady = (VALUE_RETENTION_DAYS * values_day + METRIC_RETENTION_DAYS * metrics_day) / GB
    return (f"100 GB holds {min(days, METRIC_RETENTION_DAYS):.0f} days at the default retention "
            f"({VALUE_RETENTION_DAYS} days of values, {METRIC_RETENTION_DAYS} of metrics); the steady state needs "
            f"{steady:.0f} GB")
