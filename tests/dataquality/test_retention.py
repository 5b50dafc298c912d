"""Retention (docs/retention.md): `prune_profile_data` deletes exactly what is past its limit, in batches, and
never a run the judges or the next launch still read."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conversioncentral.celery import app as celery_app
from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileColumnValue, ProfileResult, ProfileRun
from dataquality.retention_policy import retention_days, validate_retention
from dataquality.services.results.retention import _Pruner, prune_profile_data
from dataquality.tasks import prune_profile_data_task
from tests.dataquality.at_once import run_at_once
from tests.dataquality.fixtures.callback import make_table_group

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 3, 0, tzinfo=dt_timezone.utc)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def retention(settings):
    """The shipped limits, a window of two runs, and no runs pruned unless a test says so."""
    settings.DQ_RETAIN_VALUES_DAYS, settings.DQ_RETAIN_METRICS_DAYS, settings.DQ_RETAIN_RUNS_DAYS = 90, 730, None
    settings.DQ_BASELINE_WINDOW = 2
    settings.DQ_PRUNE_BATCH_SIZE = 5000
    return settings


def stored_run(group, days_ago: float | None, *, status="completed", values=2, created_days_ago=None) -> ProfileRun:
    """A run of `group` completed `days_ago` (None: never) with one table, one column, `values` top values, one
    pattern and one anomaly."""
    created = NOW - timedelta(days=created_days_ago if created_days_ago is not None else days_ago)
    run = ProfileRun.objects.create(table_group=group, status=status)
    completed = None if days_ago is None else NOW - timedelta(days=days_ago)
    ProfileRun.objects.filter(pk=run.pk).update(created_at=created, completed_at=completed)
    ProfileResult.objects.create(profile_run=run, schema_name="sales", table_name="orders", row_count=10)
    ProfileColumn.objects.create(profile_run=run, schema_name="sales", table_name="orders", column_name="note",
                                 row_count=10, null_count=1, ordinal_position=1)
    ProfileColumnValue.objects.bulk_create(
        [ProfileColumnValue(profile_run=run, schema_name="sales", table_name="orders", column_name="note",
                            kind="value", value=f"v{rank}", frequency=5, rank=rank) for rank in range(1, values + 1)]
        + [ProfileColumnValue(profile_run=run, schema_name="sales", table_name="orders", column_name="note",
                              kind="pattern", value="aN", frequency=10, rank=1)]
    )
    ProfileAnomaly.objects.create(profile_run=run, table_name="sales.orders", column_name="note",
                                  anomaly_type="high_null_ratio", severity="medium", description="nulls",
                                  detected_at=created, fingerprint=f"fp-{run.pk}")
    run.refresh_from_db()
    return run


def recent_runs(group, count=2) -> list[ProfileRun]:
    """The group's newest runs: they fill the baseline window, so older runs are not kept for it."""
    return [stored_run(group, days) for days in range(count - 1, -1, -1)]


def values_of(run) -> int:
    return ProfileColumnValue.objects.filter(profile_run=run).count()


def columns_of(run) -> int:
    return ProfileColumn.objects.filter(profile_run=run).count()


def prune(**options):
    return prune_profile_data(now=NOW, **options)


# --- exactly what is old ----------------------------------------------------------------------------------


def test_top_values_and_patterns_go_one_day_past_the_limit_and_stay_one_day_before():
    group = make_table_group()
    older, younger = stored_run(group, 91), stored_run(group, 89)
    recent_runs(group)
    report = prune()
    assert (values_of(older), values_of(younger)) == (0, 3)
    assert columns_of(older) == columns_of(younger) == 1  # metrics are kept for longer
    assert report.rows == {"dq_profile_column_values": 3}
    older.refresh_from_db()
    assert older.values_pruned_at == NOW and older.metrics_pruned_at is None
    assert ProfileRun.objects.get(pk=younger.pk).values_pruned_at is None


def test_column_metrics_go_one_day_past_their_limit_and_stay_one_day_before():
    group = make_table_group()
    older, younger = stored_run(group, 731), stored_run(group, 729)
    recent_runs(group)
    prune()
    assert (columns_of(older), columns_of(younger)) == (0, 1)
    assert values_of(older) == values_of(younger) == 0
    # Tables and anomalies belong to the run, which is kept.
    assert ProfileResult.objects.filter(profile_run=older).count() == 1
    assert ProfileAnomaly.objects.filter(profile_run=older).count() == 1
    assert ProfileRun.objects.get(pk=older.pk).metrics_pruned_at == NOW


