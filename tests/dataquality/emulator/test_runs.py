"""Runs executed for real (the tiny notebook, in a subprocess): run-now, runs get/list/get-output, run pages."""

import json

import pytest
import requests

from tests.dataquality.emulator.conftest import TOKEN


def test_a_run_goes_from_pending_to_success_with_both_state_objects(api, emulator):
    job_id = api.create_job()

    answer = api.post("/api/2.2/jobs/run-now", {"job_id": job_id})
    run_id = answer.json()["run_id"]
    first = api.run(run_id)
    run = api.wait_for(run_id)

    assert answer.json() == {"run_id": run_id, "number_in_job": run_id}
    assert first["state"]["life_cycle_state"] in ("PENDING", "RUNNING", "TERMINATED")
    assert run["job_id"] == job_id and run["number_in_job"] == run_id
    assert run["state"] == {
        "life_cycle_state": "TERMINATED", "result_state": "SUCCESS", "state_message": "",
        "user_cancelled_or_timedout": False,
    }
    assert run["status"] == {
        "state": "TERMINATED", "termination_details": {"code": "SUCCESS", "type": "SUCCESS", "message": ""},
    }
    assert run["run_page_url"] == f"{emulator.url}/jobs/{job_id}/runs/{run_id}"
    assert run["start_time"] > 0 and run["end_time"] >= run["start_time"]
    (task,) = run["tasks"]
    assert task["task_key"] == "profile" and task["run_id"] != run_id and task["state"] == run["state"]


def test_links_follow_the_address_the_client_used(api):
    run_id = api.run_now(api.create_job())

    answer = api.session.get(
        f"{api.base_url}/api/2.2/jobs/runs/get", params={"run_id": run_id}, headers={"Host": "emulator:8765"}, timeout=10
    )
    odd = api.session.get(
        f"{api.base_url}/api/2.2/jobs/runs/get", params={"run_id": run_id}, headers={"Host": "a\"b"}, timeout=10
    )

    assert answer.json()["run_page_url"] == f"http://emulator:8765/jobs/{answer.json()['job_id']}/runs/{run_id}"
    assert odd.json()["run_page_url"].startswith(api.base_url)  # an unusable Host header falls back to the server


def test_job_parameters_and_run_now_parameters_become_widgets(api):
    job_id = api.create_job(parameters=[{"name": "table_group_id", "default": "7"}, {"name": "catalog", "default": "main"}])

    run_id = api.run_now(job_id, job_parameters={"catalog": "dev", "profile_run_id": "r-1"})
    run = api.wait_for(run_id)
    output = api.get("/api/2.2/jobs/runs/get-output", run_id=run["tasks"][0]["run_id"]).json()

    summary = json.loads(output["notebook_output"]["result"])
    assert summary["widgets"] == {"table_group_id": "7", "catalog": "dev", "profile_run_id": "r-1"}
    assert {"name": "catalog", "default": "main", "value": "dev"} in run["job_parameters"]
    assert summary["drop_callback"] == "" and summary["warehouse_root"].endswith("warehouse")


def test_the_notebook_never_sees_the_emulators_databricks_settings(api, monkeypatch):
    monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
    monkeypatch.setenv("DQ_WIDGET_mode", "fail")  # a leftover widget must not reach the run either
    run = api.wait_for(api.run_now(api.create_job()))

    output = api.get("/api/2.2/jobs/runs/get-output", run_id=run["tasks"][0]["run_id"]).json()

    assert run["state"]["result_state"] == "SUCCESS"
    assert json.loads(output["notebook_output"]["result"])["inherited_databricks_settings"] == []


@pytest.mark.parametrize("path", ["/Workspace/Repos/dq/conversioncentral/notebooks/tiny", "/Repos/x/notebooks/tiny.py"])
def test_workspace_notebook_paths_map_onto_the_repository(api, path):
    run = api.wait_for(api.run_now(api.create_job(notebook_path=path)))

    assert run["state"]["result_state"] == "SUCCESS"


def test_git_source_relative_paths_map_onto_the_repository(api):
    job_id = api.create_job(
        notebook_path="notebooks/tiny", git_source={"git_url": "https://example.com/r.git", "git_provider": "gitHub",
                                                    "git_branch": "main"},
    )

    run = api.wait_for(api.run_now(job_id))

    assert run["state"]["result_state"] == "SUCCESS" and run["git_source"]["git_branch"] == "main"


@pytest.mark.parametrize("path", ["/Repos/x/notebooks/missing", "/Repos/x/other/tiny", "notebooks/../notebooks/tiny"])
def test_a_notebook_that_cannot_be_found_fails_the_run_with_a_reason(api, path):
    run = api.wait_for(api.run_now(api.create_job(notebook_path=path)))

    assert run["state"]["result_state"] == "FAILED"
    assert run["status"]["termination_details"]["code"] == "INVALID_RUN_CONFIGURATION"
    assert path in run["state"]["state_message"]


