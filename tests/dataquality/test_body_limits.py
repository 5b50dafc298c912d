"""A body over DATA_UPLOAD_MAX_MEMORY_SIZE answers JSON 413 on every endpoint, pages and admin included."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig

from dataquality.api import errors

pytestmark = pytest.mark.django_db

BIG = 3 * 1024 * 1024  # over Django's 2.5 MB default


@pytest.mark.parametrize("path", ["/data-quality/datasets", "/data-quality/table-groups", "/accounts/login/", "/admin/login/"])
def test_a_declared_body_over_the_limit_is_a_json_413(path, staff_client):
    response = staff_client.post(path, data=b"{" + b" " * BIG + b"}", content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger than" in response.json()["detail"]


def test_a_body_found_too_large_while_read_is_a_json_413_too(rf):
    """A chunked body declares no length: Django raises RequestDataTooBig as it reads, and the 400 handler
    answers 413."""
    response = errors.bad_request(rf.post("/data-quality/datasets"), RequestDataTooBig("too big"))
    assert response.status_code == 413 and json.loads(response.content)["detail"].startswith("The request body")


def test_a_body_within_the_limit_is_read(staff_client):
    assert staff_client.post("/data-quality/datasets", {"name": "Small"}, format="json").status_code == 201
