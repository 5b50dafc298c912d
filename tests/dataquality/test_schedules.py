"""Scheduled runs: due groups are queued once through the profiling service and launched by the launcher; skips,
catch-up and failures are recorded."""

import datetime as dt

import pytest
from django.conf import settings

from dataquality.models import Connection, Dataset, ProfileRun, TableGroup
from dataquality.services.launch.launch_queue import launch_queued_profile_runs
from dataquality.services.monitor.schedules import next_run_at_for, start_scheduled_profile_runs
from dataquality.tasks import start_scheduled_profile_runs_task
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db

UTC = dt.timezone.utc


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def schedule(group: TableGroup, cron: str, *, zone: str = "UTC", next_run_at: dt.datetime | None = None) -> TableGroup:
    TableGroup.objects.filter(pk=group.pk).update(
        schedule_cron=cron, schedule_timezone=zone, schedule_enabled=True, next_run_at=next_run_at
    )
    group.refresh_from_db()
    return group


def test_a_due_group_queues_one_run_requested_by_the_schedule_which_the_launcher_starts(workspace, table_group):
    workspace.ready()
    now = at(2026, 5, 4, 10, 0, 20)
    schedule(table_group, "0 * * * *", next_run_at=at(2026, 5, 4, 10))

    summary = start_scheduled_profile_runs(now=now)

    run = ProfileRun.objects.get()
    assert (run.table_group_id, run.requested_by, run.status) == (table_group.pk, "schedule", "queued")
    assert (summary.due, summary.queued) == (1, 1)
    assert not workspace.mock.calls  # the tick calls no Databricks API
    assert launch_queued_profile_runs(threads=1).launched == 1
    run.refresh_from_db()
    assert run.status == "running"
    table_group.refresh_from_db()
    assert table_group.next_run_at == at(2026, 5, 4, 11)
    assert start_scheduled_profile_runs(now=now).due == 0
    assert len(workspace.calls_to("run-now")) == 1


def test_a_group_is_not_started_before_its_time_nor_when_disabled(workspace, table_group):
    schedule(table_group, "0 * * * *", next_run_at=at(2026, 5, 4, 11))
    assert start_scheduled_profile_runs(now=at(2026, 5, 4, 10, 59, 59)).due == 0
    TableGroup.objects.filter(pk=table_group.pk).update(schedule_enabled=False)
    assert start_scheduled_profile_runs(now=at(2026, 5, 4, 11, 0, 1)).due == 0
    assert not ProfileRun.objects.exists()


@pytest.mark.parametrize(
    "scheduled_on, due_at, utc_same_hour",
    [
        # 09:00 Berlin: 08:00 UTC on 2026-03-28 (CET), 07:00 UTC on 2026-03-29 (CEST).
        (at(2026, 3, 28, 8, 0, 30), at(2026, 3, 29, 7), None),
        # 09:00 Berlin: 07:00 UTC on 2026-10-24 (CEST), 08:00 UTC on 2026-10-25 (CET).
        (at(2026, 10, 24, 7, 0, 30), at(2026, 10, 25, 8), at(2026, 10, 25, 7, 0, 30)),
    ],
)
def test_due_and_not_due_across_a_daylight_saving_change(workspace, table_group, scheduled_on, due_at, utc_same_hour):
    workspace.ready()
    group = schedule(table_group, "0 9 * * *", zone="Europe/Berlin")
    assert next_run_at_for(group, after=scheduled_on) == due_at
    group = schedule(group, "0 9 * * *", zone="Europe/Berlin", next_run_at=due_at)

    # Not due a minute before, nor at yesterday's UTC time when the clocks went back.
    for too_early in filter(None, (due_at - dt.timedelta(minutes=1), utc_same_hour)):
        assert start_scheduled_profile_runs(now=too_early).due == 0
    summary = start_scheduled_profile_runs(now=due_at + dt.timedelta(seconds=15))

    assert summary.queued == 1
    group.refresh_from_db()
    assert group.next_run_at == due_at + dt.timedelta(days=1)