def test_a_run_is_as_old_as_its_completion_or_its_creation_when_it_never_completed():
    group = make_table_group()
    late = stored_run(group, 10, status="failed", created_days_ago=120)  # failed, then completed by a late callback
    never = stored_run(group, None, status="canceled", created_days_ago=91)
    recent_runs(group)
    prune()
    assert (values_of(late), values_of(never)) == (3, 0)


def test_runs_are_kept_forever_unless_their_limit_is_set():
    group = make_table_group()
    ancient = stored_run(group, 5000)
    recent_runs(group)
    prune()
    assert ProfileRun.objects.filter(pk=ancient.pk).exists()
    assert ProfileAnomaly.objects.filter(profile_run=ancient).count() == 1


def test_with_a_runs_limit_old_runs_go_with_their_rows_and_later_anomalies_lose_only_the_link(retention):
    retention.DQ_RETAIN_RUNS_DAYS = 1000
    group = make_table_group()
    older, younger = stored_run(group, 1001), stored_run(group, 999)
    # The same problem seen first in the deleted run: the kept anomaly stays, without its link.
    ProfileAnomaly.objects.filter(profile_run=younger).update(first_seen_run=older)
    consequence = ProfileAnomaly.objects.create(
        profile_run=older, table_name="sales.orders", column_name="note", anomaly_type="distinct_count_change",
        severity="low", description="follows", detected_at=NOW, caused_by=older.anomalies.first(),
    )
    recent_runs(group)
    report = prune()
    assert not ProfileRun.objects.filter(pk=older.pk).exists()
    assert not ProfileAnomaly.objects.filter(pk=consequence.pk).exists()
    kept = ProfileAnomaly.objects.get(profile_run=younger)
    assert kept.first_seen_run_id is None
    assert report.rows["dq_profiles"] == 1 and report.rows["dq_profile_anomalies"] == 2
    assert report.rows["dq_profile_results"] == 1
    for model in (ProfileColumnValue, ProfileColumn, ProfileResult):
        assert model.objects.filter(profile_run=younger).exists() == (model is ProfileResult)


# --- never what the judges read ---------------------------------------------------------------------------


def test_the_baseline_window_keeps_everything_however_old(retention):
    retention.DQ_RETAIN_RUNS_DAYS = 1000
    group = make_table_group()
    oldest, *window = [stored_run(group, days) for days in (3000, 2000, 1500)]
    prune()
    assert not ProfileRun.objects.filter(pk=oldest.pk).exists()
    for run in window:
        assert (values_of(run), columns_of(run)) == (3, 1)
        assert ProfileRun.objects.get(pk=run.pk).values_pruned_at is None


def test_the_weekday_rhythm_weeks_are_kept_under_a_short_values_limit(retention):
    retention.DQ_RETAIN_VALUES_DAYS = 30
    group = make_table_group()
    outside, inside = stored_run(group, 60), stored_run(group, 50)
    recent_runs(group)
    prune()
    assert (values_of(outside), values_of(inside)) == (0, 3)


def test_the_last_completed_runs_and_the_failure_streak_since_are_kept(retention):
    retention.DQ_RETAIN_RUNS_DAYS = 1000
    group = make_table_group()
    before, last = stored_run(group, 3000), stored_run(group, 2500)
    failures = [stored_run(group, days, status="failed", values=0) for days in (2000, 1500)]
    prune()
    # Both completed runs are the window; the failures since are the streak the failure alert counts.
    assert (values_of(before), values_of(last)) == (3, 3)
    assert all(ProfileRun.objects.filter(pk=run.pk).exists() for run in failures)


def test_the_last_completed_run_by_completion_is_kept_outside_the_window():
    group = make_table_group()
    recompleted = stored_run(group, 91.5, created_days_ago=400)  # completed long after it was created
    stored_run(group, 93), stored_run(group, 92)  # newer by creation: the window
    prune()
    assert values_of(recompleted) == 3


def test_active_runs_are_never_pruned(retention):
    retention.DQ_RETAIN_RUNS_DAYS = 1000
    group = make_table_group()
    active = stored_run(group, None, status="running", created_days_ago=2000)
    prune()
    assert ProfileRun.objects.filter(pk=active.pk).exists() and values_of(active) == 3


# --- batches, dry runs, twice -------------------------------------------------------------------------------


def _deletes(queries, table: str) -> list[str]:
    return [query["sql"] for query in queries if query["sql"].startswith(f'DELETE FROM "{table}"')]


