"""Size and shape of callback bodies: 413 as JSON before reading more than the limit (declared or streamed),
and 400, never 500, for numbers JSON cannot store and for documents nested thousands deep. The poll path,
which reads the same document from storage, fails such a run with the reason."""

from __future__ import annotations

import io
import json

import pytest

from dataquality.models import ProfileColumn, ProfileRun, ProfileRunStatus
from dataquality.services.monitor.reconcile import poll_profile_run
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, run_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]

LIMIT = 2000


@pytest.fixture
def limit(settings):
    settings.PROFILE_CALLBACK_MAX_BYTES = LIMIT
    return LIMIT


@pytest.fixture(params=["staff_client", "viewer_client"])
def reader(request):
    return request.getfixturevalue(request.param)


def _document(size: int) -> bytes:
    """A valid payload of exactly `size` bytes."""
    head = b'{"status": "completed", "error_message": "'
    return head + b"x" * (size - len(head) - 2) + b'"}'


class CountingStream(io.BytesIO):
    """A server's input stream that remembers how much was read from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def _post_raw(profile_run: ProfileRun, body: bytes, **environ):
    return run_client(profile_run).generic(
        "POST", complete_url(profile_run.pk), body, content_type="application/json", **environ
    )


def _post_streamed(profile_run: ProfileRun, stream: io.BytesIO):
    """A chunked body as gunicorn hands it over: no Content-Length, a stream that ends with the body."""
    return run_client(profile_run).generic(
        "POST", complete_url(profile_run.pk), b"", content_type="application/json",
        **{"wsgi.input": stream, "wsgi.input_terminated": True},
    )


def _assert_untouched(reader, profile_run: ProfileRun) -> None:
    run = reader.get(f"/data-quality/profile-runs/{profile_run.pk}").json()
    assert (run["status"], run["error_message"]) == ("running", "")
    assert not ProfileColumn.objects.exists()


# --- size -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("over", [1, 100, 2000, 10_000])
def test_a_body_a_little_over_the_limit_is_413_as_json(reader, limit, settings, over):
    # As the settings had it: Django's own body limit a little above the callback's.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = limit + 1024
    profile_run = make_profile_run()

    response = _post_raw(profile_run, _document(limit + over))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "The payload is larger than the callback accepts."
    _assert_untouched(reader, profile_run)


def test_a_body_at_the_limit_is_accepted(reader, limit):
    profile_run = make_profile_run()
    assert _post_raw(profile_run, _document(limit)).status_code == 200
    assert reader.get(f"/data-quality/profile-runs/{profile_run.pk}").json()["status"] == "completed"


def test_a_declared_length_over_the_limit_is_refused_before_reading(reader, limit):
    profile_run = make_profile_run()
    stream = CountingStream(_document(limit + 1))

    response = _post_raw(profile_run, b"", **{"CONTENT_LENGTH": str(limit + 1), "wsgi.input": stream})

    assert response.status_code == 413
    assert stream.bytes_read == 0
    _assert_untouched(reader, profile_run)


def test_a_chunked_body_over_the_limit_is_refused_after_reading_one_byte_more(reader, limit):
    profile_run = make_profile_run()
    stream = CountingStream(_document(50 * limit))

    response = _post_streamed(profile_run, stream)

    assert response.status_code == 413
    assert response.json()["detail"]
    assert stream.bytes_read == limit + 1
    _assert_untouched(reader, profile_run)


def test_a_chunked_body_within_the_limit_is_read_to_its_end(reader, limit):
    profile_run = make_profile_run()

    response = _post_streamed(profile_run, CountingStream(_document(limit)))

    assert response.status_code == 200, response.content
    assert reader.get(f"/data-quality/profile-runs/{profile_run.pk}").json()["status"] == "completed"


def test_a_body_without_length_on_a_server_that_does_not_stream_it_is_no_body(reader):
    profile_run = make_profile_run()
    stream = CountingStream(_document(100))

    response = run_client(profile_run).generic(
        "POST", complete_url(profile_run.pk), b"", content_type="application/json", **{"wsgi.input": stream}
    )

    assert response.status_code == 400
    assert stream.bytes_read == 0
    _assert_untouched(reader, profile_run)


# --- shape ------------------------------------------------------------------------------------------------------

COLUMN = '{"column_name": "c", %s}'


def _with_column(fragment: str) -> bytes:
    return ('{"status": "completed", "tables": [{"table_name": "t", "columns": [%s]}]}' % (COLUMN % fragment)).encode()


NON_FINITE = {
    "1e999 in extra": _with_column('"extra": {"ratio": 1e999}'),
    "-1e999 as an undeclared metric": _with_column('"skew": -1e999'),
    "NaN in extra": _with_column('"extra": {"ratio": NaN}'),
    "Infinity as a mean": _with_column('"mean": Infinity'),
    "-Infinity as a min": _with_column('"min_value": -Infinity'),
    "1e999 as a top value": _with_column('"top_values": [{"value": 1e999, "count": 1}]'),
    "NaN as the row count": b'{"status": "completed", "row_count": NaN}',
    "1e400 in an anomaly list": b'{"status": "completed", "anomalies": [1e400]}',
}


@pytest.mark.parametrize("body", NON_FINITE.values(), ids=NON_FINITE.keys())
def test_non_finite_numbers_anywhere_are_400(reader, body):
    profile_run = make_profile_run()

    response = _post_raw(profile_run, body)

    assert response.status_code == 400, response.content
    assert "finite" in response.json()["detail"]
    _assert_untouched(reader, profile_run)


def _nested(depth: int) -> bytes:
    return _with_column('"extra": {"deep": %s1%s}' % ("[" * depth, "]" * depth))


@pytest.mark.parametrize("depth", [70, 900, 5000, 100_000])
def test_json_nested_deeply_is_400(reader, depth):
    profile_run = make_profile_run()

    response = _post_raw(profile_run, _nested(depth))

    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    _assert_untouched(reader, profile_run)


def test_a_bare_document_nested_thousands_deep_is_400(reader):
    profile_run = make_profile_run()
    assert _post_raw(profile_run, b"[" * 20_000 + b"]" * 20_000).status_code == 400
    _assert_untouched(reader, profile_run)


def test_ordinary_nesting_in_extra_is_kept(reader):
    profile_run = make_profile_run()
    assert _post_raw(profile_run, _nested(20)).status_code == 200
    assert ProfileColumn.objects.get().extra["deep"] == json.loads("[" * 20 + "1" + "]" * 20)


def test_the_service_refuses_non_finite_numbers_it_is_handed_directly():
    """Whoever decoded the document: a float that JSON cannot store is a field error, not a database error."""
    from rest_framework.exceptions import ValidationError

    from dataquality.services.results.completion import complete_profile_run

    profile_run = make_profile_run()
    payload = {"status": "completed", "tables": [{"table_name": "t", "columns": [
        {"column_name": "c", "extra": {"ratio": float("inf")}, "min_value": float("nan")}]}]}

    with pytest.raises(ValidationError) as raised:
        complete_profile_run(profile_run_id=profile_run.pk, payload=payload)

    assert "finite" in str(raised.value.detail)
    assert ProfileRun.objects.get(pk=profile_run.pk).status == ProfileRunStatus.RUNNING


# --- the poll path ------------------------------------------------------------------------------------------


class FinishedRun:
    """A workspace whose run succeeded without a callback, leaving `document` at the payload path."""

    def __init__(self, document: bytes):
        self.document = document

    def get_run(self, run_id):
        return {"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}}

    def read_payload(self, path: str) -> bytes:
        return self.document


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (NON_FINITE["1e999 in extra"], "finite"),
        (NON_FINITE["NaN in extra"], "finite"),
        (_nested(5000), "nested"),
        (_nested(70), "nested"),
        (b"{not json", "Not a JSON document"),
    ],
)
def test_the_poll_fails_a_run_whose_stored_payload_cannot_be_stored(reader, document, reason):
    profile_run = make_profile_run(payload_path="dbfs:/profiles/1/run.json")

    outcome = poll_profile_run(profile_run=profile_run, client_factory=lambda connection: FinishedRun(document))

    assert outcome.startswith("failed")
    run = reader.get(f"/data-quality/profile-runs/{profile_run.pk}").json()
    assert run["status"] == "failed"
    assert "dbfs:/profiles/1/run.json is malformed" in run["error_message"] and reason in run["error_message"]
    assert not ProfileColumn.objects.exists()
