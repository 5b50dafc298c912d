"""The profiling service against a fake workspace: job life cycle, launch, and failure handling."""

import json

import pytest

from dataquality.models import ProfileRun, ProfileRunStatus, TableGroup
from dataquality.services.launch import job_settings
from dataquality.services.results.callback_tokens import make_callback_token, token_matches
from dataquality.services.launch.profiling import ActiveRunExists, DataQualityProfilingService, LaunchFailed
from tests.dataquality.workspace import HOST, JOBS

pytestmark = pytest.mark.django_db


def start(table_group):
    return DataQualityProfilingService().start_profile_for_table_group(table_group=table_group, requested_by="ana")


def test_first_run_creates_the_job_and_launches_with_token_and_parameters(workspace, table_group):
    workspace.ready()

    result = start(table_group)

    run = result.profile_run
    assert run.status == ProfileRunStatus.RUNNING
    assert run.databricks_run_id == "9001" and run.databricks_job_id == "101"
    assert run.run_page_url == "https://adb-1234.5.azuredatabricks.net/jobs/101/runs/9001"
    assert run.started_at is not None
    (created,) = workspace.bodies("create")
    assert created["name"] == f"conversioncentral-{table_group.pk}"
    assert created["tags"]["conversioncentral_table_group_id"] == str(table_group.pk)
    assert created["max_concurrent_runs"] == 1
    assert created["timeout_seconds"] == 180 * 60
    assert created["tasks"][0]["notebook_task"] == {
        "notebook_path": "/Repos/dq/conversioncentral/notebooks/profiling",
        "source": "WORKSPACE",
    }
    (launched,) = workspace.bodies("run-now")
    assert launched["job_id"] == 101
    assert launched["idempotency_token"] == str(run.pk)
    params = launched["job_parameters"]
    assert params["table_group_id"] == str(table_group.pk)
    assert params["profile_run_id"] == str(run.pk)
    assert params["payload_path"] == f"dbfs:/conversioncentral/profiles/{table_group.pk}/{run.pk}.json"
    assert params["callback_url"] == f"https://dq.example.com/data-quality/testgen/profile-runs/{run.pk}/complete"
    assert token_matches(run.pk, params["callback_token"])
    assert (params["catalog"], params["schema_name"], params["include_mask"]) == ("main", "sales", "%")
    table_group.refresh_from_db()
    assert table_group.profiling_job_id == "101"
    assert result.summary()["status"] == "running"


def test_job_is_reused_while_its_settings_are_unchanged(workspace, table_group):
    workspace.ready()
    start(table_group)
    ProfileRun.objects.update(status=ProfileRunStatus.COMPLETED)

    start(TableGroup.objects.get(pk=table_group.pk))

    assert len(workspace.calls_to("create")) == 1
    assert workspace.calls_to("reset") == []
    assert [body["job_id"] for body in workspace.bodies("run-now")] == [101, 101]


def test_job_is_reset_when_its_settings_change(workspace, table_group, settings):
    workspace.ready()
    workspace.accepts("reset")
    start(table_group)
    ProfileRun.objects.update(status=ProfileRunStatus.COMPLETED)
    settings.DATABRICKS_PROFILE_CLUSTER_ID = "0101-abcdef"

    result = start(TableGroup.objects.get(pk=table_group.pk))

    (reset,) = workspace.bodies("reset")
    assert reset["job_id"] == 101
    assert reset["new_settings"]["tasks"][0]["existing_cluster_id"] == "0101-abcdef"
    assert any("updated" in warning for warning in result.warnings)
    assert len(workspace.calls_to("create")) == 1


def test_job_deleted_on_databricks_is_recreated(workspace, table_group):
    table_group.profiling_job_id = "55"
    table_group.profiling_job_host = HOST
    table_group.job_settings_fingerprint = job_settings.fingerprint(job_settings.build_job_settings(table_group))
    table_group.save()
    workspace.no_existing_jobs()
    workspace.accepts_create()
    workspace.refuses("run-now", 400, "INVALID_PARAMETER_VALUE", "Job 55 does not exist.")
    workspace.accepts_run_now()

    result = start(table_group)

    assert result.profile_run.status == ProfileRunStatus.RUNNING
    assert result.profile_run.databricks_job_id == "101"
    assert [body["job_id"] for body in workspace.bodies("run-now")] == [55, 101]
    assert any("recreated" in warning for warning in result.warnings)


def test_reset_of_a_deleted_job_recreates_it(workspace, table_group):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="55", profiling_job_host=HOST, job_settings_fingerprint="stale")
    workspace.refuses("reset", 404, "RESOURCE_DOES_NOT_EXIST", "Job 55 does not exist.")
    workspace.ready()

    result = start(TableGroup.objects.get(pk=table_group.pk))

    assert result.profile_run.databricks_job_id == "101"


def test_own_job_left_by_a_crash_is_adopted_not_duplicated(workspace, table_group):
    settings_ = job_settings.build_job_settings(table_group)
    workspace.existing_job(77, settings_)
    workspace.accepts("reset")
    workspace.accepts_run_now()

    result = start(table_group)

    assert workspace.calls_to("create") == []
    assert result.profile_run.databricks_job_id == "77"


def test_a_job_someone_else_created_under_our_name_is_not_adopted(workspace, table_group):
    workspace.existing_job(77, job_settings.build_job_settings(table_group), creator="someone@example.com")
    workspace.accepts_create()
    workspace.accepts_run_now()

    result = start(table_group)

    assert len(workspace.calls_to("create")) == 1 and workspace.calls_to("reset") == []
    assert result.profile_run.databricks_job_id == "101"


