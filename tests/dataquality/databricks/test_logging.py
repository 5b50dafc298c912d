"""One log line per HTTP request, and no secret in any log line or error message."""

import logging

import pytest
import requests
from responses import matchers

from dataquality.databricks import DatabricksError
from dataquality.databricks.transport import Transport

from .conftest import HOST, PAT, make_client

CLIENT_SECRET = "oauth-client-secret-0042"
ACCESS_TOKEN = "oauth-access-token-0043"
CALLBACK_TOKEN = "callback-token-value-0044"
SECRETS = (PAT, CLIENT_SECRET, ACCESS_TOKEN, CALLBACK_TOKEN)
PARAMETERS = {"table_group_id": "7", "profile_run_id": "run-uuid", "callback_token": CALLBACK_TOKEN}


def _assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def _records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "dataquality.databricks"]


def test_one_line_per_request_with_method_path_status_duration_and_attempt(api, client, clock, caplog):
    caplog.set_level(logging.INFO, logger="dataquality.databricks")
    api.get(f"{HOST}/api/2.2/jobs/runs/get", status=503, body="busy")
    api.get(f"{HOST}/api/2.2/jobs/runs/get", body=requests.ConnectionError("reset"))
    api.get(f"{HOST}/api/2.2/jobs/runs/get", json={"run_id": 5})
    client.get_run(5)
    lines = [record.getMessage() for record in _records(caplog)]
    assert lines == [
        "databricks GET /api/2.2/jobs/runs/get?run_id=5 -> 503 in 0 ms (attempt 1)",
        "databricks GET /api/2.2/jobs/runs/get?run_id=5 -> ConnectionError in 0 ms (attempt 2)",
        "databricks GET /api/2.2/jobs/runs/get?run_id=5 -> 200 in 0 ms (attempt 3)",
    ]


def test_no_secret_is_logged_or_carried_by_an_error(api, clock, caplog):
    caplog.set_level(logging.DEBUG)
    pat_client = make_client(clock)
    oauth_client = make_client(clock, client_id="sp-id", client_secret=CLIENT_SECRET)
    api.post(f"{HOST}/oidc/v1/token", json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    # Databricks echoing the request, secrets included, in its error message.
    echo = f"Invalid job_parameters {{'callback_token': '{CALLBACK_TOKEN}'}} sent with Bearer {ACCESS_TOKEN}"
    api.post(
        f"{HOST}/api/2.2/jobs/run-now", status=400, json={"error_code": "INVALID_PARAMETER_VALUE", "message": echo}
    )
    api.post(
        f"{HOST}/api/2.2/jobs/run-now",
        status=400,
        json={"error_code": "INVALID_PARAMETER_VALUE", "message": f"bad value {CALLBACK_TOKEN} (token {PAT})"},
        match=[matchers.header_matcher({"Authorization": f"Bearer {PAT}"})],
    )
    api.get(
        f"{HOST}/api/2.2/jobs/get",
        body=requests.ConnectionError(f"failed: {HOST}/api/2.2/jobs/get?access_token={ACCESS_TOKEN}"),
    )

    errors = []
    for call in (
        lambda: oauth_client.run_now(1, PARAMETERS),
        lambda: pat_client.run_now(1, PARAMETERS),
        lambda: make_client(clock, retry_max_seconds=0).get_job(1),
    ):
        with pytest.raises(DatabricksError) as caught:
            call()
        errors.append(caught.value)

    assert "callback_token" in errors[0].message and "***" in errors[0].message  # masked, not dropped
    _assert_no_secret(*(str(error) for error in errors), *(error.message for error in errors))
    _assert_no_secret(*(record.getMessage() for record in caplog.records))
    assert len(_records(caplog)) == 4  # token, two run-now, one get


def test_secret_query_values_are_masked_in_the_logged_path(api, caplog):
    caplog.set_level(logging.INFO, logger="dataquality.databricks")
    api.get(f"{HOST}/api/2.0/dbfs/read", json={"bytes_read": 0})
    transport = Transport(HOST, timeout=5, retry_max_seconds=0)
    transport.request("GET", "/api/2.0/dbfs/read", params={"path": "/x", "token": PAT, "secret": "s3cr3t"})
    [line] = [record.getMessage() for record in _records(caplog)]
    assert "path=/x" in line and "token=***" in line and "secret=***" in line
    assert PAT not in line and "s3cr3t" not in line
