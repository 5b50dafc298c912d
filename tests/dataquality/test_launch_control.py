"""Launch control (docs/launch-control.md): a cap on active runs per workspace, waiting runs launched oldest first
by the launcher, the schedule's tick that only writes queued runs, and a crash between admission and run-now."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dataquality.models import Dataset, ProfileRun, ProfileRunStatus, TableGroup
from dataquality.services.launch import launch_slots
from dataquality.services.launch.launch_queue import launch_queued_profile_runs
from dataquality.services.launch.profiling import DataQualityProfilingService
from dataquality.services.monitor.schedules import start_scheduled_profile_runs
from dataquality.services.monitor.sweep import reconcile_profile_runs
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(settings, workspace):
    """A cap of `cap(n)` active runs in the fake workspace, which accepts every job and run."""
    workspace.ready()

    def set_cap(value: int) -> None:
        settings.DATABRICKS_MAX_ACTIVE_RUNS = value

    return set_cap


def groups(count: int) -> list[TableGroup]:
    dataset = Dataset.objects.create(name="Lake")
    return [
        TableGroup.objects.create(dataset=dataset, name=f"group-{n:02}", catalog="main", schema_name=f"s{n:02}")
        for n in range(count)
    ]


def start(group: TableGroup):
    return DataQualityProfilingService().start_profile_for_table_group(table_group=group)


def finish(*runs: ProfileRun) -> None:
    """The runs end (as a callback would end them), which frees their slots."""
    ProfileRun.objects.filter(pk__in=[run.pk for run in runs]).update(
        status=ProfileRunStatus.COMPLETED, completed_at=timezone.now()
    )


def statuses() -> list[str]:
    return list(ProfileRun.objects.order_by("created_at", "pk").values_list("status", flat=True))


def launch():
    """One launcher pass, in the test's own transaction (the burst test below runs it with its threads)."""
    return launch_queued_profile_runs(threads=1)


def launched_ids(workspace) -> list[str]:
    return [body["job_parameters"]["profile_run_id"] for body in workspace.bodies("run-now")]


def test_a_run_past_the_cap_waits_queued_saying_why_and_calls_no_run_now(cap, workspace):
    cap(2)
    first, second, third = (start(group) for group in groups(3))

    assert [first.profile_run.status, second.profile_run.status] == ["running", "running"]
    waiting = third.profile_run
    assert waiting.status == ProfileRunStatus.QUEUED and waiting.admitted_at is None
    assert waiting.error_message.startswith(f"Waiting for a launch slot: 2 of 2 runs are active in {HOST}")
    assert third.warnings == [waiting.error_message]
    assert len(workspace.calls_to("run-now")) == 2


def test_the_launcher_starts_a_waiting_run_when_a_slot_frees(cap, workspace):
    cap(1)
    first, second = (start(group).profile_run for group in groups(2))
    assert launch().counts() == {
        "admitted": 0, "launched": 0, "deferred": 0, "failed": 0, "gone": 0, "errors": 0, "waiting": 1,
    }

    finish(first)
    summary = launch()

    second.refresh_from_db()
    assert (summary.admitted, summary.launched, summary.waiting) == (1, 1, 0)
    assert second.status == ProfileRunStatus.RUNNING and second.error_message == ""
    assert launched_ids(workspace) == [str(first.pk), str(second.pk)]


def test_a_new_request_never_overtakes_an_older_waiting_run(cap, workspace):
    cap(1)
    first, older, newer = groups(3)
    running = start(first).profile_run
    waiting = start(older).profile_run
    finish(running)  # a slot is free, but `waiting` asked first

    asked_now = start(newer).profile_run

    assert asked_now.status == ProfileRunStatus.QUEUED and asked_now.admitted_at is None
    assert "1 older run(s) wait ahead of this one" in asked_now.error_message
    launch()
    assert ProfileRun.objects.get(pk=waiting.pk).status == ProfileRunStatus.RUNNING
    assert ProfileRun.objects.get(pk=asked_now.pk).status == ProfileRunStatus.QUEUED