def test_rows_go_in_batches_each_its_own_statement():
    group = make_table_group()
    old = stored_run(group, 100, values=4)  # 5 rows: 2 + 2 + 1
    recent_runs(group)
    with CaptureQueriesContext(connection) as queries:
        report = prune(batch_size=2)
    assert len(_deletes(queries.captured_queries, "dq_profile_column_values")) == 3
    assert values_of(old) == 0 and report.rows["dq_profile_column_values"] == 5


def test_runs_go_in_batches_too(retention):
    retention.DQ_RETAIN_RUNS_DAYS = 1000
    group = make_table_group()
    old = [stored_run(group, 1100 + days) for days in range(3)]
    recent_runs(group)
    with CaptureQueriesContext(connection) as queries:
        report = prune(batch_size=2)
    assert report.rows["dq_profiles"] == 3 and not ProfileRun.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert len(_deletes(queries.captured_queries, "dq_profiles")) == 2


def test_a_dry_run_writes_nothing_and_counts_what_a_prune_deletes(retention):
    retention.DQ_RETAIN_RUNS_DAYS = 1000
    group = make_table_group()
    for days in (1200, 800, 100):
        stored_run(group, days)
    recent_runs(group)
    with CaptureQueriesContext(connection) as queries:
        dry = prune(dry_run=True)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert ProfileColumnValue.objects.count() == 5 * 3
    assert not ProfileRun.objects.filter(values_pruned_at__isnull=False).exists()
    # The dry run counts each level on its own; a prune deletes a run's values once, at the first level to reach it.
    assert dry.rows == {"dq_profile_column_values": 3 * 3 + 3, "dq_profile_columns": 2 + 1, "dq_profile_results": 1,
                        "dq_profile_anomalies": 1, "dq_profiles": 1}
    assert prune().rows == {"dq_profile_column_values": 3 * 3, "dq_profile_columns": 2, "dq_profile_results": 1,
                            "dq_profile_anomalies": 1, "dq_profiles": 1}


def test_a_second_prune_finds_nothing():
    group = make_table_group()
    stored_run(group, 800), stored_run(group, 100)
    recent_runs(group)
    first, second = prune(), prune()
    assert sum(first.rows.values()) > 0 and sum(second.rows.values()) == 0


def test_the_command_prints_per_table_and_dry_run_writes_nothing():
    group = make_table_group()
    old = stored_run(group, (datetime.now(dt_timezone.utc) - NOW).days + 100)
    recent_runs(group)
    ProfileRun.objects.filter(table_group=group).exclude(pk=old.pk).update(
        created_at=datetime.now(dt_timezone.utc), completed_at=datetime.now(dt_timezone.utc)
    )
    out = io.StringIO()
    call_command("prune_profile_data", "--dry-run", stdout=out)
    assert "dq_profile_column_values: would delete 3" in out.getvalue() and values_of(old) == 3
    out = io.StringIO()
    call_command("prune_profile_data", "--batch-size", "1", stdout=out)
    assert "dq_profile_column_values: deleted 3" in out.getvalue() and values_of(old) == 0
    assert "runs: kept forever" in out.getvalue()


# --- the beat entry and the settings ----------------------------------------------------------------------


def test_a_daily_beat_entry_runs_the_prune_and_expires_before_the_next():
    entry = django_settings.CELERY_BEAT_SCHEDULE["prune-profile-data"]
    assert entry["task"] == "dataquality.tasks.prune_profile_data_task" and entry["task"] in celery_app.tasks
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab) and len(schedule.hour) == 1 and len(schedule.minute) == 1
    assert schedule.day_of_week == set(range(7)) and 0 < entry["options"]["expires"] < 24 * 3600


def test_the_task_prunes(retention):
    retention.DQ_RETAIN_VALUES_DAYS = 1
    group = make_table_group()
    old = stored_run(group, (datetime.now(dt_timezone.utc) - NOW).days + 30)
    recent_runs(group, 3)
    ProfileRun.objects.filter(table_group=group).exclude(pk=old.pk).update(completed_at=datetime.now(dt_timezone.utc))
    assert prune_profile_data_task()["dq_profile_column_values"] == 3 and values_of(old) == 0


@pytest.mark.parametrize(("raw", "days"), [("", None), ("0", None), (" 90 ", 90)])
def test_limits_read_empty_or_zero_as_forever(raw, days):
    assert retention_days(raw, name="DQ_RETAIN_RUNS_DAYS") == days


@pytest.mark.parametrize("raw", ["-1", "ninety", "1.5"])
def test_limits_refuse_what_is_not_a_number_of_days(raw):
    with pytest.raises(ValueError, match="DQ_RETAIN_VALUES_DAYS"):
        retention_days(raw, name="DQ_RETAIN_VALUES_DAYS")


