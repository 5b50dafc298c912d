"""The app's launch against the stand-in's fault injection (issue 22): a 429 on jobs/create leaves the run queued,
the sweep launches it later, and it completes as one Databricks run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dataquality.emulator.faults import FaultSettings
from dataquality.models import ProfileRun, ProfileRunStatus
from dataquality.services.launch.profiling import DataQualityProfilingService
from dataquality.services.monitor.run_states import start_time_of
from dataquality.services.monitor.sweep import reconcile_profile_runs
from tests.dataquality.emulator.conftest import TOKEN, Api
from tests.dataquality.fixtures.callback import SECRET, complete_url, run_client
from tests.workspace_settings import pointed_at_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_on_the_stand_in(settings, make_emulator):
    emulator = make_emulator(FaultSettings(fail_requests=1, fail_status=429, fail_path="/jobs/create", retry_after=600))
    with pointed_at_workspace(
        settings, host=emulator.url, token=TOKEN, notebook_path="/Workspace/Repos/me/repo/notebooks/tiny",
        callback_url="http://testserver", callback_secret=SECRET, retry_max_seconds=0.0,
        PROFILE_RUN_SWEEP_THREADS=1, PROFILE_ALERT_EMAILS=[], PROFILE_ALERT_WEBHOOK_URL="",
    ):
        yield Api(emulator.url)


def test_a_429_on_jobs_create_ends_in_a_completed_run_and_one_databricks_run(app_on_the_stand_in, table_group):
    stand_in = app_on_the_stand_in

    started = DataQualityProfilingService().start_profile_for_table_group(table_group=table_group)

    run = ProfileRun.objects.get(pk=started.profile_run.pk)
    assert run.status == ProfileRunStatus.QUEUED and "429" in started.warnings[0]
    assert run.next_launch_at >= run.created_at + timedelta(seconds=600)  # the stand-in's Retry-After
    assert reconcile_profile_runs().polled == 0
    ProfileRun.objects.filter(pk=run.pk).update(next_launch_at=run.next_launch_at - timedelta(seconds=601))

    assert reconcile_profile_runs().relaunched == 1

    run = ProfileRun.objects.get(pk=run.pk)
    assert run.status == ProfileRunStatus.RUNNING
    runs = stand_in.get("/api/2.2/jobs/runs/list", job_id=run.databricks_job_id).json()["runs"]
    assert [str(each["run_id"]) for each in runs] == [run.databricks_run_id]
    assert run.started_at == _start_time(stand_in, run.databricks_run_id)
    response = run_client(run).post(complete_url(run.pk), {"status": "completed", "row_count": 1}, format="json")
    assert response.status_code == 200 and ProfileRun.objects.get(pk=run.pk).status == ProfileRunStatus.COMPLETED


def _start_time(stand_in: Api, run_id: str):
    return start_time_of(stand_in.get("/api/2.2/jobs/runs/get", run_id=run_id).json())