def test_no_cap_admits_every_run(cap, workspace):
    cap(0)
    runs = [start(group).profile_run for group in groups(4)]
    assert {run.status for run in runs} == {"running"} and all(run.admitted_at for run in runs)


@pytest.mark.django_db(transaction=True)
def test_a_schedule_burst_drains_at_the_cap_in_creation_order_with_no_run_lost_or_started_twice(cap, workspace):
    cap(5)
    burst = groups(23)
    now = timezone.now()
    TableGroup.objects.update(schedule_cron="0 * * * *", schedule_enabled=True, next_run_at=now - timedelta(minutes=1))

    tick = start_scheduled_profile_runs(now=now)

    assert (tick.due, tick.queued) == (23, 23)
    assert len(workspace.mock.calls) == 0  # the tick itself calls no Databricks API
    order = [str(pk) for pk in ProfileRun.objects.order_by("created_at", "pk").values_list("pk", flat=True)]
    assert len(order) == 23
    batches = []
    while ProfileRun.objects.filter(status=ProfileRunStatus.QUEUED).exists():
        before = len(launched_ids(workspace))
        launch_queued_profile_runs(threads=4 if connection.vendor == "postgresql" else 1)  # SQLite: one writer
        running = list(ProfileRun.objects.filter(status=ProfileRunStatus.RUNNING))
        assert len(running) == min(5, 23 - 5 * len(batches))
        batches.append(sorted(launched_ids(workspace)[before:]))
        finish(*running)

    # Each pass launched the oldest five still waiting (run-now calls within a pass leave from several threads).
    assert batches == [sorted(order[start:start + 5]) for start in range(0, 23, 5)]
    assert sorted(launched_ids(workspace)) == sorted(order)  # each run once
    assert statuses() == ["completed"] * 23


def test_a_crash_between_admission_and_run_now_is_launched_by_the_sweep_with_the_same_token(
    cap, workspace, settings
):
    cap(1)
    first, second = groups(2)
    running = start(first).profile_run
    waiting = start(second).profile_run
    finish(running)
    assert launch_slots.admit_oldest(HOST, 10) == [waiting.pk]  # the launcher dies here, before run-now

    assert launch().admitted == 0  # admitted once: no other launcher takes it again
    assert reconcile_profile_runs(threads=1).relaunched == 0  # the sweep gives the launch its grace period first
    ProfileRun.objects.filter(pk=waiting.pk).update(
        admitted_at=timezone.now() - timedelta(minutes=settings.PROFILE_RUN_QUEUED_GRACE_MINUTES + 1)
    )
    assert reconcile_profile_runs(threads=1).relaunched == 1

    assert ProfileRun.objects.get(pk=waiting.pk).status == ProfileRunStatus.RUNNING
    assert [body["idempotency_token"] for body in workspace.bodies("run-now")] == [str(running.pk), str(waiting.pk)]


def test_the_sweep_leaves_a_waiting_run_alone_however_long_it_waits(cap, workspace, settings):
    cap(1)
    first, second = groups(2)
    start(first)
    waiting = start(second).profile_run
    long_ago = timezone.now() - timedelta(minutes=settings.PROFILE_RUN_TIMEOUT_MINUTES + 60)
    ProfileRun.objects.filter(pk=waiting.pk).update(created_at=long_ago)

    summary = reconcile_profile_runs(run_ids=[waiting.pk], threads=1)

    assert summary.details[str(waiting.pk)] == "untouched (queued, waiting for a launch slot)"
    assert ProfileRun.objects.get(pk=waiting.pk).status == ProfileRunStatus.QUEUED


