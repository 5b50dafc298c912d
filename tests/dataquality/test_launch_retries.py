"""Transient faults at launch never fail a run (issue 22): a 429, 5xx, timeout or dropped connection on
jobs/list, jobs/create, jobs/reset or run-now leaves the run queued, and the sweep launches it later with the same
idempotency token; only a refusal (400, 401, 403, 404) or the launch deadline fails it. `started_at` is Databricks'
own start time."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from django.core import mail
from django.utils import timezone

from dataquality.models import ProfileRun, ProfileRunStatus
from dataquality.services.launch.profiling import DataQualityProfilingService, LaunchFailed
from dataquality.services.monitor.sweep import reconcile_profile_runs
from tests.dataquality.fixtures.callback import complete_url, run_client
from tests.dataquality.workspace import JOBS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("retry_settings")]

SEED_PAYLOAD = {"status": "completed", "row_count": 10, "anomalies": []}
RATE_LIMITED = {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests."}


@pytest.fixture
def retry_settings(databricks_settings, callback_secret):
    settings = databricks_settings
    settings.PROFILE_RUN_LAUNCH_RETRY_BASE_SECONDS = 60
    settings.PROFILE_RUN_LAUNCH_RETRY_MAX_SECONDS = 600
    settings.PROFILE_RUN_LAUNCH_DEADLINE_MINUTES = 60
    settings.PROFILE_RUN_SWEEP_THREADS = 1  # the sweep works in the test's own transaction
    settings.PROFILE_FAILURE_ALERT_THRESHOLD = 1
    settings.PROFILE_ALERT_EMAILS = ["dq@example.com"]
    settings.PROFILE_ALERT_WEBHOOK_URL = ""
    return settings


def start(table_group):
    return DataQualityProfilingService().start_profile_for_table_group(table_group=table_group, requested_by="ana")


def reloaded(run: ProfileRun) -> ProfileRun:
    return ProfileRun.objects.get(pk=run.pk)


def time_passes(run: ProfileRun, **delta) -> None:
    """Move the run's clocks back, as if `delta` had passed since it was written, admitted and last looked at."""
    run = reloaded(run)
    ago = timedelta(**delta)
    ProfileRun.objects.filter(pk=run.pk).update(
        created_at=run.created_at - ago,
        admitted_at=run.admitted_at and run.admitted_at - ago,
        next_launch_at=run.next_launch_at and run.next_launch_at - ago,
        last_polled_at=None,
    )


def epoch_ms(moment) -> int:
    return int(moment.timestamp() * 1000)


# --- the launch -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "method", "failure"),
    [
        ("create", "POST", {"status": 429, "json": RATE_LIMITED, "headers": {"Retry-After": "1"}}),
        ("create", "POST", {"status": 503, "json": {"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"}}),
        ("list", "GET", {"body": requests.exceptions.ConnectionError("connection refused")}),
        ("run-now", "POST", {"body": requests.exceptions.ReadTimeout("read timed out")}),
    ],
    ids=["429-create", "503-create", "connection-error-list", "timeout-run-now"],
)
def test_a_transient_error_at_launch_leaves_the_run_queued_with_the_reason(workspace, table_group, endpoint, method, failure):
    if endpoint != "list":
        workspace.no_existing_jobs()
    if endpoint == "run-now":
        workspace.accepts_create()
    workspace.mock.add(method, f"{JOBS}/{endpoint}", **failure)
    before = timezone.now()

    result = start(table_group)

    run = reloaded(result.profile_run)
    assert run.status == ProfileRunStatus.QUEUED and run.completed_at is None
    assert run.launch_attempts == 1
    assert before + timedelta(seconds=60) <= run.next_launch_at <= timezone.now() + timedelta(seconds=60)
    assert run.error_message.startswith("Databricks could not take the launch yet (Databricks")
    assert result.warnings == [run.error_message]
    assert mail.outbox == []  # a run waiting for its next attempt is no failure of the streak


