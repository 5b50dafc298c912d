"""Fault injection: refused requests, latency, forced run results, a dropped callback; by settings, environment
and live through `/emulator/faults`."""

import json
import time

import pytest
import requests

from dataquality.databricks.client import DatabricksClient
from dataquality.databricks.errors import DatabricksRateLimited
from dataquality.emulator.faults import FaultInjector, FaultSettings
from tests.dataquality.emulator.conftest import TOKEN, Api


def test_the_next_n_requests_get_429_with_retry_after_then_normal_answers(make_emulator):
    api = Api(make_emulator(FaultSettings(fail_requests=2, retry_after=3)).url)

    answers = [api.get("/api/2.2/jobs/list") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "3"
    assert answers[0].json() == {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests (injected fault)."}


def test_503_and_a_path_filter(make_emulator):
    api = Api(make_emulator(FaultSettings(fail_requests=1, fail_status=503, fail_path="/jobs/run-now")).url)
    job_id = api.create_job()  # not matched: answered normally

    refused = api.post("/api/2.2/jobs/run-now", {"job_id": job_id})
    accepted = api.post("/api/2.2/jobs/run-now", {"job_id": job_id})

    assert refused.status_code == 503 and "Retry-After" not in refused.headers
    assert refused.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
    assert accepted.status_code == 200
    assert len(api.get("/api/2.2/jobs/runs/list", job_id=job_id).json()["runs"]) == 1  # the refused one made none


def test_unauthenticated_requests_do_not_use_up_the_refusals(make_emulator):
    emulator = make_emulator(FaultSettings(fail_requests=1))

    assert requests.get(f"{emulator.url}/api/2.2/jobs/list", timeout=10).status_code == 401
    assert Api(emulator.url).get("/api/2.2/jobs/list").status_code == 429


def test_added_latency(make_emulator):
    api = Api(make_emulator(FaultSettings(latency=0.3)).url)

    started = time.monotonic()
    api.get("/api/2.2/jobs/list")

    assert time.monotonic() - started >= 0.3


def test_a_429_burst_during_launch_still_starts_exactly_one_run_through_our_client(make_emulator):
    emulator = make_emulator()
    client = DatabricksClient(emulator.url, token=TOKEN, timeout=10, retry_max_seconds=10)
    task = {"task_key": "t", "notebook_task": {"notebook_path": "notebooks/tiny"}}
    job_id = client.create_job({"name": "burst", "tasks": [task]})
    Api(emulator.url).post("/emulator/faults", {"fail_requests": 3, "fail_path": "/jobs/run-now", "retry_after": 0})

    started = client.run_now(job_id, {}, idempotency_token="profile-run-burst")

    assert [run["run_id"] for run in client.list_runs(job_id)] == [started["run_id"]]
    assert Api(emulator.url).get("/emulator/faults").json()["fail_requests"] == 0


def test_without_an_idempotency_token_our_client_does_not_retry_a_429(make_emulator):
    emulator = make_emulator(FaultSettings(fail_requests=1, fail_path="/jobs/run-now", retry_after=0))
    client = DatabricksClient(emulator.url, token=TOKEN, timeout=10, retry_max_seconds=10)
    job_id = client.create_job({"name": "no-token"})

    with pytest.raises(DatabricksRateLimited):
        client.run_now(job_id, {})
    assert client.list_runs(job_id) == []


@pytest.mark.parametrize(
    "forced, life_cycle, result, code",
    [
        ("FAILED", "TERMINATED", "FAILED", "RUN_EXECUTION_ERROR"),
        ("INTERNAL_ERROR", "INTERNAL_ERROR", "FAILED", "INTERNAL_ERROR"),
        ("SKIPPED", "SKIPPED", None, "SKIPPED"),
    ],
)
def test_forced_run_results(make_emulator, forced, life_cycle, result, code):
    emulator = make_emulator(FaultSettings(force_run_result=forced, force_run_count=1))
    api = Api(emulator.url)
    job_id = api.create_job(max_concurrent_runs=5)

    forced_run = api.wait_for(api.run_now(job_id))
    normal_run = api.wait_for(api.run_now(job_id))

    assert forced_run["state"]["life_cycle_state"] == life_cycle
    assert forced_run["state"].get("result_state") == result
    assert forced_run["status"] == {
        "state": "TERMINATED",
        "termination_details": {"code": code, "type": forced_run["status"]["termination_details"]["type"],
                                "message": forced_run["state"]["state_message"]},
    }
    assert "fault injection" in forced_run["state"]["state_message"]
    assert not (emulator.config.runs_root / str(forced_run["run_id"])).exists()  # the notebook never ran
    assert normal_run["state"]["result_state"] == "SUCCESS"


def test_a_dropped_callback_reaches_the_notebook_as_its_local_mode_switch(make_emulator):
    api = Api(make_emulator(FaultSettings(drop_callback=True)).url)

    run = api.wait_for(api.run_now(api.create_job()))
    output = api.get("/api/2.2/jobs/runs/get-output", run_id=run["tasks"][0]["run_id"]).json()

    assert json.loads(output["notebook_output"]["result"])["drop_callback"] == "1"


def test_faults_can_be_read_and_changed_live_and_bad_values_are_refused(emulator, api):
    changed = api.post("/emulator/faults", {"force_run_result": "internal_error", "latency": 0})
    refused = api.post("/emulator/faults", {"fail_status": 500})
    unknown = api.post("/emulator/faults", {"explode": True})

    assert changed.status_code == 200 and changed.json()["force_run_result"] == "INTERNAL_ERROR"
    assert refused.status_code == 400 and "fail_status" in refused.json()["message"]
    assert unknown.status_code == 400 and "explode" in unknown.json()["message"]
    assert api.get("/emulator/faults").json()["force_run_result"] == "INTERNAL_ERROR"
    assert api.wait_for(api.run_now(api.create_job()))["state"]["life_cycle_state"] == "INTERNAL_ERROR"


def test_fault_settings_from_the_environment():
    settings = FaultSettings.from_env({
        "DATABRICKS_EMULATOR_FAIL_REQUESTS": "4", "DATABRICKS_EMULATOR_FAIL_STATUS": "503",
        "DATABRICKS_EMULATOR_FAIL_PATH": "/dbfs/", "DATABRICKS_EMULATOR_RETRY_AFTER": "2.5",
        "DATABRICKS_EMULATOR_LATENCY": "0.1", "DATABRICKS_EMULATOR_FORCE_RUN_RESULT": "skipped",
        "DATABRICKS_EMULATOR_FORCE_RUN_COUNT": "2", "DATABRICKS_EMULATOR_DROP_CALLBACK": "true", "UNRELATED": "x",
    })

    assert settings == FaultSettings(fail_requests=4, fail_status=503, fail_path="/dbfs/", retry_after=2.5,
                                     latency=0.1, force_run_result="SKIPPED", force_run_count=2, drop_callback=True)
    with pytest.raises(ValueError, match="fail_requests"):
        FaultSettings.from_env({"DATABRICKS_EMULATOR_FAIL_REQUESTS": "many"})


def test_a_limited_forced_result_is_used_up_run_by_run():
    injector = FaultInjector(FaultSettings(force_run_result="FAILED", force_run_count=2))

    plans = [injector.plan_run().forced_result for _ in range(3)]

    assert plans == ["FAILED", "FAILED", ""]
