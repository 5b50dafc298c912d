"""The completion callback: what it stores, what it refuses, and that a repeat replaces instead of duplicating."""

import json
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from dataquality.models import (
    ProfileAnomaly,
    ProfileColumn,
    ProfileColumnValue,
    ProfileResult,
    ProfileRun,
    ProfileRunStatus,
)
from dataquality.services.results.completion import BATCH_SIZE
from dataquality.services.access.pii import PII_ANOMALY_TYPE
from notebooks.dq_profiler.catalogue import ANOMALY_TYPES
from tests.dataquality.fixtures.callback import (
    complete_url,
    load_payload,
    make_profile_run,
    run_client,
    wide_payload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]


def post(profile_run: ProfileRun, payload, client: APIClient | None = None, **kwargs):
    client = client or run_client(profile_run)
    if "content_type" in kwargs:
        return client.post(complete_url(profile_run.pk), payload, **kwargs)
    return client.post(complete_url(profile_run.pk), payload, format="json")


def row_counts(profile_run: ProfileRun) -> tuple[int, int, int, int]:
    """(anomalies, tables, columns, top values and patterns) stored for the run."""
    return tuple(
        model.objects.filter(profile_run=profile_run).count()
        for model in (ProfileAnomaly, ProfileResult, ProfileColumn, ProfileColumnValue)
    )


def ranked(profile_run: ProfileRun, column_name: str, kind: str) -> list[dict]:
    """A column's top values or patterns as `[{"value", "count"}]`, most frequent first."""
    rows = ProfileColumnValue.objects.filter(profile_run=profile_run, column_name=column_name, kind=kind)
    return [{"value": row.value, "count": row.frequency} for row in rows.order_by("rank")]


def test_the_seed_example_is_accepted_as_it_stands():
    profile_run = make_profile_run(started_at=timezone.now() - timedelta(minutes=5))

    response = post(profile_run, load_payload("seed_payload"))

    assert response.status_code == 200, response.content
    assert response.json() == {
        "profile_run_id": str(profile_run.pk),
        "table_group_id": profile_run.table_group_id,
        "status": "completed",
        "databricks_run_id": "4711",
        "databricks_job_id": "42",
        "run_page_url": "",
        "warnings": [],
    }
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.COMPLETED
    assert profile_run.row_count == 123456
    assert profile_run.anomaly_count == 2  # as reported, even though one anomaly row came
    assert profile_run.completed_at is not None
    anomaly = ProfileAnomaly.objects.get(profile_run=profile_run)
    assert (anomaly.table_name, anomaly.column_name, anomaly.anomaly_type, anomaly.severity) == (
        "schema.table", "col_a", "null_ratio", "medium",
    )
    assert anomaly.description == "Null ratio exceeded 5%"
    assert anomaly.detected_at == datetime(2025, 11, 19, 15, 12, 3, tzinfo=dt_timezone.utc)


def test_trailing_slash_is_accepted():
    profile_run = make_profile_run()
    response = run_client(profile_run).post(complete_url(profile_run.pk) + "/", {"status": "completed"}, format="json")
    assert response.status_code == 200


def test_tables_columns_and_extras_are_stored():
    profile_run = make_profile_run()
    before = timezone.now()

    assert post(profile_run, load_payload("full_payload")).status_code == 200

    profile_run.refresh_from_db()
    assert profile_run.table_count == 3
    assert profile_run.column_count == 3
    assert profile_run.row_count == 1600  # summed over the tables when the payload gives no total
    assert profile_run.anomaly_count == 2  # counted when the payload gives no count
    assert profile_run.sampled is True  # one table was sampled
    assert profile_run.profile_version == "1.0.0"
    # The payload's own clock is kept as data; the run's times are ours.
    assert profile_run.reported_completed_at == datetime(2025, 11, 19, 15, 12, 30, tzinfo=dt_timezone.utc)
    assert profile_run.reported_started_at == datetime(2025, 11, 19, 15, 0, tzinfo=dt_timezone.utc)
    assert before <= profile_run.completed_at <= timezone.now()
    assert profile_run.started_at is None

    broken = ProfileResult.objects.get(profile_run=profile_run, table_name="broken")
    assert (broken.schema_name, broken.row_count, broken.error) == ("sales", None, "Table or view not found")

    status = ProfileColumn.objects.get(profile_run=profile_run, table_name="orders", column_name="status")
    assert status.schema_name == "sales"
    assert status.min_value == " open"  # whitespace is data here
    assert status.leading_space_count == 3
    assert status.avg_length == 5.5
    assert ranked(profile_run, "status", "value") == [{"value": "shipped", "count": 700}, {"value": " open", "count": 3}]
    assert ranked(profile_run, "status", "pattern") == [{"value": "aaaaaaa", "count": 700}]
    assert status.extra == {"quoted_count": 1, "email_like_count": 0}

    order_id = ProfileColumn.objects.get(profile_run=profile_run, column_name="order_id")
    assert (order_id.min_value, order_id.max_value, order_id.p50, order_id.extra) == ("1", "1200", 600.0, {"nan_count": 0})

    flag = ProfileColumn.objects.get(profile_run=profile_run, column_name="is_active")
    assert (flag.min_value, flag.max_value, flag.true_count, flag.false_count) == ("false", "true", 390, 10)

    undated = ProfileAnomaly.objects.get(profile_run=profile_run, anomaly_type="leading_spaces")
    assert undated.detected_at == profile_run.completed_at


