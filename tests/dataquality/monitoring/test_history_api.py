"""GET /data-quality/table-groups/{id}/history (contract 11.1)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dataquality.models import ProfileColumn, ProfileResult, ProfileRun
from tests.dataquality.fixtures.callback import make_table_group
from tests.dataquality.monitoring.series import START, daily, payload

pytestmark = pytest.mark.django_db
PII = {"table_name": "sales.orders", "column_name": "amount", "anomaly_type": "potential_pii",
       "severity": "high", "description": "looks personal"}


def history(client, group, **query):
    return client.get(f"/data-quality/table-groups/{group.pk}/history", query)


def test_points_are_oldest_first_with_the_run_and_time(viewer_client):
    group = make_table_group()
    runs = daily(group, [payload(rows=rows) for rows in (100, 200, 300)])
    body = history(viewer_client, group, metric="row_count", table="sales.orders").json()
    assert body["table_group"] == group.pk and body["table_name"] == "sales.orders" and body["column_name"] is None
    assert [point["value"] for point in body["points"]] == [100, 200, 300]
    assert [point["profile_run_id"] for point in body["points"]] == [str(run.pk) for run in runs]


def test_limit_keeps_the_newest(viewer_client):
    group = make_table_group()
    daily(group, [payload(rows=rows) for rows in (100, 200, 300)])
    body = history(viewer_client, group, metric="row_count", table="sales.orders", limit=2).json()
    assert [point["value"] for point in body["points"]] == [200, 300]


def test_column_metrics_and_shares(viewer_client):
    group = make_table_group()
    daily(group, [payload(note_nulls=10), payload(rows=2000, note_nulls=500)])
    body = history(viewer_client, group, metric="null_share", table="sales.orders", column="note").json()
    assert [point["value"] for point in body["points"]] == [0.01, 0.25]
    means = history(viewer_client, group, metric="mean", table="sales.orders", column="amount").json()
    assert [point["value"] for point in means["points"]] == [50.0, 50.0]


def test_only_completed_runs_count(viewer_client):
    group = make_table_group()
    daily(group, [payload(rows=100)])
    failed = ProfileRun.objects.create(table_group=group, status="failed")
    ProfileResult.objects.create(profile_run=failed, schema_name="sales", table_name="orders", row_count=5)
    assert len(history(viewer_client, group, metric="row_count", table="sales.orders").json()["points"]) == 1


@pytest.mark.parametrize("query", [
    {"metric": "rows", "table": "sales.orders"},
    {"metric": "null_share", "table": "sales.orders"},  # a column metric without a column
    {"metric": "row_count", "table": "sales.orders", "column": "note"},  # a table metric with one
    {"metric": "row_count"},
    {"metric": "row_count", "table": "sales.orders", "limit": 0},
    {"metric": "row_count", "table": "sales.orders", "limit": 1001},
])
def test_a_bad_request_is_a_400_naming_the_valid_metrics(viewer_client, query):
    response = history(viewer_client, make_table_group(), **query)
    assert response.status_code == 400
    if query.get("metric") in ("rows", "null_share"):
        assert "null_share" in str(response.json()) and "row_count" in str(response.json())


def test_a_table_never_profiled_has_no_points(viewer_client):
    group = make_table_group()
    daily(group, [payload()])
    response = history(viewer_client, group, metric="row_count", table="sales.nothing")
    assert response.status_code == 200 and response.json()["points"] == []


def test_values_of_a_pii_column_are_null(viewer_client):
    group = make_table_group()
    daily(group, [payload(anomalies=[PII]), payload()])
    body = history(viewer_client, group, metric="mean", table="sales.orders", column="amount").json()
    assert [point["value"] for point in body["points"]] == [None, 50.0]
    nulls = history(viewer_client, group, metric="null_count", table="sales.orders", column="amount").json()
    assert [point["value"] for point in nulls["points"]] == [0, 0]  # counts are not values of the data


def test_a_login_is_required(client):
    group = make_table_group()
    assert history(client, group, metric="row_count", table="sales.orders").status_code == 401


def test_one_query_per_answer_whatever_the_number_of_runs(viewer_client):
    group = make_table_group()
    counts = []
    for runs in (3, 200):
        ProfileRun.objects.all().delete()
        for index in range(runs):
            run = ProfileRun.objects.create(table_group=group, status="completed", completed_at=START + timedelta(hours=index))
            ProfileColumn.objects.create(profile_run=run, schema_name="sales", table_name="orders", column_name="note",
                                         row_count=10, null_count=1)
        viewer_client.get(f"/data-quality/table-groups/{group.pk}/history")  # warm the auth caches alike
        with CaptureQueriesContext(connection) as queries:
            body = history(viewer_client, group, metric="null_share", table="sales.orders", column="note", limit=1000).json()
        assert len(body["points"]) == runs
        counts.append(len(queries))
    assert counts[0] == counts[1]