def test_refused_submission_marks_the_run_failed(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.accepts_create()
    workspace.refuses("run-now", 400, "INVALID_STATE", "Cluster policy forbids this.")

    with pytest.raises(LaunchFailed) as caught:
        start(table_group)

    run = ProfileRun.objects.get()
    assert caught.value.profile_run.pk == run.pk
    assert run.status == ProfileRunStatus.FAILED
    assert "Cluster policy forbids this." in run.error_message
    assert run.completed_at is not None


def test_refused_job_creation_marks_the_run_failed(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.refuses("create", 403, "PERMISSION_DENIED", "Not allowed to create jobs.")

    with pytest.raises(LaunchFailed):
        start(table_group)

    assert ProfileRun.objects.get().status == ProfileRunStatus.FAILED
    assert workspace.calls_to("run-now") == []


def test_second_active_run_is_refused(workspace, table_group):
    workspace.ready()
    first = start(table_group).profile_run

    with pytest.raises(ActiveRunExists) as caught:
        start(table_group)

    assert caught.value.profile_run.pk == first.pk
    assert ProfileRun.objects.count() == 1
    assert len(workspace.calls_to("run-now")) == 1


def test_relaunch_of_a_queued_run_reuses_the_idempotency_token(workspace, table_group):
    workspace.ready()
    service = DataQualityProfilingService()
    run = service._create_run(table_group, HOST, "ana")  # a crash left it queued

    service.relaunch(run)

    (launched,) = workspace.bodies("run-now")
    assert launched["idempotency_token"] == str(run.pk)
    run.refresh_from_db()
    assert run.status == ProfileRunStatus.RUNNING


def test_compute_prefers_cluster_then_job_cluster_then_serverless(databricks_settings, table_group):
    serverless = job_settings.build_job_settings(table_group)
    assert "existing_cluster_id" not in serverless["tasks"][0] and "job_clusters" not in serverless

    databricks_settings.DATABRICKS_PROFILE_SPARK_VERSION = "15.4.x-scala2.12"
    databricks_settings.DATABRICKS_PROFILE_NODE_TYPE_ID = "Standard_D4ds_v5"
    databricks_settings.DATABRICKS_PROFILE_NUM_WORKERS = 2
    databricks_settings.DATABRICKS_PROFILE_POLICY_ID = "POLICY1"
    job_cluster = job_settings.build_job_settings(table_group)
    assert job_cluster["tasks"][0]["job_cluster_key"] == "profiling"
    assert job_cluster["job_clusters"][0]["new_cluster"] == {
        "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_D4ds_v5", "num_workers": 2, "policy_id": "POLICY1",
    }

    databricks_settings.DATABRICKS_PROFILE_CLUSTER_ID = "0101-abcdef"
    existing = job_settings.build_job_settings(table_group)
    assert existing["tasks"][0]["existing_cluster_id"] == "0101-abcdef" and "job_clusters" not in existing


def test_git_source_runs_the_notebook_from_the_repository(databricks_settings, table_group):
    databricks_settings.DATABRICKS_PROFILE_GIT_URL = "https://github.com/acme/conversioncentral"
    databricks_settings.DATABRICKS_PROFILE_GIT_BRANCH = "release"

    built = job_settings.build_job_settings(table_group)

    assert built["git_source"] == {
        "git_url": "https://github.com/acme/conversioncentral", "git_provider": "gitHub", "git_branch": "release",
    }
    assert built["tasks"][0]["notebook_task"] == {"notebook_path": "notebooks/profiling", "source": "GIT"}


def test_a_run_now_answer_without_a_run_id_fails_the_run_instead_of_leaving_it_queued(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.accepts_create()
    workspace.accepts("run-now", {"number_in_job": 1})

    with pytest.raises(LaunchFailed):
        start(table_group)

    run = ProfileRun.objects.get()
    assert run.status == ProfileRunStatus.FAILED
    assert "run_id" in run.error_message


def test_a_create_answer_without_a_job_id_fails_the_run_and_stores_no_job(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.accepts("create", {})

    with pytest.raises(LaunchFailed):
        start(table_group)

    assert ProfileRun.objects.get().status == ProfileRunStatus.FAILED
    table_group.refresh_from_db()
    assert table_group.profiling_job_id is None


def test_a_refusal_echoing_the_callback_token_never_stores_it(workspace, table_group):
    workspace.no_existing_jobs()
    workspace.accepts_create()

    def echo(request):
        token = json.loads(request.body)["job_parameters"]["callback_token"]
        return 400, {}, json.dumps({"error_code": "INVALID_PARAMETER_VALUE", "message": f"bad value {token}"})

    workspace.mock.add_callback("POST", f"{JOBS}/run-now", callback=echo)

    with pytest.raises(LaunchFailed) as caught:
        start(table_group)

    run = ProfileRun.objects.get()
    assert "bad value ***" in run.error_message
    assert make_callback_token(run.pk) not in run.error_message + str(caught.value)


def test_blank_include_mask_is_sent_as_every_table(workspace, table_group):
    TableGroup.objects.filter(pk=table_group.pk).update(include_mask="")
    workspace.ready()

    start(TableGroup.objects.get(pk=table_group.pk))

    (launched,) = workspace.bodies("run-now")
    assert launched["job_parameters"]["include_mask"] == "%"
