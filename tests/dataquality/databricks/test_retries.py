"""Which calls are repeated, how long they wait, and when they give up."""

import pytest
import requests
from responses import matchers

from dataquality.databricks import DatabricksPermanentError, DatabricksRateLimited, DatabricksTransientError

from .conftest import HOST, make_client

JOBS = f"{HOST}/api/2.2/jobs"
SETTINGS = {"name": "conversioncentral-7", "tags": {"table_group_id": "7", "deployment": "prod"}}
PARAMETERS = {"table_group_id": "7", "profile_run_id": "run-uuid"}
RATE_LIMITED = {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"}


def test_429_is_retried_after_the_wait_databricks_asks_for(api, client, clock):
    api.get(f"{JOBS}/runs/get", status=429, headers={"Retry-After": "7"}, json=RATE_LIMITED)
    api.get(f"{JOBS}/runs/get", json={"run_id": 5})
    assert client.get_run(5) == {"run_id": 5}
    assert clock.sleeps == [7.0]


def test_429_whose_wait_exceeds_the_budget_is_raised_at_once(api, client, clock):
    api.get(f"{JOBS}/runs/get", status=429, headers={"Retry-After": "120"}, json=RATE_LIMITED)
    with pytest.raises(DatabricksRateLimited) as caught:
        client.get_run(5)
    assert caught.value.retry_after == 120.0 and not caught.value.permanent
    assert clock.sleeps == []


def test_503_is_retried_with_growing_waits_then_gives_up_within_the_budget(api, client, clock):
    api.get(f"{JOBS}/get", status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"})
    started = clock.now
    with pytest.raises(DatabricksTransientError) as caught:
        client.get_job(1)
    assert caught.value.status == 503 and not caught.value.permanent
    # Backoff 0.5 s doubling up to 10 s, with the injected jitter at its midpoint (x0.75).
    # The next wait would pass the 30 s budget, so it gives up after 26.6 s.
    assert clock.sleeps == [0.375, 0.75, 1.5, 3.0, 6.0, 7.5, 7.5]
    assert clock.now - started <= 30  # retry_max_seconds of the test client
    assert len(api.calls) == len(clock.sleeps) + 1


def test_a_transient_failure_then_success(api, client, clock):
    api.get(f"{JOBS}/get", body=requests.ConnectionError("connection reset"))
    api.get(f"{JOBS}/get", status=504, body="gateway timeout")
    api.get(f"{JOBS}/get", json={"job_id": 1})
    assert client.get_job(1) == {"job_id": 1}
    assert len(clock.sleeps) == 2


def test_500_is_transient_but_not_retried(api, client, clock):
    api.get(f"{JOBS}/get", status=500, json={"error_code": "INTERNAL_ERROR", "message": "oops"})
    with pytest.raises(DatabricksTransientError):
        client.get_job(1)
    assert clock.sleeps == []


def test_a_timeout_is_a_transient_error(api, clock):
    client = make_client(clock, retry_max_seconds=0)  # no retries: look at the error of one attempt
    api.get(f"{JOBS}/get", body=requests.ReadTimeout("read timed out"))
    with pytest.raises(DatabricksTransientError) as caught:
        client.get_job(1)
    assert caught.value.status is None and "ReadTimeout" in str(caught.value)


def test_run_now_without_idempotency_token_is_never_repeated(api, client, clock):
    api.post(f"{JOBS}/run-now", status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"})
    with pytest.raises(DatabricksTransientError):
        client.run_now(1, PARAMETERS)
    assert len(api.calls) == 1 and clock.sleeps == []


def test_run_now_with_idempotency_token_is_retried(api, client, clock):
    body = {"job_id": 1, "job_parameters": PARAMETERS, "idempotency_token": "run-uuid"}
    api.post(f"{JOBS}/run-now", body=requests.ConnectionError("reset"), match=[matchers.json_params_matcher(body)])
    api.post(f"{JOBS}/run-now", json={"run_id": 9, "number_in_job": 9}, match=[matchers.json_params_matcher(body)])
    assert client.run_now(1, PARAMETERS, idempotency_token="run-uuid")["run_id"] == 9
    assert len(api.calls) == 2


def test_cancel_is_retried(api, client):
    api.post(f"{JOBS}/runs/cancel", status=502, body="bad gateway")
    api.post(f"{JOBS}/runs/cancel", json={})
    client.cancel_run(9)
    assert len(api.calls) == 2


@pytest.mark.parametrize(
    ("endpoint", "call"),
    [
        ("reset", lambda client: client.reset_job(1, SETTINGS)),
        ("update", lambda client: client.update_job(1, SETTINGS)),
        ("delete", lambda client: client.delete_job(1)),
    ],
)
def test_writes_are_not_retried(api, client, clock, endpoint, call):
    api.post(f"{JOBS}/{endpoint}", status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"})
    with pytest.raises(DatabricksTransientError):
        call(client)
    assert len(api.calls) == 1 and clock.sleeps == []


def test_create_after_an_ambiguous_failure_adopts_the_job_with_the_same_name_and_tags(api, client):
    api.post(f"{JOBS}/create", body=requests.ReadTimeout("read timed out"))
    api.get(
        f"{JOBS}/list",
        json={"jobs": [{"job_id": 44, "creator_user_name": "app@example.com",
                        "settings": {"name": SETTINGS["name"], "tags": SETTINGS["tags"]}}]},
        match=[matchers.query_param_matcher({"name": SETTINGS["name"], "limit": "100"})],
    )
    api.get(f"{HOST}/api/2.0/preview/scim/v2/Me", json={"userName": "app@example.com"})
    assert client.create_job(SETTINGS) == "44"
    assert [call.request.method for call in api.calls] == ["POST", "GET", "GET"]  # create sent once


def test_create_does_not_adopt_a_job_of_another_deployment(api, client):
    api.post(f"{JOBS}/create", status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"})
    other_tags = {"table_group_id": "7", "deployment": "staging"}
    api.get(f"{JOBS}/list", json={"jobs": [{"job_id": 45, "settings": {"name": SETTINGS["name"], "tags": other_tags}}]})
    with pytest.raises(DatabricksTransientError) as caught:
        client.create_job(SETTINGS)
    assert caught.value.status == 503
    assert [call.request.method for call in api.calls] == ["POST", "GET"]


def test_create_reraises_the_ambiguous_error_when_the_lookup_fails_too(api, client):
    api.post(f"{JOBS}/create", status=504, body="gateway timeout")
    api.get(f"{JOBS}/list", status=403, json={"error_code": "PERMISSION_DENIED", "message": "no"})
    with pytest.raises(DatabricksTransientError) as caught:
        client.create_job(SETTINGS)
    assert caught.value.status == 504


def test_create_refused_outright_is_not_followed_by_a_lookup(api, client):
    api.post(f"{JOBS}/create", status=400, json={"error_code": "INVALID_PARAMETER_VALUE", "message": "bad"})
    with pytest.raises(DatabricksPermanentError):
        client.create_job(SETTINGS)
    assert len(api.calls) == 1