def test_the_launch_deadline_counts_from_admission_not_from_the_wait(cap, workspace, settings):
    cap(1)
    first, second = groups(2)
    running = start(first).profile_run
    waiting = start(second).profile_run
    ProfileRun.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=3))
    finish(running)
    workspace.mock.replace("POST", "https://adb-1234.5.azuredatabricks.net/api/2.2/jobs/run-now", status=503, json={})

    summary = launch()

    waiting.refresh_from_db()
    assert summary.deferred == 1 and waiting.status == ProfileRunStatus.QUEUED
    assert waiting.next_launch_at > timezone.now()


def test_a_canceled_waiting_run_frees_nothing_and_is_never_launched(cap, workspace, operator_client):
    cap(1)
    first, second = groups(2)
    running = start(first).profile_run
    waiting = start(second).profile_run

    answer = operator_client.post(f"/data-quality/profile-runs/{waiting.pk}/cancel")

    assert answer.status_code in (200, 202), answer.content
    finish(running)
    assert launch().admitted == 0
    assert launched_ids(workspace) == [str(running.pk)]


def test_the_api_answers_202_with_the_waiting_reason(cap, workspace, operator_client):
    cap(1)
    first, second = groups(2)
    start(first)

    answer = operator_client.post(f"/data-quality/table-groups/{second.pk}/profile-runs")

    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["status"] == "queued" and body["databricks_run_id"] is None
    assert body["warnings"][0].startswith("Waiting for a launch slot: 1 of 1 runs are active")


def test_the_tick_task_sets_the_launcher_going_when_it_queued_runs(cap, workspace, monkeypatch, settings):
    from dataquality import tasks

    sent = []
    monkeypatch.setattr(tasks.launch_queued_profile_runs_task, "delay", lambda: sent.append(1))
    assert tasks.start_scheduled_profile_runs_task.apply().get().startswith("due 0, queued 0")
    assert sent == []

    (group,) = groups(1)
    TableGroup.objects.filter(pk=group.pk).update(
        schedule_cron="0 * * * *", schedule_enabled=True, next_run_at=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.start_scheduled_profile_runs_task.apply().get().startswith("due 1, queued 1")
    assert sent == [1]
    entry = settings.CELERY_BEAT_SCHEDULE["launch-queued-profile-runs"]
    assert (entry["task"], entry["schedule"]) == ("dataquality.tasks.launch_queued_profile_runs_task", 30.0)


def test_a_waiting_run_whose_workspace_is_no_longer_configured_fails_with_the_reason_at_its_turn(
    cap, workspace, settings
):
    cap(1)
    first, second = groups(2)
    running = start(first).profile_run
    waiting = start(second).profile_run
    finish(running)
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = ""  # the settings changed while it waited

    summary = launch()

    waiting.refresh_from_db()
    assert (summary.admitted, summary.failed) == (1, 1)
    assert waiting.status == ProfileRunStatus.FAILED
    assert "DATABRICKS_PROFILE_CALLBACK_SECRET" in waiting.error_message
    assert launched_ids(workspace) == [str(running.pk)]


def test_a_refused_launch_at_its_turn_fails_the_run_and_frees_its_slot(cap, workspace):
    cap(1)
    first, second, third = groups(3)
    running = start(first).profile_run
    refused, later = start(second).profile_run, start(third).profile_run
    finish(running)
    workspace.mock.replace("POST", f"{HOST}/api/2.2/jobs/run-now", status=400,
                           json={"error_code": "INVALID_PARAMETER_VALUE", "message": "no such notebook"})
    workspace.mock.post(f"{HOST}/api/2.2/jobs/run-now", json={"run_id": 77})  # the next run-now is accepted

    summary = launch()

    # The refused run gave its slot back at once, and the same pass gave it to the next run in line.
    assert (summary.admitted, summary.failed, summary.launched) == (2, 1, 1)
    assert ProfileRun.objects.get(pk=refused.pk).status == ProfileRunStatus.FAILED
    assert ProfileRun.objects.get(pk=later.pk).status == ProfileRunStatus.RUNNING