def test_a_group_with_an_active_run_skips_the_slot_and_records_it(workspace, table_group):
    active = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="1")
    now = at(2026, 5, 4, 10, 0, 5)
    schedule(table_group, "0 * * * *", next_run_at=at(2026, 5, 4, 10))

    summary = start_scheduled_profile_runs(now=now)

    assert (summary.due, summary.skipped, summary.queued) == (1, 1, 0)
    table_group.refresh_from_db()
    assert table_group.schedule_last_skipped_at == now
    assert str(active.pk) in table_group.schedule_last_skip_reason and "running" in table_group.schedule_last_skip_reason
    assert table_group.next_run_at == at(2026, 5, 4, 11)
    assert ProfileRun.objects.count() == 1 and not workspace.mock.calls


def test_after_downtime_a_group_runs_once_not_once_per_missed_slot(workspace, table_group):
    workspace.ready()
    schedule(table_group, "*/10 * * * *", next_run_at=at(2026, 5, 4, 5))  # 30 slots missed since
    now = at(2026, 5, 4, 10, 3)

    summary = start_scheduled_profile_runs(now=now)
    again = start_scheduled_profile_runs(now=now + dt.timedelta(seconds=30))

    assert (summary.queued, again.due) == (1, 0)
    assert ProfileRun.objects.count() == 1
    table_group.refresh_from_db()
    assert table_group.next_run_at == at(2026, 5, 4, 10, 10)


def test_one_group_failing_does_not_stop_the_others(workspace, table_group, monkeypatch):
    workspace.ready()
    monkeypatch.delenv("DATABRICKS_SECRET_REF_MISSING", raising=False)
    other_workspace = Connection.objects.create(name="other", host=HOST, secret_ref="DATABRICKS_SECRET_REF_MISSING")
    broken = TableGroup.objects.create(
        dataset=Dataset.objects.create(name="Finance"), connection=other_workspace, name="ledger", schema_name="fin"
    )
    now = at(2026, 5, 4, 10, 0, 5)
    schedule(broken, "0 * * * *", next_run_at=at(2026, 5, 4, 9, 59))  # due first
    schedule(table_group, "0 * * * *", next_run_at=at(2026, 5, 4, 10))

    summary = start_scheduled_profile_runs(now=now)

    assert (summary.due, summary.failed, summary.queued) == (2, 1, 1)
    broken.refresh_from_db()
    assert broken.schedule_last_skip_reason.startswith("Databricks is not configured: ")
    assert "DATABRICKS_SECRET_REF_MISSING is not set" in broken.schedule_last_skip_reason
    assert broken.schedule_last_skip_reason.count("not configured") == 1
    assert broken.next_run_at == at(2026, 5, 4, 11)  # tried again at its next slot, not every minute
    assert ProfileRun.objects.get().table_group_id == table_group.pk


def test_a_launch_databricks_refuses_is_recorded_by_its_failed_run(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.refuses("create", 400, "INVALID_PARAMETER_VALUE", "bad cluster")
    schedule(table_group, "0 * * * *", next_run_at=at(2026, 5, 4, 10))

    start_scheduled_profile_runs(now=at(2026, 5, 4, 10, 0, 5))
    summary = launch_queued_profile_runs(threads=1)

    run = ProfileRun.objects.get()
    assert (summary.failed, run.status, run.requested_by) == (1, "failed", "schedule")
    assert "bad cluster" in run.error_message


def test_a_schedule_stored_around_the_validators_is_stopped_and_says_why(workspace, table_group):
    schedule(table_group, "0 25 * * *", next_run_at=at(2026, 5, 4, 10))

    summary = start_scheduled_profile_runs(now=at(2026, 5, 4, 10, 0, 5))

    table_group.refresh_from_db()
    assert (summary.skipped, table_group.next_run_at) == (1, None)
    assert "hour field" in table_group.schedule_last_skip_reason
    assert not ProfileRun.objects.exists()


def test_the_beat_task_runs_the_sweep_and_is_in_the_beat_schedule(workspace, table_group):
    entry = settings.CELERY_BEAT_SCHEDULE["start-scheduled-profile-runs"]
    assert entry["task"] == "dataquality.tasks.start_scheduled_profile_runs_task"
    assert entry["schedule"] == 60.0
    assert start_scheduled_profile_runs_task.apply().get() == (
        "due 0, queued 0, skipped 0, failed 0, claimed elsewhere 0"
    )

