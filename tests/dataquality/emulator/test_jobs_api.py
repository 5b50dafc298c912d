"""Jobs API 2.1/2.2 job endpoints through real HTTP: create, get, list, reset, update, delete."""

import pytest


def test_create_then_get_applies_databricks_defaults(api):
    job_id = api.create_job(
        tags={"group": "7"}, parameters=[{"name": "table_group_id", "default": "7"}],
        access_control_list=[{"group_name": "data-quality", "permission_level": "CAN_VIEW"}],
    )

    job = api.get("/api/2.2/jobs/get", job_id=job_id).json()

    assert job["job_id"] == job_id and job["created_time"] > 0 and job["creator_user_name"]
    settings = job["settings"]
    assert settings["name"] == "emulator-test" and settings["tags"] == {"group": "7"}
    assert settings["max_concurrent_runs"] == 1 and settings["timeout_seconds"] == 0
    assert settings["queue"] == {"enabled": True}  # jobs created through 2.2 queue by default
    assert "access_control_list" not in settings  # a create-time request field, not a setting
    assert settings["tasks"][0]["notebook_task"]["notebook_path"].endswith("/notebooks/tiny")


def test_jobs_created_through_2_1_do_not_queue_by_default(api):
    job_id = api.create_job(version="2.1")

    assert "queue" not in api.get("/api/2.1/jobs/get", job_id=job_id).json()["settings"]


def test_a_missing_job_is_404_on_2_2_and_400_on_2_1(api):
    on_2_2 = api.get("/api/2.2/jobs/get", job_id=999)
    on_2_1 = api.get("/api/2.1/jobs/get", job_id=999)

    assert on_2_2.status_code == 404
    assert on_2_2.json() == {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Job 999 does not exist."}
    assert on_2_1.status_code == 400
    assert on_2_1.json() == {"error_code": "INVALID_PARAMETER_VALUE", "message": "Job 999 does not exist."}


def test_list_filters_by_exact_case_insensitive_name_and_pages(api):
    ids = [api.create_job(name="dq-1") for _ in range(3)] + [api.create_job(name="dq-10")]

    first = api.get("/api/2.2/jobs/list", name="DQ-1", limit=2).json()
    second = api.get("/api/2.2/jobs/list", name="DQ-1", limit=2, page_token=first["next_page_token"]).json()

    assert [job["job_id"] for job in first["jobs"]] == [ids[2], ids[1]]  # newest first
    assert first["has_more"] is True
    assert [job["job_id"] for job in second["jobs"]] == [ids[0]] and second["has_more"] is False
    assert "next_page_token" not in second
    assert "tasks" not in first["jobs"][0]["settings"]  # without expand_tasks
    assert api.get("/api/2.2/jobs/list", name="nothing").json() == {"has_more": False}


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": -1}, {"page_token": "garbage"}])
def test_list_refuses_bad_paging(api, params):
    answer = api.get("/api/2.2/jobs/list", **params)

    assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_reset_replaces_every_setting(api):
    job_id = api.create_job(tags={"a": "1"}, timeout_seconds=60)

    answer = api.post("/api/2.2/jobs/reset", {"job_id": job_id, "new_settings": {"name": "renamed", "tasks": []}})

    assert answer.status_code == 200 and answer.json() == {}
    settings = api.get("/api/2.2/jobs/get", job_id=job_id).json()["settings"]
    assert settings["name"] == "renamed" and "tags" not in settings and settings["timeout_seconds"] == 0


def test_update_merges_fields_and_tasks_and_removes_fields(api):
    job_id = api.create_job(tags={"a": "1"}, timeout_seconds=60)
    new_task = {"task_key": "second", "notebook_task": {"notebook_path": "notebooks/other"}}

    answer = api.post(
        "/api/2.2/jobs/update",
        {"job_id": job_id, "new_settings": {"max_concurrent_runs": 3, "tasks": [new_task]},
         "fields_to_remove": ["tags"]},
    )

    assert answer.status_code == 200
    settings = api.get("/api/2.2/jobs/get", job_id=job_id).json()["settings"]
    assert settings["max_concurrent_runs"] == 3 and settings["timeout_seconds"] == 60 and "tags" not in settings
    assert [task["task_key"] for task in settings["tasks"]] == ["profile", "second"]


def test_delete_removes_the_job_and_ids_are_never_reused(api):
    job_id = api.create_job()

    assert api.post("/api/2.2/jobs/delete", {"job_id": job_id}).status_code == 200

    assert api.get("/api/2.2/jobs/get", job_id=job_id).status_code == 404
    assert api.post("/api/2.2/jobs/delete", {"job_id": job_id}).status_code == 404
    assert api.create_job() > job_id


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"max_concurrent_runs": 1001}, "max_concurrent_runs"),
        ({"timeout_seconds": -1}, "timeout_seconds"),
        ({"timeout_seconds": "ten"}, "timeout_seconds"),
        ({"tasks": [{"notebook_task": {}}]}, "task_key"),
        ({"parameters": [{"name": "x"}]}, "default"),
        ({"tags": {"a": 1}}, "Tag values"),
    ],
)
def test_create_refuses_invalid_settings_and_creates_nothing(api, settings, message):
    answer = api.post("/api/2.2/jobs/create", {"name": "bad", **settings})

    assert answer.status_code == 400
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE" and message in answer.json()["message"]
    assert api.get("/api/2.2/jobs/list").json() == {"has_more": False}


def test_malformed_json_unknown_endpoints_and_missing_ids_get_databricks_errors(api):
    malformed = api.session.post(f"{api.base_url}/api/2.2/jobs/create", data=b"{not json", timeout=10)
    unknown = api.get("/api/2.2/jobs/explode")
    wrong_method = api.get("/api/2.2/jobs/create")
    missing_id = api.get("/api/2.2/jobs/get")
    bad_id = api.get("/api/2.2/jobs/get", job_id="abc")

    assert malformed.status_code == 400 and malformed.json()["error_code"] == "MALFORMED_REQUEST"
    assert unknown.status_code == 404 and unknown.json() == {
        "error_code": "ENDPOINT_NOT_FOUND", "message": "No API found for 'GET /api/2.2/jobs/explode'"
    }
    assert wrong_method.status_code == 404 and wrong_method.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    assert missing_id.status_code == 400 and missing_id.json()["message"] == "Missing required field: job_id"
    assert bad_id.status_code == 400 and bad_id.json()["error_code"] == "INVALID_PARAMETER_VALUE"