def test_the_run_start_recorded_at_launch_is_kept():
    launched = timezone.now() - timedelta(minutes=10)
    profile_run = make_profile_run(started_at=launched)

    post(profile_run, load_payload("full_payload"))

    profile_run.refresh_from_db()
    assert profile_run.started_at == launched


def test_a_failed_payload_fails_the_run_with_its_message():
    profile_run = make_profile_run()

    response = post(profile_run, {"status": "failed", "error_message": "Spark ran out of memory", "anomalies": []})

    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    profile_run.refresh_from_db()
    assert (profile_run.status, profile_run.error_message) == ("failed", "Spark ran out of memory")


def test_a_late_callback_completes_a_run_that_timed_out():
    profile_run = make_profile_run(
        status=ProfileRunStatus.FAILED, completed_at=timezone.now(), error_message="Timed out after 120 minutes."
    )

    response = post(profile_run, load_payload("seed_payload"))

    assert response.status_code == 200
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.COMPLETED
    assert profile_run.error_message == ""
    assert row_counts(profile_run) == (1, 0, 0, 0)


def test_a_canceled_run_is_409_and_unchanged():
    profile_run = make_profile_run(status=ProfileRunStatus.CANCELED, completed_at=timezone.now(), error_message="Canceled by ann.")

    response = post(profile_run, load_payload("seed_payload"))

    assert response.status_code == 409
    assert "canceled" in response.json()["detail"]
    profile_run.refresh_from_db()
    assert (profile_run.status, profile_run.error_message, profile_run.row_count) == ("canceled", "Canceled by ann.", None)
    assert row_counts(profile_run) == (0, 0, 0, 0)


def test_a_repeated_callback_replaces_the_rows_instead_of_adding_to_them():
    profile_run = make_profile_run()
    # A failed attempt's rows, then the Databricks retry that completes the run.
    assert post(profile_run, {**wide_payload(3, 4, tag="first"), "status": "failed"}).status_code == 200
    assert row_counts(profile_run) == (3, 3, 12, 24)

    assert post(profile_run, wide_payload(2, 5, tag="second")).status_code == 200
    assert post(profile_run, wide_payload(2, 5, tag="second")).status_code == 200

    assert row_counts(profile_run) == (2, 2, 10, 20)
    assert set(ProfileColumn.objects.values_list("min_value", flat=True)) == {"second-min"}
    assert set(ProfileColumnValue.objects.filter(kind="value").values_list("value", flat=True)) == {"second-value"}
    assert set(ProfileAnomaly.objects.values_list("description", flat=True)) == {"payload second"}
    profile_run.refresh_from_db()
    assert (profile_run.table_count, profile_run.column_count, profile_run.anomaly_count) == (2, 10, 2)


def test_another_runs_rows_are_left_alone():
    profile_run, other_run = make_profile_run(), make_profile_run()
    post(other_run, wide_payload(1, 2, tag="other"))

    post(profile_run, wide_payload(1, 3))
    post(profile_run, wide_payload(1, 3))

    assert row_counts(other_run) == (1, 1, 2, 4)


