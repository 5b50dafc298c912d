"""While the database is unreachable, the notebook's endpoints answer 503 with Retry-After (one exception handler),
and the notebook's callback waits the outage out and completes the run (issue 22)."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper

from dataquality.models import ProfileRunStatus
from notebooks.dq_profiler.runtime.callback import post_callback
from dataquality.services.results.callback_tokens import make_callback_token
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, manifest_url, run_client

pytestmark = pytest.mark.usefixtures("callback_secret")

PAYLOAD = {"status": "completed", "row_count": 7, "anomalies": []}


def refuse(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@contextmanager
def database_away():
    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["callback", "manifest"])
def test_the_notebook_endpoints_answer_503_with_retry_after_while_the_database_is_away(endpoint, settings):
    settings.DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 45
    run = make_profile_run()
    client = run_client(run)

    def call():
        if endpoint == "callback":
            return client.post(complete_url(run.pk), PAYLOAD, format="json")
        return client.get(manifest_url(run.pk))

    with database_away():
        away = call()
    back = call()

    assert away.status_code == 503 and away["Retry-After"] == "45"
    assert away.json() == {"detail": "The database is unavailable; try again later."}
    assert back.status_code == 200
    run.refresh_from_db()
    assert run.status == (ProfileRunStatus.COMPLETED if endpoint == "callback" else ProfileRunStatus.RUNNING)


@pytest.mark.django_db(transaction=True)
def test_the_notebooks_callback_waits_out_a_database_outage_and_completes_the_run(live_server, monkeypatch):
    """Over real HTTP: the first two callbacks meet the outage and are answered 503 with Retry-After; the
    notebook waits what it was told, and the third completes the run."""
    run = make_profile_run()
    outage = {"requests_left": 2}
    execute = CursorWrapper._execute

    def execute_unless_away(self, *args, **kwargs):
        if outage["requests_left"]:
            refuse()
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(CursorWrapper, "_execute", execute_unless_away)
    waits = []

    def sleep(seconds):  # each wait ends one answer of the outage
        waits.append(seconds)
        outage["requests_left"] -= 1

    result = post_callback(
        f"{live_server.url}{complete_url(run.pk)}", make_callback_token(run.pk), json.dumps(PAYLOAD).encode(), sleep=sleep
    )

    assert result.delivered and result.attempts == 3
    assert waits == [30.0, 30.0]  # DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS
    run.refresh_from_db()
    assert run.status == ProfileRunStatus.COMPLETED and run.row_count == 7
