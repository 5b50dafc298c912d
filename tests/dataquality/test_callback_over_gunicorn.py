"""The callback's size limit through the production server: gunicorn hands a chunked body over as a stream
without a length, and a body a little over the limit must get the callback's JSON 413, not an HTML 400."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from dataquality.models import ProfileRun
from dataquality.services.results.callback_tokens import make_callback_token
from tests.dataquality.celery_processes import database_url
from tests.dataquality.fixtures.callback import SECRET, complete_url, make_profile_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("callback_secret")]

LIMIT = 4000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server():
    port = _free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DATABRICKS_PROFILE_CALLBACK_SECRET": SECRET,
        "PROFILE_CALLBACK_MAX_BYTES": str(LIMIT),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [sys.executable, "-m", "gunicorn", "conversioncentral.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--log-level", "warning"]
    process = subprocess.Popen(command, env=environ, cwd=settings.BASE_DIR)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _post(port: int, profile_run: ProfileRun, body, **headers) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {make_callback_token(profile_run.pk)}",
                   "Content-Type": "application/json", **headers}
        connection.request("POST", complete_url(profile_run.pk), body=body, headers=headers,
                           encode_chunked="Transfer-Encoding" in headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), json.loads(response.read())
    finally:
        connection.close()


def _document(size: int) -> bytes:
    head = b'{"status": "completed", "error_message": "'
    return head + b"x" * (size - len(head) - 2) + b'"}'


def _chunks(document: bytes, size: int = 500):
    return iter([document[start:start + size] for start in range(0, len(document), size)])


def test_a_body_a_little_over_the_limit_is_a_json_413(server):
    profile_run = make_profile_run()

    status, content_type, body = _post(server, profile_run, _document(LIMIT + 2000))

    assert (status, content_type) == (413, "application/json")
    assert body["detail"] == "The payload is larger than the callback accepts."
    assert ProfileRun.objects.get(pk=profile_run.pk).status == "running"


def test_a_chunked_body_over_the_limit_is_a_413(server):
    profile_run = make_profile_run()

    status, _, body = _post(server, profile_run, _chunks(_document(LIMIT + 1500)), **{"Transfer-Encoding": "chunked"})

    assert status == 413, body
    assert ProfileRun.objects.get(pk=profile_run.pk).status == "running"


def test_a_chunked_body_within_the_limit_completes_the_run(server):
    profile_run = make_profile_run()

    status, _, body = _post(server, profile_run, _chunks(_document(LIMIT)), **{"Transfer-Encoding": "chunked"})

    assert status == 200, body
    assert ProfileRun.objects.get(pk=profile_run.pk).status == "completed"
