"""The request each Jobs API call sends, and what it returns."""

import pytest
from responses import matchers

from dataquality.databricks import DatabricksNotFound, DatabricksPermanentError

from .conftest import HOST, PAT

JOBS = f"{HOST}/api/2.2/jobs"
AUTH = matchers.header_matcher({"Authorization": f"Bearer {PAT}"})
SETTINGS = {"name": "conversioncentral-7", "tags": {"table_group_id": "7"}, "max_concurrent_runs": 1}


def test_create_job_posts_the_settings_and_returns_the_id_as_text(api, client):
    api.post(f"{JOBS}/create", json={"job_id": 991}, match=[AUTH, matchers.json_params_matcher(SETTINGS)])
    assert client.create_job(SETTINGS) == "991"


def test_get_job(api, client):
    job = {"job_id": 991, "settings": SETTINGS}
    api.get(f"{JOBS}/get", json=job, match=[AUTH, matchers.query_param_matcher({"job_id": "991"})])
    assert client.get_job("991") == job


def test_list_jobs_filters_by_name_and_follows_every_page(api, client):
    api.get(
        f"{JOBS}/list",
        json={"jobs": [{"job_id": 1}], "has_more": True, "next_page_token": "page-2"},
        match=[matchers.query_param_matcher({"name": "conversioncentral-7", "limit": "100"})],
    )
    api.get(
        f"{JOBS}/list",
        json={"jobs": [{"job_id": 2}], "has_more": False},
        match=[matchers.query_param_matcher({"name": "conversioncentral-7", "limit": "100", "page_token": "page-2"})],
    )
    assert [job["job_id"] for job in client.list_jobs(name="conversioncentral-7")] == [1, 2]


def test_list_jobs_of_an_empty_workspace(api, client):
    api.get(f"{JOBS}/list", json={"has_more": False}, match=[matchers.query_param_matcher({"limit": "100"})])
    assert client.list_jobs() == []


ME = f"{HOST}/api/2.0/preview/scim/v2/Me"
APP = "app@example.com"


def _job(job_id: int, created_time: int, name: str, tags: dict, creator: str = APP) -> dict:
    return {"job_id": job_id, "created_time": created_time, "creator_user_name": creator,
            "settings": {"name": name, "tags": tags}}


def test_find_job_by_name_needs_the_exact_name_and_every_tag(api, client):
    listed = [
        _job(10, 1, "conversioncentral-7", {"table_group_id": "8"}),
        _job(11, 2, "Conversioncentral-7", {"table_group_id": "7"}),
        _job(12, 3, "conversioncentral-7", {"table_group_id": "7", "x": "y"}),
        _job(13, 0, "conversioncentral-7", {"table_group_id": "7"}),
    ]
    api.get(f"{JOBS}/list", json={"jobs": listed, "has_more": False})
    api.get(ME, json={"userName": APP}, match=[AUTH])
    # 10 has another group's tag, 11 another name; of 12 and 13 the newest wins.
    assert client.find_job_by_name("conversioncentral-7", {"table_group_id": "7"}) == "12"


def test_find_job_by_name_never_adopts_a_job_someone_else_created(api, client, caplog):
    # A job with our name and tags, made by another user first: its owner keeps view rights on it, and so
    # could read the callback tokens of every run we would start there.
    listed = [
        _job(20, 5, "conversioncentral-7", {"table_group_id": "7"}, creator="someone@example.com"),
        _job(21, 1, "conversioncentral-7", {"table_group_id": "7"}),
    ]
    api.get(f"{JOBS}/list", json={"jobs": listed, "has_more": False})
    api.get(ME, json={"userName": APP})

    assert client.find_job_by_name("conversioncentral-7", {"table_group_id": "7"}) == "21"
    assert "[20]" in caplog.text and "someone else" in caplog.text


def test_find_job_by_name_answers_none_when_only_someone_elses_job_matches(api, client):
    listed = [_job(20, 5, "conversioncentral-7", {"table_group_id": "7"}, creator="someone@example.com")]
    api.get(f"{JOBS}/list", json={"jobs": listed, "has_more": False})
    api.get(ME, json={"userName": APP})

    assert client.find_job_by_name("conversioncentral-7", {"table_group_id": "7"}) is None


def test_find_job_by_name_answers_none_when_nothing_matches(api, client):
    api.get(f"{JOBS}/list", json={"jobs": [{"job_id": 10, "settings": {"name": "conversioncentral-7"}}]})
    assert client.find_job_by_name("conversioncentral-7", {"table_group_id": "7"}) is None