def insert_batches(model, rows: int) -> int:
    """INSERT statements for `rows` rows of `model`: SQLite caps the parameters of one statement (999 on
    Django 5.2), so its batches are smaller; either way the count grows with batches, never with rows."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    batch = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * BATCH_SIZE))
    return -(-rows // batch)


def test_a_wide_payload_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    tables, columns = 200, 50
    payload = json.dumps(wide_payload(tables, columns))
    profile_run = make_profile_run()
    column_inserts = insert_batches(ProfileColumn, tables * columns)
    value_inserts = insert_batches(ProfileColumnValue, 2 * tables * columns)  # one top value, one pattern
    fixed = 22  # auth lookup, history, lock, four deletes, anomaly and result inserts, run update and counts, savepoints
    assert fixed + column_inserts + value_inserts < (3 * tables * columns) / 25
    if connection.vendor == "postgresql":
        assert fixed + column_inserts + value_inserts <= 82

    with django_assert_max_num_queries(fixed + column_inserts + value_inserts):
        response = post(profile_run, payload, content_type="application/json")

    assert response.status_code == 200, response.content[:500]
    assert row_counts(profile_run) == (tables, tables, tables * columns, 2 * tables * columns)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "done"}, "status"),
        ({"row_count": 5}, "status"),
        ({"status": None}, "status"),
        ({"status": "completed", "anomalies": [{"table_name": "s.t", "anomaly_type": "x", "severity": "low"}]}, "anomalies"),
        ({"status": "completed", "anomalies": [{"anomaly_type": "x", "severity": "low", "description": "d"}]}, "anomalies"),
        ({"status": "completed", "anomalies": {"table_name": "s.t"}}, "anomalies"),
        ({"status": "completed", "anomalies": ["null_ratio"]}, "anomalies"),
        ({"status": "completed", "row_count": "many"}, "row_count"),
        ({"status": "completed", "row_count": -1}, "row_count"),
        ({"status": "completed", "row_count": 2**63}, "row_count"),
        ({"status": "completed", "anomaly_count": 2**31}, "anomaly_count"),
        ({"status": "completed", "completed_at": "yesterday"}, "completed_at"),
        ({"status": "completed", "profile_version": "v" * 51}, "profile_version"),
        ({"status": "completed", "sampled": "perhaps"}, "sampled"),
        ({"status": "completed", "anomalies": [
            {"table_name": "s.t", "anomaly_type": "x" * 101, "severity": "low", "description": "d"}]}, "anomalies"),
        ({"status": "completed", "tables": [{"schema_name": "s"}]}, "tables"),
        ({"status": "completed", "tables": [{"table_name": "t" * 256}]}, "tables"),
        ({"status": "completed", "tables": [{"table_name": "t"}, {"table_name": "t"}]}, "tables"),
        ({"status": "completed", "tables": [{"table_name": "t", "columns": [{"column_name": "c"}, {"column_name": "c"}]}]}, "tables"),
        ({"status": "completed", "tables": [{"table_name": "t", "columns": [{"column_name": "c", "null_count": "x"}]}]}, "tables"),
        ({"status": "completed", "tables": [{"table_name": "t", "columns": [{"column_name": "c", "mean": "NaN"}]}]}, "tables"),
        ({"status": "completed", "tables": [{"table_name": "t", "columns": [
            {"column_name": "c", "top_values": [{"value": {"nested": 1}, "count": 1}]}]}]}, "tables"),
        ({"status": "completed", "tables": [{"table_name": "t", "columns": [
            {"column_name": "c", "top_values": [{"value": "a"}]}]}]}, "tables"),
        ({"status": "completed", "profile_run_id": "00000000-0000-0000-0000-000000000000"}, "profile_run_id"),
    ],
)
def test_malformed_payload_is_400_with_field_errors_and_writes_nothing(payload, field):
    profile_run = make_profile_run(status=ProfileRunStatus.FAILED, error_message="Timed out.")
    # A valid earlier payload's rows must survive a malformed repeat.
    profile_run.anomalies.create(table_name="s.t", anomaly_type="keep", severity="low", description="d", detected_at=timezone.now())

    response = post(profile_run, payload)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in body["errors"]
    profile_run.refresh_from_db()
    assert (profile_run.status, profile_run.error_message) == ("failed", "Timed out.")
    assert list(ProfileAnomaly.objects.values_list("anomaly_type", flat=True)) == ["keep"]


@pytest.mark.parametrize("body", ["[]", "\"completed\"", "42", "null", "{\"status\": \"completed\",", "{\"status\": NaN}", ""])
def test_a_body_that_is_not_a_json_object_is_400(body):
    profile_run = make_profile_run()

    response = post(profile_run, body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.RUNNING


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_is_415(content_type):
    profile_run = make_profile_run()

    response = post(profile_run, json.dumps(load_payload("seed_payload")), content_type=content_type)

    assert response.status_code == 415
    assert response.json()["detail"]
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.RUNNING


def test_json_with_a_charset_is_accepted():
    profile_run = make_profile_run()
    response = post(profile_run, json.dumps({"status": "completed"}), content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_a_body_over_the_limit_is_413_and_writes_nothing(settings):
    payload = json.dumps(wide_payload(2, 2))
    settings.PROFILE_CALLBACK_MAX_BYTES = len(payload) - 1
    profile_run = make_profile_run()

    response = post(profile_run, payload, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["detail"]
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.RUNNING
    assert row_counts(profile_run) == (0, 0, 0, 0)


def test_a_body_at_the_limit_is_accepted(settings):
    payload = json.dumps(wide_payload(2, 2))
    settings.PROFILE_CALLBACK_MAX_BYTES = len(payload)
    profile_run = make_profile_run()
    assert post(profile_run, payload, content_type="application/json").status_code == 200


def test_nul_characters_in_values_are_kept_visible_instead_of_refusing_the_run():
    profile_run = make_profile_run()
    payload = {"status": "completed", "tables": [{"table_name": "t", "columns": [
        {"column_name": "c", "min_value": "a\x00b", "top_values": [{"value": "\x00", "count": 2}]}]}]}

    assert post(profile_run, payload).status_code == 200

    column = ProfileColumn.objects.get(profile_run=profile_run)
    assert column.min_value == "a\ufffdb"
    assert ranked(profile_run, "c", "value") == [{"value": "\ufffd", "count": 2}]


def test_top_values_are_ranked_rows_of_text_in_their_own_table():
    profile_run = make_profile_run()
    payload = {"status": "completed", "tables": [{"schema_name": "s", "table_name": "t", "columns": [
        {"column_name": "c", "top_values": [{"value": 7, "count": 9}, {"value": True, "count": 4}, {"value": None, "count": 2}],
         "top_patterns": [{"value": "N", "count": 9}]}]}]}

    assert post(profile_run, payload).status_code == 200

    rows = ProfileColumnValue.objects.filter(profile_run=profile_run).order_by("kind", "rank")
    assert [(row.schema_name, row.table_name, row.column_name, row.kind, row.rank, row.value, row.frequency)
            for row in rows] == [
        ("s", "t", "c", "pattern", 1, "N", 9),
        ("s", "t", "c", "value", 1, "7", 9),
        ("s", "t", "c", "value", 2, "true", 4),
        ("s", "t", "c", "value", 3, None, 2),
    ]
    assert ProfileColumnValue._meta.db_table == "dq_profile_column_values"


def test_nul_characters_in_extra_metrics_are_kept_visible_instead_of_failing_the_write():
    profile_run = make_profile_run()
    payload = {"status": "completed", "tables": [{"table_name": "t", "columns": [
        {"column_name": "c", "odd\x00key": "v\x00", "extra": {"nested": ["a\x00"]}}]}]}

    assert post(profile_run, payload).status_code == 200

    column = ProfileColumn.objects.get(profile_run=profile_run)
    assert column.extra == {"odd\ufffdkey": "v\ufffd", "nested": ["a\ufffd"]}


def test_completion_is_logged_without_the_token(caplog):
    profile_run = make_profile_run()
    client = run_client(profile_run)
    token = client._credentials["HTTP_AUTHORIZATION"].split()[1]

    with caplog.at_level("INFO", logger="dataquality.services.results.completion"):
        post(profile_run, load_payload("seed_payload"), client=client)

    completion_lines = [record.getMessage() for record in caplog.records if record.name == "dataquality.services.results.completion"]
    assert len(completion_lines) == 1
    assert str(profile_run.pk) in completion_lines[0]
    assert token not in caplog.text


def test_top_values_of_a_column_flagged_as_potential_pii_are_never_stored():
    profile_run = make_profile_run()
    payload = load_payload("full_payload")
    payload["anomalies"].append({"table_name": "sales.orders", "column_name": "status", "anomaly_type": PII_ANOMALY_TYPE,
                                 "severity": "high", "description": "Looks like emails"})

    assert post(profile_run, payload).status_code == 200

    assert ranked(profile_run, "status", "value") == []
    assert ranked(profile_run, "status", "pattern") == [{"value": "aaaaaaa", "count": 700}]  # counts and patterns stay
    assert PII_ANOMALY_TYPE in {anomaly_type.id for anomaly_type in ANOMALY_TYPES}


def test_a_payload_written_by_the_profiling_engine_is_accepted():
    """`engine_payload.json` is `profile_tables` output on local Spark for a small table of six typed columns."""
    profile_run = make_profile_run()
    payload = load_payload("engine_payload")

    assert post(profile_run, payload).status_code == 200

    profile_run.refresh_from_db()
    assert (profile_run.table_count, profile_run.column_count) == (1, 6)
    assert profile_run.anomaly_count == len(payload["anomalies"])
    name = ProfileColumn.objects.get(profile_run=profile_run, column_name="name")
    assert name.leading_space_count == 1
    assert {"value": " a", "count": 1} in ranked(profile_run, "name", "value")
    assert "quoted_count" in name.extra


def test_completion_time_is_the_servers_even_when_the_payload_says_otherwise():
    """A notebook whose clock is behind ours must not give a negative duration."""
    started = timezone.now() - timedelta(minutes=5)
    profile_run = make_profile_run(started_at=started)
    stamped = {"status": "completed", "started_at": "2020-01-01T00:00:00Z", "completed_at": "2020-01-01T00:01:00Z"}

    assert post(profile_run, stamped).status_code == 200

    profile_run.refresh_from_db()
    assert profile_run.started_at == started
    assert profile_run.completed_at > started and profile_run.duration_ms >= 5 * 60 * 1000
    assert profile_run.reported_completed_at == datetime(2020, 1, 1, 0, 1, tzinfo=dt_timezone.utc)
