"""Failure alerts: one per streak of `PROFILE_FAILURE_ALERT_THRESHOLD` consecutive failed runs of a group."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from dataquality.models import ProfileRun, ProfileRunStatus
from dataquality.services.monitor.alerts import alert_on_failure_streak
from dataquality.services.launch.profiling import DataQualityProfilingService, LaunchFailed
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, make_table_group, run_client

pytestmark = pytest.mark.django_db

WEBHOOK = "https://hooks.example.com/services/T000/B000/secret-path-token"


@pytest.fixture(autouse=True)
def alert_settings(settings):
    settings.PROFILE_FAILURE_ALERT_THRESHOLD = 3
    settings.PROFILE_ALERT_EMAILS = ["dq-oncall@example.com", "data-team@example.com"]
    settings.PROFILE_ALERT_WEBHOOK_URL = ""
    settings.PROFILE_ALERT_WEBHOOK_TIMEOUT_SECONDS = 4
    settings.PROFILE_ALERT_BASE_URL = "https://dq.example.com"
    return settings


@pytest.fixture
def group():
    return make_table_group(name="orders")


def finish(group, status: str, reason: str = "", minutes_ago: int = 0) -> ProfileRun:
    """A run of `group` that has just become `status`, reported as the services do."""
    run = make_profile_run(
        group, status=status, error_message=reason, completed_at=timezone.now(),
        databricks_run_id=None, run_page_url="https://adb-1.azuredatabricks.net/jobs/42/runs/7",
    )
    ProfileRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    if status == ProfileRunStatus.FAILED:
        alert_on_failure_streak(run)
    return run


def fail_times(group, count: int, start: int = 100) -> list[ProfileRun]:
    return [finish(group, "failed", f"failure {n}", minutes_ago=start - n) for n in range(count)]


def test_no_alert_below_the_threshold(group, mailoutbox):
    fail_times(group, 2)
    assert mailoutbox == []


def test_the_threshold_sends_one_alert_naming_the_group_the_failures_and_links(group, mailoutbox):
    runs = fail_times(group, 3)

    (mail,) = mailoutbox
    assert mail.to == ["dq-oncall@example.com", "data-team@example.com"]
    assert "3 profile runs in a row failed" in mail.subject and "'orders'" in mail.subject
    for run in runs:
        assert str(run.pk) in mail.body
        assert f"https://dq.example.com/admin/dataquality/profilerun/{run.pk}/change/" in mail.body
        assert f"https://dq.example.com/data-quality/profile-runs/{run.pk}" in mail.body
    assert [line.strip() for line in mail.body.splitlines() if "reason:" in line] == [
        "reason: failure 2", "reason: failure 1", "reason: failure 0",  # newest first
    ]
    assert "https://adb-1.azuredatabricks.net/jobs/42/runs/7" in mail.body


def test_one_alert_per_streak(group, mailoutbox):
    fail_times(group, 6)
    assert len(mailoutbox) == 1


def test_a_success_resets_the_streak(group, mailoutbox):
    fail_times(group, 3, start=200)
    finish(group, "completed", minutes_ago=150)
    fail_times(group, 2, start=100)
    assert len(mailoutbox) == 1  # the new streak is only two long

    finish(group, "failed", "failure again")
    assert len(mailoutbox) == 2


def test_canceled_runs_neither_count_nor_break_a_streak(group, mailoutbox):
    finish(group, "failed", "a", minutes_ago=50)
    finish(group, "canceled", minutes_ago=40)
    finish(group, "failed", "b", minutes_ago=30)
    assert mailoutbox == []
    finish(group, "failed", "c", minutes_ago=20)
    assert len(mailoutbox) == 1


def test_groups_have_their_own_streaks(group, mailoutbox):
    other = make_table_group(name="customers")
    fail_times(group, 2)
    fail_times(other, 2)
    assert mailoutbox == []


def test_the_webhook_gets_the_alert_as_json_with_a_timeout(group, settings, mailoutbox):
    settings.PROFILE_ALERT_WEBHOOK_URL = WEBHOOK
    with responses.RequestsMock() as hooks:
        hooks.post(WEBHOOK, status=200)
        runs = fail_times(group, 3)
        calls = list(hooks.calls)

    (call,) = calls
    body = json.loads(call.request.body)
    assert body["event"] == "profile_run_failure_streak"
    assert body["table_group"] == {"id": group.pk, "name": "orders", "dataset": group.dataset.name}
    assert body["consecutive_failures"] == 3 and body["threshold"] == 3
    assert [failure["profile_run_id"] for failure in body["failures"]] == [str(run.pk) for run in reversed(runs)]
    assert body["failures"][0]["error_message"] == "failure 2"
    assert body["failures"][0]["links"]["admin"].startswith("https://dq.example.com/admin/")
    assert call.request.req_kwargs["timeout"] == 4
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "answer",
    [{"status": 500}, {"body": requests.exceptions.ConnectTimeout("timed out")}],
    ids=["http-500", "timeout"],
)
def test_a_webhook_failure_is_logged_and_swallowed(group, settings, mailoutbox, caplog, answer):
    settings.PROFILE_ALERT_WEBHOOK_URL = WEBHOOK
    caplog.set_level(logging.WARNING, logger="dataquality.services.monitor.alerts")
    with responses.RequestsMock() as hooks:
        hooks.post(WEBHOOK, **answer)
        fail_times(group, 3)  # no exception

    assert len(mailoutbox) == 1  # the e-mail went all the same
    (logged,) = [record for record in caplog.records if "webhook" in record.message]
    assert logged.message.startswith(f"The alert webhook of table group {group.pk} failed")
    assert "secret-path-token" not in caplog.text  # the URL may hold a token


def test_a_mail_failure_is_logged_and_swallowed(group, settings, caplog):
    settings.EMAIL_BACKEND = "tests.dataquality.test_alerts.BrokenMailBackend"
    fail_times(group, 3)
    assert "Could not e-mail the alert" in caplog.text


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no SMTP server")


# --- where a run becomes failed --------------------------------------------------------------------


def test_a_callback_reporting_failure_counts_towards_the_streak(group, mailoutbox, callback_secret):
    fail_times(group, 2, start=100)
    run = make_profile_run(group)

    response = run_client(run).post(complete_url(run.pk), {"status": "failed", "error_message": "disk full"}, format="json")

    assert response.status_code == 200
    (mail,) = mailoutbox
    assert "disk full" in mail.body


def test_a_launch_databricks_refuses_counts_towards_the_streak(group, mailoutbox, workspace):
    fail_times(group, 2, start=100)
    workspace.no_existing_jobs()
    workspace.refuses("create", 400, "INVALID_PARAMETER_VALUE", "Notebook not found")

    with pytest.raises(LaunchFailed):
        DataQualityProfilingService().start_profile_for_table_group(table_group=group)

    (mail,) = mailoutbox
    assert "Notebook not found" in mail.body


@pytest.mark.django_db(transaction=True)
def test_a_sweep_failing_a_run_counts_towards_the_streak(group, mailoutbox, workspace, settings):
    from dataquality.services.monitor.sweep import reconcile_profile_runs

    fail_times(group, 2, start=100)
    run = make_profile_run(group, databricks_run_id="9001", started_at=timezone.now() - timedelta(hours=1))
    workspace.run_state(9001, "TERMINATED", "FAILED", "Cluster lost")

    assert reconcile_profile_runs().failed == 1

    (mail,) = mailoutbox
    assert "Cluster lost" in mail.body and str(run.pk) in mail.body


def test_the_webhook_path_stays_out_of_debug_logs(group, settings, mailoutbox, caplog):
    """Chat webhooks carry their token in the path, which urllib3 logs with every request at DEBUG."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PROFILE_ALERT_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/services/T000/B000/secret-path-token"
    caplog.set_level(logging.DEBUG)
    try:
        fail_times(group, 3)
    finally:
        server.shutdown()
        server.server_close()

    assert len(mailoutbox) == 1
    assert "secret-path-token" not in caplog.text
