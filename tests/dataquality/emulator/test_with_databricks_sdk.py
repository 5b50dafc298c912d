"""The official Databricks SDK drives the emulator too: it is a stand-in for Databricks, not for our client."""

import datetime

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, NotFound, PermissionDenied
from databricks.sdk.service import jobs

from tests.dataquality.emulator.conftest import TOKEN


@pytest.fixture
def workspace(emulator):
    return WorkspaceClient(host=emulator.url, token=TOKEN, auth_type="pat")


def test_the_sdk_creates_runs_and_reads_a_job(workspace):
    job = workspace.jobs.create(
        name="sdk-job",
        tasks=[jobs.Task(task_key="t", notebook_task=jobs.NotebookTask(notebook_path="notebooks/tiny"))],
        parameters=[jobs.JobParameterDefinition(name="mode", default="ok")],
    )

    run = workspace.jobs.run_now_and_wait(
        job_id=job.job_id, job_parameters={"mode": "ok"}, timeout=datetime.timedelta(seconds=60)
    )
    output = workspace.jobs.get_run_output(run.tasks[0].run_id)

    assert [listed.settings.name for listed in workspace.jobs.list(name="SDK-JOB")] == ["sdk-job"]
    assert run.state.result_state == jobs.RunResultState.SUCCESS
    assert run.status.termination_details.code == jobs.TerminationCodeCode.SUCCESS
    assert '"mode": "ok"' in output.notebook_output.result
    assert [listed.run_id for listed in workspace.jobs.list_runs(job_id=job.job_id)] == [run.run_id]
    with pytest.raises(InvalidParameterValue, match="multiple tasks"):
        workspace.jobs.get_run_output(run.run_id)
    workspace.jobs.delete(job.job_id)
    with pytest.raises(NotFound):
        workspace.jobs.get(job.job_id)


def test_the_sdk_reads_dbfs_and_volume_files(workspace, emulator):
    (emulator.config.dbfs_root / "p").mkdir(parents=True)
    (emulator.config.dbfs_root / "p" / "x.json").write_text("hello")
    volume = emulator.config.volumes_root / "main" / "dq" / "v" / "y.json"
    volume.parent.mkdir(parents=True)
    volume.write_text("volume")

    assert workspace.dbfs.read("/p/x.json").data == "aGVsbG8="
    assert workspace.files.download("/Volumes/main/dq/v/y.json").contents.read() == b"volume"


def test_the_sdk_maps_a_wrong_token_to_permission_denied(emulator):
    wrong = WorkspaceClient(host=emulator.url, token="dapi-wrong", auth_type="pat")

    with pytest.raises(PermissionDenied, match="Invalid access token"):
        wrong.jobs.get(1)
