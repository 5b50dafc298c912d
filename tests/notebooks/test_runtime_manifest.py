import json
import logging

import pytest

from notebooks.dq_profiler.runtime.http_client import RetryPolicy
from notebooks.dq_profiler.runtime.manifest import (
    SOURCE_API,
    SOURCE_WIDGETS,
    Manifest,
    TableRef,
    load_manifest,
    manifest_url,
)
from notebooks.dq_profiler.runtime.parameters import JobParameters
from tests.notebooks.fake_testgen_api import Answer, FakeTestgenApi

RUN_ID = "0b7d1c6a-2222-4c1d-9a55-000000000002"
MANIFEST = {
    "profile_run_id": RUN_ID,
    "table_group_id": "17",
    "catalog": "main",
    "schema_name": "sales",
    "include_mask": "order%",
    "exclude_mask": "%tmp",
    "sample_percent": 10,
    "sample_min_rows": 5000,
    "tables": [{"schema_name": "sales", "table_name": "customers"}, {"schema_name": "ref", "table_name": "country"}],
    "thresholds": {"null_ratio": 0.1},
    "previous_row_counts": {"sales.customers": 120},
}
NO_WAIT = RetryPolicy(attempts=3, base_delay_seconds=0.0)


def parameters(callback_url, **overrides):
    values = dict(
        table_group_id="17",
        profile_run_id=RUN_ID,
        payload_path="dbfs:/dq/17/run.json",
        callback_url=callback_url,
        callback_token="secret-token",
        catalog="widget_catalog",
        schema_name="widget_schema",
        include_mask="w%",
        exclude_mask="",
    )
    values.update(overrides)
    return JobParameters(**values)


def test_manifest_url_replaces_the_trailing_complete():
    base = "https://dq.example.com/data-quality/testgen/profile-runs/abc"
    assert manifest_url(f"{base}/complete") == f"{base}/manifest"
    assert manifest_url(f"{base}/complete/") == f"{base}/manifest"
    assert manifest_url(f"{base}/done") is None
    assert manifest_url("") is None


def test_manifest_from_the_api_with_the_bearer_token():
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        manifest = load_manifest(parameters(api.callback_url), policy=NO_WAIT)
        (request,) = api.manifest_requests()

    assert request.headers["Authorization"] == "Bearer secret-token"
    assert manifest.source == SOURCE_API
    assert manifest.catalog == "main" and manifest.schema_name == "sales"
    assert (manifest.include_mask, manifest.exclude_mask) == ("order%", "%tmp")
    assert manifest.tables == (TableRef("sales", "customers"), TableRef("ref", "country"))
    assert (manifest.sample_percent, manifest.sample_min_rows) == (10.0, 5000)
    assert manifest.thresholds == {"null_ratio": 0.1}


def test_unavailable_api_falls_back_to_the_widgets_after_retries(caplog):
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        api.manifest_answers.extend([Answer(503)] * 3)
        with caplog.at_level(logging.WARNING):
            manifest = load_manifest(parameters(api.callback_url), policy=NO_WAIT, sleep=lambda _: None)
        assert len(api.manifest_requests()) == 3

    assert manifest == Manifest(
        profile_run_id=RUN_ID,
        table_group_id="17",
        source=SOURCE_WIDGETS,
        catalog="widget_catalog",
        schema_name="widget_schema",
        include_mask="w%",
    )
    assert "unavailable" in caplog.text


@pytest.mark.parametrize("status", [401, 403, 404])
def test_refused_manifest_falls_back_at_once_and_logs_an_error(caplog, status):
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        api.manifest_answers.append(Answer(status, b'{"detail": "Invalid token."}'))
        with caplog.at_level(logging.ERROR):
            manifest = load_manifest(parameters(api.callback_url), policy=NO_WAIT)
        assert len(api.manifest_requests()) == 1

    assert manifest.source == SOURCE_WIDGETS
    assert any(record.levelno == logging.ERROR and f"HTTP {status}" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({**MANIFEST, "profile_run_id": "another-run"}).encode(),
        json.dumps({**MANIFEST, "tables": [{"schema_name": "sales"}]}).encode(),
        json.dumps({**MANIFEST, "sample_percent": "ten"}).encode(),
    ],
)
def test_unusable_manifest_falls_back_to_the_widgets(body):
    with FakeTestgenApi(RUN_ID) as api:
        api.manifest_answers.append(Answer(200, body))
        manifest = load_manifest(parameters(api.callback_url), policy=NO_WAIT)

    assert manifest.source == SOURCE_WIDGETS


def test_callback_url_of_another_shape_skips_the_api():
    manifest = load_manifest(parameters("https://dq.example.com/hooks/profile"), policy=NO_WAIT)
    assert manifest.source == SOURCE_WIDGETS and manifest.schema_name == "widget_schema"


def test_null_optional_fields_are_accepted():
    manifest = Manifest.from_document(
        {"table_group_id": 3, "schema_name": "s", "sample_percent": None, "thresholds": None,
         "previous_row_counts": None, "tables": None},
        profile_run_id=RUN_ID,
    )
    assert manifest.tables == () and manifest.thresholds is None
    assert manifest.sample_percent is None and manifest.table_group_id == "3"


def test_the_manifest_waits_a_few_minutes_for_the_api_honouring_retry_after_before_the_widgets():
    """The API's database is away for two minutes: the manifest still comes from the API, with its thresholds."""
    delays = []
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        api.manifest_answers.extend([Answer(503, headers=(("Retry-After", "20"),))] * 6)
        manifest = load_manifest(parameters(api.callback_url), sleep=delays.append)

    assert manifest.source == "api" and manifest.thresholds == {"null_ratio": 0.1}
    assert delays == [20.0] * 6


def test_the_manifest_falls_back_to_the_widgets_once_its_few_minutes_are_spent():
    delays = []
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        api.manifest_answers.extend([Answer(503, headers=(("Retry-After", "60"),))] * 10)
        manifest = load_manifest(parameters(api.callback_url), sleep=delays.append)

    assert manifest.source == "widgets"
    assert delays == [60.0] * 3