def test_reset_job(api, client):
    api.post(f"{JOBS}/reset", json={}, match=[matchers.json_params_matcher({"job_id": 991, "new_settings": SETTINGS})])
    assert client.reset_job("991", SETTINGS) is None


def test_update_job_with_fields_to_remove(api, client):
    body = {"job_id": 991, "new_settings": {"timeout_seconds": 60}, "fields_to_remove": ["git_source"]}
    api.post(f"{JOBS}/update", json={}, match=[matchers.json_params_matcher(body)])
    client.update_job(991, {"timeout_seconds": 60}, fields_to_remove=["git_source"])


def test_update_job_without_fields_to_remove(api, client):
    body = {"job_id": 991, "new_settings": {"timeout_seconds": 60}}
    api.post(f"{JOBS}/update", json={}, match=[matchers.json_params_matcher(body)])
    client.update_job(991, {"timeout_seconds": 60})


def test_delete_job(api, client):
    api.post(f"{JOBS}/delete", json={}, match=[matchers.json_params_matcher({"job_id": 991})])
    client.delete_job("991")


def test_run_now_sends_parameters_and_idempotency_token(api, client):
    parameters = {"table_group_id": "7", "profile_run_id": "run-uuid", "callback_token": "cb-secret"}
    api.post(
        f"{JOBS}/run-now",
        json={"run_id": 555, "number_in_job": 555},
        match=[
            matchers.json_params_matcher(
                {"job_id": 991, "job_parameters": parameters, "idempotency_token": "run-uuid"}
            )
        ],
    )
    assert client.run_now("991", parameters, idempotency_token="run-uuid") == {"run_id": 555, "number_in_job": 555}


def test_get_run(api, client):
    run = {"run_id": 555, "state": {"life_cycle_state": "RUNNING"}}
    api.get(f"{JOBS}/runs/get", json=run, match=[matchers.query_param_matcher({"run_id": "555"})])
    assert client.get_run(555) == run


def test_list_runs(api, client):
    api.get(
        f"{JOBS}/runs/list",
        json={"runs": [{"run_id": 1}, {"run_id": 2}], "has_more": True},
        match=[matchers.query_param_matcher({"job_id": "991", "active_only": "true", "limit": "5"})],
    )
    assert client.list_runs("991", active_only=True, limit=5) == [{"run_id": 1}, {"run_id": 2}]


def test_list_runs_of_a_job_without_runs(api, client):
    api.get(
        f"{JOBS}/runs/list",
        json={"has_more": False},
        match=[matchers.query_param_matcher({"job_id": "991", "active_only": "false", "limit": "25"})],
    )
    assert client.list_runs("991") == []


def test_cancel_run(api, client):
    api.post(f"{JOBS}/runs/cancel", json={}, match=[matchers.json_params_matcher({"run_id": 555})])
    client.cancel_run("555")


def test_get_run_output(api, client):
    output = {"notebook_output": {"result": "ok"}, "metadata": {"run_id": 555}}
    api.get(f"{JOBS}/runs/get-output", json=output, match=[matchers.query_param_matcher({"run_id": "555"})])
    assert client.get_run_output(555) == output


def test_a_missing_job_reported_as_invalid_parameter_is_not_found(api, client):
    api.get(
        f"{JOBS}/get",
        status=400,
        json={"error_code": "INVALID_PARAMETER_VALUE", "message": "Job 123 does not exist."},
    )
    with pytest.raises(DatabricksNotFound) as caught:
        client.get_job(123)
    error = caught.value
    assert (error.status, error.error_code, error.permanent) == (400, "INVALID_PARAMETER_VALUE", True)
    assert "Job 123 does not exist" in str(caught.value)


def test_other_invalid_parameters_are_permanent_errors(api, client):
    api.post(
        f"{JOBS}/create",
        status=400,
        json={"error_code": "INVALID_PARAMETER_VALUE", "message": "Missing required field: tasks"},
    )
    with pytest.raises(DatabricksPermanentError) as caught:
        client.create_job(SETTINGS)
    assert not isinstance(caught.value, DatabricksNotFound)
    assert caught.value.message == "Missing required field: tasks"


def test_a_redirect_is_not_followed(api, client):
    # A proxy's login page, say: following it would send the token elsewhere.
    api.get(f"{JOBS}/get", status=302, headers={"Location": "https://login.example.com/"})
    with pytest.raises(DatabricksPermanentError) as caught:
        client.get_job(1)
    assert caught.value.status == 302
    assert len(api.calls) == 1
