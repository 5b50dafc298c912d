"""OpenLineage run events (contract section 12.3) against a local receiver."""

from __future__ import annotations

import logging

import pytest

from dataquality import tasks
from dataquality.models import Connection, ProfileRun, ProfileRunStatus
from dataquality.services.results.completion import complete_profile_run
from dataquality.services.results.lineage import COMPLETE, START
from dataquality.services.launch.profiling import DataQualityProfilingService
from tests.dataquality.fixtures.callback import load_payload, make_profile_run, make_table_group
from tests.dataquality.lineage_receiver import LineageReceiver

pytestmark = pytest.mark.django_db
PII_COLUMN = "email"  # flagged potential_pii in the engine payload fixture, table s.t


@pytest.fixture
def receiver(settings):
    with LineageReceiver() as receiver:
        settings.OPENLINEAGE_URL = receiver.url
        settings.OPENLINEAGE_API_KEY = "lineage-key"
        settings.OPENLINEAGE_NAMESPACE = "dq-tests"
        settings.OPENLINEAGE_MAX_RETRIES = 2
        yield receiver


@pytest.fixture
def sent(monkeypatch):
    """The events the services queue: each queued task runs at once, in this process."""
    queued = []

    def run_now(profile_run_id, event_type):
        queued.append((profile_run_id, event_type))
        tasks.send_lineage_event_task.apply(args=[profile_run_id, event_type])

    monkeypatch.setattr(tasks.send_lineage_event_task, "delay", run_now)
    return queued


@pytest.fixture
def table_group():
    connection = Connection.objects.create(name="ws", host="https://adb-77.azuredatabricks.net", secret_ref="X")
    return make_table_group(catalog="main", schema_name="s", connection=connection)


def test_a_completed_run_reports_its_tables_metrics_and_anomalies(receiver, sent, table_group, django_capture_on_commit_callbacks):
    run = make_profile_run(table_group)
    payload = load_payload("engine_payload")

    with django_capture_on_commit_callbacks(execute=True):
        complete_profile_run(profile_run_id=run.pk, payload=payload)

    assert sent == [(str(run.pk), COMPLETE)]
    [request] = receiver.requests
    assert request["path"] == "/api/v1/lineage"
    assert request["headers"]["Authorization"] == "Bearer lineage-key"
    event = request["event"]
    assert event["eventType"] == "COMPLETE" and event["run"]["runId"] == str(run.pk)
    assert event["job"] == {"namespace": "dq-tests", "name": f"table-group-{table_group.pk}", "facets": {}}
    [dataset] = event["inputs"]
    assert (dataset["namespace"], dataset["name"]) == ("databricks://adb-77.azuredatabricks.net", "main.s.t")
    metrics = dataset["inputFacets"]["dataQualityMetrics"]
    table = payload["tables"][0]
    assert metrics["rowCount"] == table["row_count"]
    assert set(metrics["columnMetrics"]) == {column["column_name"] for column in table["columns"]}
    numeric = next(column for column in table["columns"] if column["column_name"] == "f")
    assert metrics["columnMetrics"]["f"]["nullCount"] == numeric["null_count"]
    assert metrics["columnMetrics"]["f"]["min"] == float(numeric["min_value"])
    assert metrics["columnMetrics"]["f"]["quantiles"] == {"0.25": numeric["p25"], "0.5": numeric["p50"], "0.75": numeric["p75"]}
    pii = metrics["columnMetrics"][PII_COLUMN]
    assert (pii.get("min"), pii.get("max"), pii.get("quantiles") or {}) == (None, None, {})
    assert "p@q.org" not in str(event)  # the PII column's value, present in the fixture, is withheld
    assertions = dataset["inputFacets"]["dataQualityAssertions"]["assertions"]
    assert [(a["assertion"], a.get("column"), a["success"]) for a in assertions] == [
        (a["anomaly_type"], a["column_name"], False) for a in payload["anomalies"]
    ]


def test_a_launched_run_reports_start(receiver, sent, workspace, django_capture_on_commit_callbacks):
    workspace.ready()
    group = make_table_group(catalog="main")
    workspace.mock.add_passthru(receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        run = DataQualityProfilingService().start_profile_for_table_group(table_group=group).profile_run

    assert sent == [(str(run.pk), START)]
    [event] = receiver.events
    assert (event["eventType"], event["run"]["runId"], event["job"]["name"]) == ("START", str(run.pk), f"table-group-{group.pk}")
    assert event["inputs"] == []


def test_a_failed_run_reports_fail_with_its_error(receiver, sent, table_group, django_capture_on_commit_callbacks):
    run = make_profile_run(table_group)

    with django_capture_on_commit_callbacks(execute=True):
        complete_profile_run(profile_run_id=run.pk, payload={"status": "failed", "error_message": "Spark ran out"})

    [event] = receiver.events
    assert (event["eventType"], event["run"]["runId"]) == ("FAIL", str(run.pk))
    assert event["run"]["facets"]["errorMessage"]["message"] == "Spark ran out"


def test_a_receiver_that_is_down_leaves_the_run_completed_and_the_failure_logged(
    receiver, sent, table_group, django_capture_on_commit_callbacks, caplog
):
    receiver.status = 503
    run = make_profile_run(table_group)

    with caplog.at_level(logging.WARNING, logger="dataquality.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            completed = complete_profile_run(profile_run_id=run.pk, payload=load_payload("engine_payload"))

    assert completed.status == ProfileRunStatus.COMPLETED
    assert ProfileRun.objects.get(pk=run.pk).status == ProfileRunStatus.COMPLETED
    assert len(receiver.requests) == 3  # the first attempt and OPENLINEAGE_MAX_RETRIES more, then given up
    given_up = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(given_up) == 1 and "not delivered after 3 attempt(s)" in given_up[0].getMessage()
    assert "503" in given_up[0].getMessage() and "lineage-key" not in caplog.text


def test_nothing_is_queued_without_an_endpoint(settings, sent, table_group, django_capture_on_commit_callbacks):
    settings.OPENLINEAGE_URL = ""
    run = make_profile_run(table_group)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        complete_profile_run(profile_run_id=run.pk, payload=load_payload("engine_payload"))

    lineage = [callback for callback in callbacks if getattr(callback, "__module__", "") == "dataquality.services.results.lineage"]
    assert sent == [] and lineage == []


def test_the_event_waits_for_the_commit(receiver, sent, table_group, django_capture_on_commit_callbacks):
    run = make_profile_run(table_group)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complete_profile_run(profile_run_id=run.pk, payload=load_payload("engine_payload"))

    lineage = [callback for callback in callbacks if getattr(callback, "__module__", "") == "dataquality.services.results.lineage"]
    assert sent == [] and receiver.requests == [] and len(lineage) == 1
    lineage[0]()
    assert [event["eventType"] for event in receiver.events] == ["COMPLETE"]
