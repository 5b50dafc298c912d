"""The app's own `DatabricksClient` against the emulator, over real HTTP: every call the app makes."""

import json

import pytest

from dataquality.databricks.client import DatabricksClient
from dataquality.databricks.errors import DatabricksAuthError, DatabricksNotFound, DatabricksPermanentError
from tests.dataquality.emulator.conftest import TOKEN

SETTINGS = {
    "name": "conversioncentral-7",
    "tags": {"conversioncentral_table_group_id": "7"},
    "max_concurrent_runs": 1,
    "timeout_seconds": 600,
    "parameters": [{"name": "table_group_id", "default": "7"}, {"name": "payload_path", "default": ""}],
    "tasks": [{"task_key": "profile", "notebook_task": {"notebook_path": "/Repos/dq/cc/notebooks/tiny",
                                                        "source": "WORKSPACE"}}],
}


@pytest.fixture
def client(emulator):
    return DatabricksClient(emulator.url, token=TOKEN, timeout=10, retry_max_seconds=5)


def wait_until_final(client, run_id, timeout=30.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get_run(run_id)
        if run["status"]["state"] == "TERMINATED":
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not end")


def test_the_job_life_cycle_the_app_drives(client):
    job_id = client.create_job(SETTINGS)

    assert client.find_job_by_name("conversioncentral-7", {"conversioncentral_table_group_id": "7"}) == job_id
    assert client.find_job_by_name("conversioncentral-7", {"conversioncentral_table_group_id": "8"}) is None
    client.reset_job(job_id, {**SETTINGS, "timeout_seconds": 1200})
    client.update_job(job_id, {"max_concurrent_runs": 2}, fields_to_remove=["tags"])
    settings = client.get_job(job_id)["settings"]
    assert settings["timeout_seconds"] == 1200 and settings["max_concurrent_runs"] == 2 and "tags" not in settings

    client.delete_job(job_id)
    with pytest.raises(DatabricksNotFound):
        client.get_job(job_id)


def test_list_jobs_follows_every_page(client):
    ids = {client.create_job({**SETTINGS, "name": "same"}) for _ in range(3)}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("dataquality.databricks.client.JOBS_PAGE_SIZE", 2)
        listed = client.list_jobs(name="same")

    assert {str(job["job_id"]) for job in listed} == ids


def test_run_now_idempotently_then_poll_list_and_read_the_output(client):
    job_id = client.create_job({**SETTINGS, "parameters": SETTINGS["parameters"] + [{"name": "mode", "default": "payload"}]})
    parameters = {"payload_path": "dbfs:/conversioncentral/profiles/7/r-1.json", "payload": '{"status": "completed"}'}

    started = client.run_now(job_id, parameters, idempotency_token="r-1")
    repeated = client.run_now(job_id, parameters, idempotency_token="r-1")
    run = wait_until_final(client, started["run_id"])

    assert repeated["run_id"] == started["run_id"] and started["number_in_job"] == started["run_id"]
    assert [listed["run_id"] for listed in client.list_runs(job_id)] == [started["run_id"]]
    assert client.list_runs(job_id, active_only=True) == []
    assert run["state"]["result_state"] == "SUCCESS" and run["status"]["termination_details"]["code"] == "SUCCESS"
    output = client.get_run_output(run["tasks"][0]["run_id"])
    assert json.loads(output["notebook_output"]["result"])["mode"] == "payload"
    assert client.read_payload(parameters["payload_path"]) == b'{"status": "completed"}'


def test_read_payload_covers_large_dbfs_files_and_volumes(client, emulator):
    big = emulator.config.dbfs_root / "profiles" / "big.json"
    big.parent.mkdir(parents=True)
    big.write_bytes(b"y" * (2 * 1024 * 1024 + 5))
    volume = emulator.config.volumes_root / "main" / "dq" / "payloads" / "r.json"
    volume.parent.mkdir(parents=True)
    volume.write_bytes(b"{}")

    assert client.read_payload("dbfs:/profiles/big.json") == big.read_bytes()
    assert client.read_payload("/Volumes/main/dq/payloads/r.json") == b"{}"
    assert client.read_payload("dbfs:/Volumes/main/dq/payloads/r.json") == b"{}"
    with pytest.raises(DatabricksNotFound):
        client.read_payload("dbfs:/profiles/missing.json")


def test_cancel_reaches_the_run(client):
    job_id = client.create_job({**SETTINGS, "parameters": [{"name": "mode", "default": "sleep"}]})
    run_id = client.run_now(job_id, {}, idempotency_token="r-cancel")["run_id"]

    client.cancel_run(run_id)
    run = wait_until_final(client, run_id)

    assert run["state"]["result_state"] == "CANCELED"
    assert run["status"]["termination_details"]["code"] == "USER_CANCELED"


def test_errors_come_back_typed(client, emulator):
    wrong = DatabricksClient(emulator.url, token="dapi-wrong", timeout=10, retry_max_seconds=0)

    with pytest.raises(DatabricksAuthError) as refused:
        wrong.list_jobs()
    with pytest.raises(DatabricksNotFound):
        client.get_run(999)
    with pytest.raises(DatabricksPermanentError):
        client.run_now(client.create_job(SETTINGS), {}, idempotency_token="x" * 65)

    assert refused.value.status == 403 and "Invalid access token." in str(refused.value)


def test_a_job_the_client_created_is_found_again_as_its_own(client):
    job_id = client.create_job(SETTINGS)

    assert client.current_user_name()
    assert client.find_job_by_name(SETTINGS["name"], SETTINGS["tags"]) == job_id