def test_a_429_asking_for_600_seconds_waits_600_seconds_and_is_not_failed(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.accepts_create()
    workspace.mock.post(f"{JOBS}/run-now", status=429, json=RATE_LIMITED, headers={"Retry-After": "600"})

    run = reloaded(start(table_group).profile_run)

    assert run.status == ProfileRunStatus.QUEUED
    assert run.next_launch_at >= run.admitted_at + timedelta(seconds=600)


@pytest.mark.parametrize(
    ("status", "error_code"),
    [(400, "INVALID_PARAMETER_VALUE"), (401, "UNAUTHENTICATED"), (403, "PERMISSION_DENIED"), (404, "RESOURCE_DOES_NOT_EXIST")],
)
def test_a_refusal_at_launch_still_fails_the_run_at_once(workspace, table_group, status, error_code):
    workspace.no_existing_jobs()
    workspace.refuses("create", status, error_code, "No.")

    with pytest.raises(LaunchFailed):
        start(table_group)

    run = ProfileRun.objects.get()
    assert run.status == ProfileRunStatus.FAILED and run.next_launch_at is None
    assert run.error_message.startswith("Databricks refused the launch:")
    assert len(mail.outbox) == 1  # the threshold is 1


def test_the_api_answers_202_with_a_warning_for_a_deferred_launch_and_502_for_a_refusal(operator_client, workspace, table_group):
    workspace.no_existing_jobs()
    workspace.mock.post(f"{JOBS}/create", status=429, json=RATE_LIMITED)

    deferred = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")

    assert deferred.status_code == 202
    assert deferred.json()["status"] == "queued"
    assert deferred.json()["warnings"][0].startswith("Databricks could not take the launch yet")
    ProfileRun.objects.update(status=ProfileRunStatus.CANCELED)
    workspace.mock.replace("POST", f"{JOBS}/create", status=400, json={"error_code": "INVALID_PARAMETER_VALUE", "message": "Bad"})

    refused = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")

    assert refused.status_code == 502 and refused.json()["profile_run"]["status"] == "failed"


# --- the sweep's later attempts ---------------------------------------------------------------------


def test_a_429_on_jobs_create_ends_in_a_completed_run_and_one_databricks_run(workspace, table_group, client):
    workspace.no_existing_jobs()
    workspace.mock.post(f"{JOBS}/create", status=429, json=RATE_LIMITED, headers={"Retry-After": "5"})
    workspace.accepts_create()  # the next jobs/create answers 200
    workspace.accepts_run_now()
    run = start(table_group).profile_run
    assert reloaded(run).status == ProfileRunStatus.QUEUED

    assert reconcile_profile_runs().polled == 0  # its backoff has not passed
    time_passes(run, seconds=61)
    workspace.mock.get(f"{JOBS}/runs/get", json={"run_id": 9001, "start_time": epoch_ms(timezone.now())})
    summary = reconcile_profile_runs()

    assert summary.relaunched == 1
    run = reloaded(run)
    assert run.status == ProfileRunStatus.RUNNING and run.databricks_run_id == "9001"
    assert (run.error_message, run.next_launch_at) == ("", None)
    assert [body["idempotency_token"] for body in workspace.bodies("run-now")] == [str(run.pk)]
    assert run_client(run).post(complete_url(run.pk), SEED_PAYLOAD, format="json").status_code == 200
    assert reloaded(run).status == ProfileRunStatus.COMPLETED


def test_later_attempts_back_off_and_repeat_the_idempotency_token(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.accepts_create()
    workspace.mock.post(f"{JOBS}/run-now", status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"})
    run = start(table_group).profile_run
    waits = []
    for _ in range(3):
        run = reloaded(run)
        waits.append(round((run.next_launch_at - timezone.now()).total_seconds() / 60))
        time_passes(run, seconds=(run.next_launch_at - timezone.now()).total_seconds() + 1)
        assert reconcile_profile_runs().errors == 1

    assert waits == [1, 2, 4]
    assert reloaded(run).launch_attempts == 4
    assert {body["idempotency_token"] for body in workspace.bodies("run-now")} == {str(run.pk)}
    assert reloaded(run).status == ProfileRunStatus.QUEUED and mail.outbox == []


def test_a_launch_still_not_accepted_at_its_deadline_fails_and_only_then_counts_for_the_alert(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.mock.post(f"{JOBS}/create", status=429, json=RATE_LIMITED, headers={"Retry-After": "7200"})
    run = start(table_group).profile_run
    run = reloaded(run)
    assert run.next_launch_at == run.admitted_at + timedelta(minutes=60)  # one last attempt at the deadline
    assert mail.outbox == []

    time_passes(run, minutes=61)
    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert summary.failed == 1 and run.status == ProfileRunStatus.FAILED
    assert run.error_message.startswith("Databricks did not accept the launch within 60 minutes:")
    assert len(mail.outbox) == 1


def test_a_refusal_at_a_later_attempt_fails_the_run(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.mock.post(f"{JOBS}/create", status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"})
    workspace.refuses("create", 400, "INVALID_PARAMETER_VALUE", "Notebook not found")
    run = start(table_group).profile_run
    time_passes(run, minutes=2)

    assert reconcile_profile_runs().failed == 1
    assert "Notebook not found" in reloaded(run).error_message


# --- started_at is Databricks' own ------------------------------------------------------------------


def test_a_relaunched_run_takes_the_start_time_databricks_gave_it_at_the_first_attempt(workspace, table_group):
    """The first attempt's run-now reached Databricks, but its answer was lost: the relaunch's repeated token
    names that run, which Databricks started 40 minutes ago."""
    workspace.no_existing_jobs()
    workspace.accepts_create()
    workspace.mock.post(f"{JOBS}/run-now", body=requests.exceptions.ReadTimeout("read timed out"))
    run = start(table_group).profile_run
    workspace.accepts_run_now()
    started_on_databricks = (timezone.now() - timedelta(minutes=40)).replace(microsecond=0)
    workspace.mock.get(f"{JOBS}/runs/get", json={"run_id": 9001, "start_time": epoch_ms(started_on_databricks)})
    time_passes(run, minutes=2)

    assert reconcile_profile_runs().relaunched == 1

    assert reloaded(run).started_at == started_on_databricks


def test_a_poll_takes_databricks_start_time_and_the_timeout_counts_from_it(workspace, table_group, retry_settings):
    run = ProfileRun.objects.create(
        table_group=table_group, status=ProfileRunStatus.RUNNING, databricks_run_id="9001",
        started_at=timezone.now() - timedelta(minutes=20), payload_path="dbfs:/p.json",
    )
    started_on_databricks = (timezone.now() - timedelta(minutes=181)).replace(microsecond=0)
    workspace.mock.get(f"{JOBS}/runs/get", json={
        "run_id": 9001, "start_time": epoch_ms(started_on_databricks), "state": {"life_cycle_state": "RUNNING"},
    })
    workspace.accepts("runs/cancel")

    summary = reconcile_profile_runs()

    run = reloaded(run)
    assert run.started_at == started_on_databricks
    assert summary.failed == 1 and run.error_message.startswith("Timed out: still RUNNING on Databricks after 180 minutes")
    assert json.loads(workspace.mock.calls[-1].request.body) == {"run_id": 9001}
