from datetime import datetime, timezone

import pytest

from notebooks.dq_profiler.runtime.callback import callback_retry_policy, post_callback
from notebooks.dq_profiler.runtime.http_client import RetryPolicy, parse_retry_after
from notebooks.dq_profiler.runtime.job import callback_retry_minutes
from notebooks.dq_profiler.runtime.parameters import JobParameters
from tests.notebooks.fake_testgen_api import Answer, FakeTestgenApi

RUN_ID = "6c1f8f2e-1111-4c1d-9a55-000000000001"
BODY = b'{"status":"completed","row_count":3,"anomaly_count":0,"anomalies":[]}'
FAST = RetryPolicy(attempts=5, base_delay_seconds=2.0, max_delay_seconds=60.0, max_retry_after_seconds=300.0)


class SleepRecorder:
    def __init__(self):
        self.delays = []

    def __call__(self, seconds):
        self.delays.append(seconds)


@pytest.fixture
def api():
    with FakeTestgenApi(RUN_ID) as server:
        yield server


def unused_local_url():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/data-quality/testgen/profile-runs/{RUN_ID}/complete"


def test_callback_posts_the_document_with_the_bearer_token(api):
    result = post_callback(api.callback_url, "tok-123", BODY, policy=FAST, sleep=SleepRecorder())

    assert result.delivered and result.attempts == 1 and result.status == 200
    (request,) = api.callbacks()
    assert request.body == BODY
    assert request.headers["Authorization"] == "Bearer tok-123"
    assert request.headers["Content-Type"] == "application/json"


def test_callback_retries_5xx_with_exponential_backoff_and_the_same_body(api):
    api.callback_answers.extend([Answer(503), Answer(502)])
    sleep = SleepRecorder()

    result = post_callback(api.callback_url, "tok", BODY, policy=FAST, sleep=sleep)

    assert result.delivered and result.attempts == 3
    assert [request.body for request in api.callbacks()] == [BODY, BODY, BODY]
    assert sleep.delays == [2.0, 4.0]


def test_callback_honours_retry_after_on_429(api):
    api.callback_answers.append(Answer(429, headers=(("Retry-After", "7"),)))
    sleep = SleepRecorder()

    result = post_callback(api.callback_url, "tok", BODY, policy=FAST, sleep=sleep)

    assert result.delivered and result.attempts == 2
    assert sleep.delays == [7.0]


def test_retry_after_is_capped(api):
    api.callback_answers.append(Answer(503, headers=(("Retry-After", "86400"),)))
    sleep = SleepRecorder()

    post_callback(api.callback_url, "tok", BODY, policy=FAST, sleep=sleep)

    assert sleep.delays == [300.0]


def test_callback_that_never_succeeds_gives_up_without_raising(api):
    api.callback_answers.extend([Answer(500)] * 5)
    sleep = SleepRecorder()

    result = post_callback(api.callback_url, "tok", BODY, policy=FAST, sleep=sleep)

    assert not result.delivered and result.attempts == 5 and result.status == 500
    assert len(api.callbacks()) == 5
    assert sleep.delays == [2.0, 4.0, 8.0, 16.0]  # no sleep after the last attempt


@pytest.mark.parametrize("status", [400, 401, 404, 409, 413])
def test_other_client_errors_are_final(api, status):
    api.callback_answers.append(Answer(status, b'{"detail": "nope"}'))
    sleep = SleepRecorder()

    result = post_callback(api.callback_url, "tok", BODY, policy=FAST, sleep=sleep)

    assert not result.delivered and result.attempts == 1 and result.status == status
    assert "nope" in result.detail
    assert sleep.delays == []


def test_unreachable_callback_is_retried_as_a_transport_error():
    sleep = SleepRecorder()

    result = post_callback(unused_local_url(), "tok", BODY, policy=RetryPolicy(attempts=3), sleep=sleep)

    assert not result.delivered and result.attempts == 3 and result.status is None
    assert len(sleep.delays) == 2


def test_a_redirect_is_a_final_answer_and_never_followed(api):
    api.callback_answers.append(Answer(302, headers=(("Location", "http://127.0.0.1:9/elsewhere"),)))

    result = post_callback(api.callback_url, "tok", BODY, policy=FAST, sleep=SleepRecorder())

    assert not result.delivered and result.status == 302 and result.attempts == 1
    assert len(api.requests) == 1


@pytest.mark.parametrize("url", ["", "file:///etc/passwd", "localhost:8000/complete"])
def test_no_usable_callback_url_means_nothing_is_sent(url):
    result = post_callback(url, "tok", BODY, sleep=SleepRecorder())
    assert not result.delivered and result.attempts == 0


def test_parse_retry_after_reads_seconds_and_http_dates():
    now = datetime(2025, 11, 19, 15, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 19 Nov 2025 15:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 19 Nov 2025 14:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --- outlasting an outage of the API's database (issue 22) --------------------------------------------


def test_the_default_callback_policy_outlasts_a_database_outage_honouring_retry_after(api):
    """The API answers 503 with Retry-After 30 while its database is away (ten minutes here)."""
    api.callback_answers.extend([Answer(503, headers=(("Retry-After", "30"),))] * 20)
    sleep = SleepRecorder()

    result = post_callback(api.callback_url, "tok", BODY, sleep=sleep)

    assert result.delivered and result.attempts == 21
    assert sleep.delays == [30.0] * 20


def test_the_callback_gives_up_once_its_waits_would_pass_callback_retry_minutes(api):
    api.callback_answers.extend([Answer(503, headers=(("Retry-After", "30"),))] * 10)
    sleep = SleepRecorder()

    result = post_callback(api.callback_url, "tok", BODY, policy=callback_retry_policy(2), sleep=sleep)

    assert not result.delivered and result.status == 503
    assert sleep.delays == [30.0] * 4  # two minutes of waiting, then the payload file stands


@pytest.mark.parametrize(("widget", "minutes"), [("", 30.0), ("90", 90.0), ("0.5", 0.5), ("soon", 30.0), ("-1", 30.0)])
def test_callback_retry_minutes_comes_from_the_job_parameter(widget, minutes):
    parameters = JobParameters(table_group_id="7", profile_run_id=RUN_ID, payload_path="dbfs:/p", callback_retry_minutes=widget)

    assert callback_retry_minutes(parameters) == minutes
