"""The bearer token check, with the answers Databricks gives."""

import pytest
import requests

from tests.dataquality.emulator.conftest import Api

API_PATHS = ["/api/2.2/jobs/list", "/api/2.1/jobs/runs/list", "/api/2.0/dbfs/read?path=/x", "/api/2.0/fs/files/Volumes/a/b"]


@pytest.mark.parametrize("path", API_PATHS + ["/emulator/faults"])
def test_no_or_an_unsupported_credential_is_401(emulator, path):
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        answer = requests.get(f"{emulator.url}{path}", headers=headers, timeout=10)

        assert answer.status_code == 401
        assert answer.json() == {
            "error_code": "UNAUTHENTICATED",
            "message": "Credential was not sent or was of an unsupported type for this API.",
        }


@pytest.mark.parametrize("path", API_PATHS)
def test_a_wrong_token_is_403_invalid_access_token(emulator, path):
    answer = Api(emulator.url, token="dapi-wrong").get(path)

    assert answer.status_code == 403
    # Databricks sends this error_code as a number, unlike every other error.
    assert answer.json() == {"error_code": 403, "message": "Invalid access token."}


def test_a_refused_request_changes_nothing(emulator, api):
    wrong = Api(emulator.url, token="dapi-wrong")

    assert wrong.post("/api/2.2/jobs/create", {"name": "sneaky"}).status_code == 403

    assert api.get("/api/2.2/jobs/list").json() == {"has_more": False}


def test_health_needs_no_token(emulator):
    answer = requests.get(f"{emulator.url}/healthz", timeout=10)

    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
