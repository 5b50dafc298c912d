"""Pooled job mode: one job per workspace shared by its groups, and retiring the jobs a mode does not use."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import responses
from django.core.management import CommandError, call_command

from dataquality.models import Dataset, PooledJob, ProfileRun, ProfileRunStatus, TableGroup
from dataquality.services.launch import job_settings
from dataquality.services.launch.profiling import DataQualityProfilingService
from tests.dataquality.workspace import HOST, JOBS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pooled(workspace, settings):
    settings.DATABRICKS_JOB_MODE = "pooled"
    settings.DATABRICKS_POOLED_MAX_CONCURRENT_RUNS = 40
    return workspace


@pytest.fixture
def second_group(table_group):
    return TableGroup.objects.create(dataset=table_group.dataset, name="invoices", catalog="main", schema_name="billing")


def start(table_group):
    return DataQualityProfilingService().start_profile_for_table_group(table_group=table_group, requested_by="ana")


def test_two_groups_share_one_pooled_job_each_run_with_its_own_parameters(pooled, table_group, second_group):
    pooled.ready()

    first, second = start(table_group).profile_run, start(second_group).profile_run

    (created,) = pooled.bodies("create")
    assert created["name"] == "conversioncentral-pooled"
    assert created["tags"] == {"conversioncentral_job_mode": "pooled", "conversioncentral_job_prefix": "conversioncentral"}
    assert created["max_concurrent_runs"] == 40
    assert {p["name"]: p["default"] for p in created["parameters"]}["table_group_id"] == ""
    assert first.databricks_job_id == second.databricks_job_id == "101"
    launched = [body["job_parameters"] for body in pooled.bodies("run-now")]
    assert [(p["table_group_id"], p["schema_name"]) for p in launched] == [
        (str(table_group.pk), "sales"), (str(second_group.pk), "billing"),
    ]
    assert PooledJob.objects.get().job_id == "101"
    assert TableGroup.objects.filter(profiling_job_id__isnull=False).count() == 0


def test_pooled_job_takes_no_compute_from_a_connection(pooled, table_group):
    settings_ = job_settings.build_job_settings(table_group)
    assert settings_["tasks"][0]["notebook_task"]["notebook_path"] == "/Repos/dq/conversioncentral/notebooks/profiling"
    other = TableGroup.objects.create(dataset=table_group.dataset, name="other", catalog="x", schema_name="y")
    assert job_settings.build_job_settings(other) == settings_  # one job for every group: identical settings


def test_pooled_job_is_reset_when_its_settings_change(pooled, table_group, settings):
    pooled.ready()
    start(table_group)
    ProfileRun.objects.update(status=ProfileRunStatus.COMPLETED)
    pooled.accepts("reset")
    settings.DATABRICKS_POOLED_MAX_CONCURRENT_RUNS = 80

    result = start(TableGroup.objects.get(pk=table_group.pk))

    (reset,) = pooled.bodies("reset")
    assert reset["job_id"] == 101 and reset["new_settings"]["max_concurrent_runs"] == 80
    assert len(pooled.calls_to("create")) == 1
    assert PooledJob.objects.get().settings_fingerprint == job_settings.fingerprint(reset["new_settings"])
    assert result.profile_run.databricks_job_id == "101"


def test_deleted_pooled_job_is_recreated_once(pooled, table_group):
    fingerprint = job_settings.fingerprint(job_settings.build_job_settings(table_group))
    PooledJob.objects.create(workspace_host=HOST, job_prefix="conversioncentral", job_id="55", settings_fingerprint=fingerprint)
    pooled.no_existing_jobs()
    pooled.accepts_create()
    pooled.refuses("run-now", 400, "INVALID_PARAMETER_VALUE", "Job 55 does not exist.")
    pooled.accepts_run_now()

    result = start(table_group)

    assert [body["job_id"] for body in pooled.bodies("run-now")] == [55, 101]
    assert PooledJob.objects.get().job_id == "101"
    assert result.profile_run.status == ProfileRunStatus.RUNNING


def test_pooled_job_left_by_a_crash_is_adopted_not_duplicated(pooled, table_group):
    pooled.existing_job(77, job_settings.build_job_settings(table_group))
    pooled.accepts("reset")
    pooled.accepts_run_now()

    result = start(table_group)

    assert pooled.calls_to("create") == []
    assert result.profile_run.databricks_job_id == "77"
    assert PooledJob.objects.get().job_id == "77"


def test_a_worker_that_waited_for_the_lock_uses_the_job_another_created(pooled, table_group):
    """The second of two workers finds the job stored once it holds the row lock, and creates none."""
    fingerprint = job_settings.fingerprint(job_settings.build_job_settings(table_group))
    PooledJob.objects.create(workspace_host=HOST, job_prefix="conversioncentral", job_id="88", settings_fingerprint=fingerprint)
    service = DataQualityProfilingService()
    client, target = service._prepare(table_group)

    assert service._create_job(client, target) == "88"
    assert pooled.writes() == []


def test_deleting_a_group_in_pooled_mode_deletes_no_job(pooled, table_group, second_group):
    pooled.ready()
    start(table_group)
    ProfileRun.objects.all().delete()

    from dataquality.services.launch.table_groups import delete_table_group

    delete_table_group(table_group=TableGroup.objects.get(pk=table_group.pk))

    assert not any(call.request.url.startswith(f"{JOBS}/delete") for call in pooled.mock.calls)
    assert PooledJob.objects.get().job_id == "101"


# --- switching modes ------------------------------------------------------------------------------


def active_runs(workspace, job_id, runs):
    workspace.mock.get(
        f"{JOBS}/runs/list", json={"runs": runs},
        match=[responses.matchers.query_param_matcher({"job_id": str(job_id), "active_only": "true", "limit": "1"})],
    )


def test_switch_to_pooled_retires_group_jobs_but_keeps_one_with_an_active_run(pooled, table_group, second_group):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="11", profiling_job_host=HOST, job_settings_fingerprint="f")
    TableGroup.objects.filter(pk=second_group.pk).update(profiling_job_id="12", profiling_job_host=HOST, job_settings_fingerprint="f")
    active_runs(pooled, 11, [])
    active_runs(pooled, 12, [{"run_id": 5}])
    pooled.accepts("delete")

    with pytest.raises(CommandError, match="1 job"):
        call_command("retire_profile_jobs")

    assert [body["job_id"] for body in pooled.bodies("delete")] == [11]
    assert TableGroup.objects.get(pk=table_group.pk).profiling_job_id is None
    assert TableGroup.objects.get(pk=second_group.pk).profiling_job_id == "12"


def test_switch_back_to_per_group_retires_the_pooled_job_and_is_idempotent(workspace, table_group, capsys):
    PooledJob.objects.create(workspace_host=HOST, job_prefix="conversioncentral", job_id="101", settings_fingerprint="f")
    active_runs(workspace, 101, [])
    workspace.accepts("delete")

    call_command("retire_profile_jobs", "--dry-run")
    assert workspace.bodies("delete") == [] and PooledJob.objects.count() == 1

    call_command("retire_profile_jobs")
    call_command("retire_profile_jobs")

    assert [body["job_id"] for body in workspace.bodies("delete")] == [101]
    assert PooledJob.objects.count() == 0
    assert "Retired 0 job(s)" in capsys.readouterr().out


def test_retiring_a_job_already_deleted_on_databricks_clears_it_locally(pooled, table_group):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="11", profiling_job_host=HOST)
    pooled.mock.get(f"{JOBS}/runs/list", status=400, json={"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no job"})

    call_command("retire_profile_jobs")

    assert TableGroup.objects.get(pk=table_group.pk).profiling_job_id is None


# --- settings -------------------------------------------------------------------------------------


def _check(**variables: str) -> subprocess.CompletedProcess:
    """`manage.py check` in a clean environment with these settings (a bad value must stop the start-up)."""
    environ = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "DEBUG": "True", **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "name, value",
    [("DATABRICKS_JOB_MODE", "shared"), ("DATABRICKS_POOLED_MAX_CONCURRENT_RUNS", "0"),
     ("DATABRICKS_POOLED_MAX_CONCURRENT_RUNS", "1001")],
)
def test_bad_job_mode_settings_refuse_to_start(name, value):
    checked = _check(**{name: value})
    assert checked.returncode != 0
    assert f"ImproperlyConfigured: {name}" in checked.stderr


def test_good_job_mode_settings_start():
    checked = _check(DATABRICKS_JOB_MODE="pooled", DATABRICKS_POOLED_MAX_CONCURRENT_RUNS="1000")
    assert checked.returncode == 0, checked.stderr