@pytest.mark.parametrize(("values", "metrics", "runs", "named"), [
    (90, 30, None, "DQ_RETAIN_METRICS_DAYS"),
    (None, 730, None, "DQ_RETAIN_METRICS_DAYS"),
    (90, 730, 365, "DQ_RETAIN_RUNS_DAYS"),
    (90, None, 365, "DQ_RETAIN_RUNS_DAYS"),
])
def test_no_level_is_kept_shorter_than_the_level_below_it(values, metrics, runs, named):
    with pytest.raises(ValueError, match=named):
        validate_retention(values_days=values, metrics_days=metrics, runs_days=runs, batch_size=10)
    validate_retention(values_days=90, metrics_days=730, runs_days=730, batch_size=1)
    validate_retention(values_days=None, metrics_days=None, runs_days=None, batch_size=1)
    with pytest.raises(ValueError, match="DQ_PRUNE_BATCH_SIZE"):
        validate_retention(values_days=90, metrics_days=730, runs_days=None, batch_size=0)


def test_the_app_refuses_to_start_with_metrics_kept_shorter_than_values():
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "conversioncentral.settings",
               "DQ_RETAIN_VALUES_DAYS": "90", "DQ_RETAIN_METRICS_DAYS": "30"}
    finished = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=environ, capture_output=True,
                              text=True, timeout=120)
    assert finished.returncode != 0
    assert "ImproperlyConfigured" in finished.stderr and "DQ_RETAIN_METRICS_DAYS (30 days)" in finished.stderr


# --- pages and the API after a prune ------------------------------------------------------------------------


def test_a_pruned_run_still_shows_in_the_report_results_and_history(viewer_user, viewer_client):
    group = make_table_group()
    metrics_gone, values_gone = stored_run(group, 800), stored_run(group, 100)
    recent_runs(group)
    prune()
    page = Client()
    page.force_login(viewer_user)
    report = page.get(f"/data-quality/profile-runs/{values_gone.pk}/report")
    assert report.status_code == 200 and "Top values and patterns of this run were pruned on 2026-11-02" in report.text
    report = page.get(f"/data-quality/profile-runs/{metrics_gone.pk}/report")
    assert report.status_code == 200
    assert "Column metrics, top values and patterns of this run were pruned" in report.text

    results = viewer_client.get(f"/data-quality/profile-runs/{values_gone.pk}/results")
    assert results.status_code == 200
    detail = viewer_client.get(f"/data-quality/profile-runs/{values_gone.pk}").json()
    assert detail["values_pruned_at"] is not None and detail["metrics_pruned_at"] is None

    history = viewer_client.get(f"/data-quality/table-groups/{group.pk}/history",
                                {"metric": "null_count", "table": "sales.orders", "column": "note"})
    assert history.status_code == 200
    assert [point["profile_run_id"] for point in history.json()["points"]][0] == str(values_gone.pk)
    rows = viewer_client.get(f"/data-quality/table-groups/{group.pk}/history",
                             {"metric": "row_count", "table": "sales.orders"})
    assert len(rows.json()["points"]) == 4  # a table's row counts outlive its column metrics


# --- beside completions and other prunes ------------------------------------------------------------------


def test_a_run_completed_again_while_the_prune_runs_keeps_its_rows(monkeypatch):
    group = make_table_group()
    late = stored_run(group, 100, status="failed")
    recent_runs(group)
    chunks = _Pruner._chunks

    def complete_after_the_chunk_was_read(self, runs):
        for chunk in chunks(self, runs):
            ProfileRun.objects.filter(pk=late.pk).update(status="completed", completed_at=NOW)  # a late callback
            yield chunk

    monkeypatch.setattr(_Pruner, "_chunks", complete_after_the_chunk_was_read)
    prune(batch_size=2)
    assert values_of(late) == 3 and ProfileRun.objects.get(pk=late.pk).values_pruned_at is None


@pytest.mark.django_db(transaction=True)
def test_two_prunes_at_once_delete_each_row_once():
    group = make_table_group()
    old = [stored_run(group, 100 + days) for days in range(30)]
    window = recent_runs(group)
    reports = []
    run_at_once(*[lambda: reports.append(prune(batch_size=2))] * 2)
    assert len(reports) == 2
    assert sum(report.rows["dq_profile_column_values"] for report in reports) == 3 * len(old)
    assert ProfileColumnValue.objects.filter(profile_run__in=old).count() == 0
    assert ProfileColumnValue.objects.filter(profile_run__in=window).count() == 3 * len(window)
    assert ProfileRun.objects.filter(pk__in=[run.pk for run in old], values_pruned_at__isnull=True).count() == 0