def test_a_failing_notebook_ends_failed_with_its_exception(api):
    job_id = api.create_job(parameters=[{"name": "mode", "default": "fail"}])

    run = api.wait_for(api.run_now(job_id))
    output = api.get("/api/2.2/jobs/runs/get-output", run_id=run["tasks"][0]["run_id"]).json()

    assert run["state"]["life_cycle_state"] == "TERMINATED" and run["state"]["result_state"] == "FAILED"
    assert run["state"]["state_message"] == "RuntimeError: boom <script>alert(1)</script>"
    assert run["status"]["termination_details"]["code"] == "RUN_EXECUTION_ERROR"
    assert output["error"] == "RuntimeError: boom <script>alert(1)</script>"
    assert output["error_trace"].startswith("Traceback (most recent call last)") and "notebook_output" not in output


def test_get_output_of_the_job_run_itself_is_refused_as_databricks_does(api):
    run_id = api.run_now(api.create_job())

    answer = api.get("/api/2.2/jobs/runs/get-output", run_id=run_id)

    assert answer.status_code == 400
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert answer.json()["message"].startswith("Retrieving the output of runs with multiple tasks is not supported")


def test_runs_get_answers_for_a_task_run_id_too(api):
    run = api.wait_for(api.run_now(api.create_job()))

    task_run = api.run(run["tasks"][0]["run_id"])

    assert task_run["run_id"] == run["tasks"][0]["run_id"] and task_run["parent_run_id"] == run["run_id"]
    assert task_run["state"] == run["state"]


def test_the_same_idempotency_token_returns_the_same_run_and_starts_no_other(api):
    job_id = api.create_job(max_concurrent_runs=5)

    first = api.run_now(job_id, idempotency_token="profile-run-1")
    again = api.run_now(job_id, idempotency_token="profile-run-1")
    other = api.run_now(job_id, idempotency_token="profile-run-2")

    assert first == again != other
    assert len(api.get("/api/2.2/jobs/runs/list", job_id=job_id).json()["runs"]) == 2


def test_a_too_long_idempotency_token_is_refused(api):
    answer = api.post("/api/2.2/jobs/run-now", {"job_id": api.create_job(), "idempotency_token": "x" * 65})

    assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_runs_list_filters_and_pages(api):
    job_id = api.create_job(max_concurrent_runs=10)
    other_job = api.create_job()
    run_ids = [api.run_now(job_id) for _ in range(3)]
    api.run_now(other_job)
    for run_id in run_ids:
        api.wait_for(run_id)

    page = api.get("/api/2.2/jobs/runs/list", job_id=job_id, limit=2).json()
    rest = api.get("/api/2.2/jobs/runs/list", job_id=job_id, limit=2, page_token=page["next_page_token"]).json()
    completed = api.get("/api/2.2/jobs/runs/list", job_id=job_id, completed_only="true").json()
    active = api.get("/api/2.2/jobs/runs/list", job_id=job_id, active_only="true").json()

    assert [run["run_id"] for run in page["runs"] + rest["runs"]] == run_ids[::-1]
    assert page["has_more"] is True and rest["has_more"] is False and "tasks" not in page["runs"][0]
    assert len(completed["runs"]) == 3 and "runs" not in active
    both = api.get("/api/2.2/jobs/runs/list", active_only="true", completed_only="true")
    too_many = api.get("/api/2.2/jobs/runs/list", limit=26)
    assert both.status_code == too_many.status_code == 400


def test_missing_runs_follow_the_api_versions_error_shapes(api):
    assert api.get("/api/2.2/jobs/runs/get", run_id=424242).json() == {
        "error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run 424242 does not exist."
    }
    assert api.get("/api/2.1/jobs/runs/get", run_id=424242).status_code == 400
    assert api.post("/api/2.2/jobs/runs/cancel", {"run_id": 424242}).status_code == 404
    assert api.post("/api/2.2/jobs/run-now", {"job_id": 424242}).status_code == 404


def test_the_run_page_shows_state_and_the_escaped_log(api, emulator):
    job_id = api.create_job(parameters=[{"name": "mode", "default": "fail"}])
    run = api.wait_for(api.run_now(job_id))

    page = requests.get(run["run_page_url"], timeout=10)
    index = requests.get(f"{emulator.url}/", timeout=10)

    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "TERMINATED / FAILED" in page.text and "tiny notebook starting in mode fail" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "boom &lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert run["run_page_url"].removeprefix(emulator.url) in index.text
    assert requests.get(f"{emulator.url}/jobs/{job_id}/runs/999", timeout=10).status_code == 404
