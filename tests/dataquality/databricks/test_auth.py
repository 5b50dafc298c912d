"""OAuth machine-to-machine: one token for many calls, refreshed before it expires."""

import base64
import threading

import pytest
import responses
from responses import matchers

from dataquality.databricks import DatabricksAuthError

from .conftest import HOST, make_client

CLIENT_ID = "sp-client-id"
CLIENT_SECRET = "sp-client-secret-value"
BASIC = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()  # HTTP basic auth
TOKEN_URL = f"{HOST}/oidc/v1/token"
TOKEN_REQUEST = [
    matchers.urlencoded_params_matcher({"grant_type": "client_credentials", "scope": "all-apis"}),
    matchers.header_matcher({"Authorization": f"Basic {BASIC}"}),
]


def _token(api, access_token: str, expires_in: int = 3600) -> None:
    api.post(
        TOKEN_URL,
        json={"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in},
        match=TOKEN_REQUEST,
    )


def _get_job_with(api, access_token: str, times: int = 1) -> None:
    for _ in range(times):
        api.get(
            f"{HOST}/api/2.2/jobs/get",
            json={"job_id": 1},
            match=[matchers.header_matcher({"Authorization": f"Bearer {access_token}"})],
        )


@pytest.fixture
def oauth_client(clock):
    return make_client(clock, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def test_the_token_is_fetched_once_for_several_calls(api, oauth_client):
    _token(api, "access-1")
    _get_job_with(api, "access-1", times=3)
    for _ in range(3):
        oauth_client.get_job(1)
    assert [call.request.url for call in api.calls].count(TOKEN_URL) == 1


def test_the_token_is_refreshed_a_minute_before_it_expires(api, oauth_client, clock):
    _token(api, "access-1", expires_in=600)
    _get_job_with(api, "access-1", times=2)
    oauth_client.get_job(1)
    clock.now += 539  # 61 s left: still good
    oauth_client.get_job(1)
    _token(api, "access-2", expires_in=600)
    _get_job_with(api, "access-2")
    clock.now += 1  # 60 s left: refresh
    oauth_client.get_job(1)
    assert [call.request.url for call in api.calls].count(TOKEN_URL) == 2


def test_threads_share_one_token(oauth_client):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as api:
        _token(api, "access-1")
        _get_job_with(api, "access-1", times=8)
        threads = [threading.Thread(target=oauth_client.get_job, args=(1,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [call.request.url for call in api.calls].count(TOKEN_URL) == 1


def test_a_refused_client_secret_is_an_auth_error(api, oauth_client):
    refusal = {"error": "invalid_client", "error_description": "Client authentication failed"}
    api.post(TOKEN_URL, status=401, json=refusal)
    with pytest.raises(DatabricksAuthError) as caught:
        oauth_client.get_job(1)
    assert caught.value.status == 401 and caught.value.error_code == "invalid_client"


def test_a_401_drops_the_cached_token(api, oauth_client):
    _token(api, "revoked")
    api.get(f"{HOST}/api/2.2/jobs/get", status=401, json={"error_code": "UNAUTHENTICATED", "message": "token revoked"})
    with pytest.raises(DatabricksAuthError):
        oauth_client.get_job(1)
    _token(api, "access-2")
    _get_job_with(api, "access-2")
    assert oauth_client.get_job(1) == {"job_id": 1}


def test_a_403_is_an_auth_error_for_a_pat_too(api, client):
    api.get(f"{HOST}/api/2.2/jobs/get", status=403, json={"error_code": "PERMISSION_DENIED", "message": "no access"})
    with pytest.raises(DatabricksAuthError) as caught:
        client.get_job(1)
    assert caught.value.permanent


def test_a_wrong_token_answered_with_a_numeric_error_code_is_an_auth_error(api, client):
    # What Databricks really sends for an invalid PAT: the error code as a number.
    api.get(f"{HOST}/api/2.2/jobs/get", status=403, json={"error_code": 403, "message": "Invalid access token."})

    with pytest.raises(DatabricksAuthError) as error:
        client.get_job(1)

    assert error.value.error_code == "403"
    assert str(error.value).endswith("failed: 403 403: Invalid access token.")
