"""The REST API: auth, CRUD, starting runs, reading runs, canceling."""

import uuid

import pytest
from django.utils import timezone

from dataquality.models import (
    Connection,
    Dataset,
    ProfileAnomaly,
    ProfileColumn,
    ProfileColumnValue,
    ProfileResult,
    ProfileRun,
    Table,
    TableGroup,
)
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db


def make_run(table_group, status="completed", **fields):
    return ProfileRun.objects.create(table_group=table_group, status=status, **fields)


# --- auth --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/data-quality/datasets"),
        ("get", "/data-quality/table-groups"),
        ("get", "/data-quality/tables"),
        ("get", "/data-quality/connections"),
        ("get", "/data-quality/profile-runs"),
        ("post", "/data-quality/table-groups/1/profile-runs"),
        ("post", "/data-quality/datasets/1/profile-runs"),
        ("get", f"/data-quality/profile-runs/{uuid.uuid4()}/anomalies"),
        ("post", f"/data-quality/profile-runs/{uuid.uuid4()}/cancel"),
    ],
)
def test_every_endpoint_needs_authentication(anonymous_client, method, path):
    response = getattr(anonymous_client, method)(path)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_wrong_token_is_refused(anonymous_client):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert anonymous_client.get("/data-quality/datasets").status_code == 401


def test_connections_are_staff_only(api_client, staff_client):
    assert api_client.get("/data-quality/connections").status_code == 403
    assert staff_client.get("/data-quality/connections").status_code == 200


# --- CRUD ----------------------------------------------------------------------------------------------

def test_dataset_table_group_and_table_crud(operator_client):
    dataset = operator_client.post("/data-quality/datasets", {"name": "Finance"}, format="json")
    assert dataset.status_code == 201, dataset.content
    dataset_id = dataset.json()["id"]
    group = operator_client.post(
        "/data-quality/table-groups/",
        {"dataset": dataset_id, "name": "ledger", "catalog": "main", "schema_name": "fin", "include_mask": "gl_%"},
        format="json",
    )
    assert group.status_code == 201, group.content
    group_id = group.json()["id"]
    assert group.json()["dataset"] == dataset_id and group.json()["profiling_job_id"] is None
    table = operator_client.post(
        "/data-quality/tables", {"table_group": group_id, "schema_name": "fin", "table_name": "gl_lines"}, format="json"
    )
    assert table.status_code == 201, table.content
    duplicate = operator_client.post(
        "/data-quality/tables", {"table_group": group_id, "schema_name": "fin", "table_name": "gl_lines"}, format="json"
    )
    assert duplicate.status_code == 400
    assert operator_client.patch(f"/data-quality/table-groups/{group_id}", {"exclude_mask": "tmp_%"}, format="json").json()[
        "exclude_mask"
    ] == "tmp_%"
    listed = operator_client.get("/data-quality/table-groups", {"dataset": dataset_id}).json()
    assert set(listed) == {"count", "next", "previous", "results"} and listed["count"] == 1
    assert operator_client.delete(f"/data-quality/tables/{table.json()['id']}").status_code == 204
    assert Table.objects.count() == 0


def test_bad_input_is_refused_with_a_reason_and_changes_nothing(operator_client, table_group):
    response = operator_client.post(
        "/data-quality/table-groups",
        {"dataset": table_group.dataset_id, "name": "x", "schema_name": "s", "sample_percent": 250},
        format="json",
    )
    assert response.status_code == 400
    assert "sample_percent" in response.json()["errors"]
    assert TableGroup.objects.count() == 1


def test_deleting_a_dataset_in_use_answers_409(dq_admin_client, table_group):
    response = dq_admin_client.delete(f"/data-quality/datasets/{table_group.dataset_id}")
    assert response.status_code == 409
    assert Dataset.objects.count() == 1


def test_connection_must_name_an_allowed_host_and_a_prefixed_secret(staff_client, databricks_settings):
    good = {"name": "prod", "host": "https://adb-1234.5.azuredatabricks.net", "secret_ref": "DATABRICKS_SECRET_REF_PROD"}
    created = staff_client.post("/data-quality/connections", good, format="json")
    assert created.status_code == 201, created.content
    evil_host = staff_client.post("/data-quality/connections", {**good, "name": "x", "host": "https://evil.example.com"}, format="json")
    assert evil_host.status_code == 400 and "host" in evil_host.json()["errors"]
    evil_secret = staff_client.post("/data-quality/connections", {**good, "name": "y", "secret_ref": "SECRET_KEY"}, format="json")
    assert evil_secret.status_code == 400 and "setting of this app" in evil_secret.json()["errors"]["secret_ref"][0]
    assert Connection.objects.count() == 1


# --- starting runs ---------------------------------------------------------------------------------------

def test_start_run_answers_202_with_the_summary(operator_client, workspace, table_group):
    workspace.ready()
    response = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")
    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) == {"profile_run_id", "table_group_id", "status", "databricks_run_id", "databricks_job_id", "run_page_url", "warnings"}
    assert body["status"] == "running" and body["databricks_run_id"] == "9001"
    assert ProfileRun.objects.get().requested_by == "operator"


def test_start_run_answers_409_when_a_run_is_active(operator_client, workspace, table_group):
    active = make_run(table_group, status="running")
    response = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")
    assert response.status_code == 409
    assert response.json()["profile_run"]["profile_run_id"] == str(active.pk)
    assert len(workspace.mock.calls) == 0


def test_start_run_answers_502_with_the_failed_run_when_databricks_refuses(operator_client, workspace, table_group):
    workspace.no_existing_jobs()
    workspace.refuses("create", 400, "INVALID_PARAMETER_VALUE", "Invalid notebook path.")
    response = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")
    assert response.status_code == 502
    body = response.json()
    assert "Invalid notebook path." in body["detail"]
    assert body["profile_run"]["status"] == "failed"
    assert ProfileRun.objects.get().status == "failed"


def test_start_run_answers_503_when_databricks_is_not_configured(staff_client, databricks_settings, table_group):
    databricks_settings.DATABRICKS_HOST = ""
    response = staff_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")
    assert response.status_code == 503
    assert "DATABRICKS_HOST" in response.json()["detail"]
    assert ProfileRun.objects.count() == 0


def test_start_run_answers_503_without_a_callback_secret(operator_client, databricks_settings, table_group):
    databricks_settings.DATABRICKS_PROFILE_CALLBACK_SECRET = ""
    response = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")
    assert response.status_code == 503
    assert ProfileRun.objects.count() == 0


def test_start_run_without_a_workspace_names_every_missing_setting_once(staff_client, databricks_settings, table_group):
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_PROFILE_NOTEBOOK_PATH",
                 "DATABRICKS_PROFILE_CALLBACK_URL", "DATABRICKS_PROFILE_CALLBACK_SECRET"):
        setattr(databricks_settings, name, "")

    response = staff_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")

    assert response.status_code == 503
    body = response.json()
    assert body["detail"].count("Databricks is not configured") == 1
    assert body["detail"].startswith("Databricks is not configured: ")
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_PROFILE_NOTEBOOK_PATH",
                 "DATABRICKS_PROFILE_CALLBACK_URL", "DATABRICKS_PROFILE_CALLBACK_SECRET"):
        assert name in body["detail"], name
    assert len(body["problems"]) == 4  # host; credentials; callback URL and secret; notebook
    assert ProfileRun.objects.count() == 0


def test_start_run_answers_404_for_an_unknown_group(operator_client, databricks_settings):
    assert operator_client.post("/data-quality/table-groups/999/profile-runs").status_code == 404


def test_dataset_start_launches_each_group_and_reports_the_active_one(operator_client, workspace, table_group):
    workspace.ready()
    second = TableGroup.objects.create(dataset=table_group.dataset, name="customers", schema_name="crm")
    active = make_run(second, status="running")

    response = operator_client.post(f"/data-quality/datasets/{table_group.dataset_id}/profile-runs")

    assert response.status_code == 202, response.content
    runs = {summary["table_group_id"]: summary for summary in response.json()["profile_runs"]}
    assert runs[table_group.pk]["status"] == "running"
    assert runs[second.pk]["profile_run_id"] == str(active.pk) and runs[second.pk]["warnings"]
    assert ProfileRun.objects.count() == 2


def test_dataset_start_answers_502_when_every_launch_was_refused(operator_client, workspace, table_group):
    workspace.no_existing_jobs()
    workspace.refuses("create", 403, "PERMISSION_DENIED", "No.")
    response = operator_client.post(f"/data-quality/datasets/{table_group.dataset_id}/profile-runs")
    assert response.status_code == 502
    assert [run["status"] for run in response.json()["profile_runs"]] == ["failed"]


def test_dataset_start_404_and_503(operator_client, databricks_settings, table_group):
    assert operator_client.post("/data-quality/datasets/999/profile-runs").status_code == 404
    databricks_settings.DATABRICKS_TOKEN = ""
    assert operator_client.post(f"/data-quality/datasets/{table_group.dataset_id}/profile-runs").status_code == 503


def test_dataset_start_starts_nothing_when_one_group_cannot_reach_databricks(staff_client, workspace, table_group):
    workspace.ready()
    unusable = Connection.objects.create(
        name="unset", host="https://adb-1234.5.azuredatabricks.net", secret_ref="DATABRICKS_SECRET_REF_UNSET_FOR_TESTS"
    )
    TableGroup.objects.create(dataset=table_group.dataset, name="z-last", schema_name="crm", connection=unusable)

    response = staff_client.post(f"/data-quality/datasets/{table_group.dataset_id}/profile-runs")

    assert response.status_code == 503, response.content
    assert "DATABRICKS_SECRET_REF_UNSET_FOR_TESTS" in response.json()["detail"]
    assert ProfileRun.objects.count() == 0
    assert len(workspace.mock.calls) == 0


# --- reading runs -------------------------------------------------------------------------------------------

def test_run_list_rows_filters_and_order(viewer_client, table_group):
    other_group = TableGroup.objects.create(dataset=table_group.dataset, name="other", schema_name="x")
    started = timezone.now()
    older = make_run(table_group, started_at=started, completed_at=started + timezone.timedelta(seconds=2), row_count=10)
    newer = make_run(table_group, status="failed", error_message="boom")
    make_run(other_group)

    rows = viewer_client.get("/data-quality/profile-runs", {"table_group": table_group.pk}).json()["results"]

    assert [row["profile_run_id"] for row in rows] == [str(newer.pk), str(older.pk)]
    assert set(rows[0]) == {
        "profile_run_id", "table_group_id", "status", "created_at", "started_at", "completed_at", "duration_ms",
        "row_count", "anomaly_count", "open_anomaly_count", "new_anomaly_count", "databricks_run_id",
        "databricks_job_id", "run_page_url", "payload_path", "error_message",
    }
    assert rows[1]["duration_ms"] == 2000
    assert [r["status"] for r in viewer_client.get("/data-quality/profile-runs", {"status": "failed"}).json()["results"]] == ["failed"]
    assert viewer_client.get("/data-quality/profile-runs", {"dataset": table_group.dataset_id}).json()["count"] == 3


def test_run_list_query_count_does_not_grow_with_runs(viewer_client, table_group, django_assert_max_num_queries):
    for _ in range(3):
        make_run(table_group)
    with django_assert_max_num_queries(6) as few:
        viewer_client.get("/data-quality/profile-runs")
    for _ in range(30):
        make_run(table_group)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = viewer_client.get("/data-quality/profile-runs")
    assert response.json()["count"] == 33


def test_run_detail_counts_anomalies_by_severity(viewer_client, table_group):
    run = make_run(table_group)
    now = timezone.now()
    for severity in ("high", "high", "low"):
        ProfileAnomaly.objects.create(profile_run=run, table_name="s.t", anomaly_type="x", severity=severity, description="d", detected_at=now)
    body = viewer_client.get(f"/data-quality/profile-runs/{run.pk}").json()
    assert body["anomaly_counts_by_severity"] == {"high": 2, "medium": 0, "low": 1}


def test_a_run_without_anomalies_counts_zero_for_every_severity(viewer_client, table_group):
    body = viewer_client.get(f"/data-quality/profile-runs/{make_run(table_group).pk}").json()

    assert body["anomaly_counts_by_severity"] == {"high": 0, "medium": 0, "low": 0}


def test_run_detail_reads_the_run_once(viewer_client, table_group, django_assert_num_queries):
    run = make_run(table_group)
    with django_assert_num_queries(6):  # auth, the permissions of the user and its groups, the run, the counts, reused tables
        assert viewer_client.get(f"/data-quality/profile-runs/{run.pk}").status_code == 200


def test_run_anomalies_are_paginated_and_filtered(viewer_client, table_group):
    run = make_run(table_group)
    now = timezone.now()
    for index in range(3):
        ProfileAnomaly.objects.create(
            profile_run=run, table_name="s.t", column_name=f"c{index}", anomaly_type="high_null_ratio",
            severity="high" if index else "medium", description="d", detected_at=now,
        )
    body = viewer_client.get(f"/data-quality/profile-runs/{run.pk}/anomalies", {"severity": "high"}).json()
    assert body["count"] == 2 and {row["column_name"] for row in body["results"]} == {"c1", "c2"}


def add_profiled_table(run, table_name: str, column_names: list[str]) -> None:
    """A table of the run with its columns, each with two top values and one pattern."""
    ProfileResult.objects.create(
        profile_run=run, schema_name="sales", table_name=table_name, row_count=5, column_count=len(column_names)
    )
    names = {"profile_run": run, "schema_name": "sales", "table_name": table_name}
    for position, column_name in enumerate(column_names, start=1):
        ProfileColumn.objects.create(**names, column_name=column_name, data_type="string", ordinal_position=position)
        ProfileColumnValue.objects.bulk_create([
            ProfileColumnValue(**names, column_name=column_name, kind="value", value="closed", frequency=2, rank=2),
            ProfileColumnValue(**names, column_name=column_name, kind="value", value="open", frequency=3, rank=1),
            ProfileColumnValue(**names, column_name=column_name, kind="pattern", value="aaaa", frequency=5, rank=1),
        ])


def test_run_results_nest_columns_under_their_tables(viewer_client, table_group):
    run = make_run(table_group)
    add_profiled_table(run, "orders", ["status"])
    other_run = make_run(table_group)
    add_profiled_table(other_run, "orders", ["status"])

    body = viewer_client.get(f"/data-quality/profile-runs/{run.pk}/results").json()

    (table,) = body["tables"]
    assert table["table_name"] == "orders" and table["row_count"] == 5
    (column,) = table["columns"]
    assert column["column_name"] == "status"
    assert column["top_values"] == [{"value": "open", "count": 3}, {"value": "closed", "count": 2}]
    assert column["top_patterns"] == [{"value": "aaaa", "count": 5}]


def test_run_results_give_every_metric_in_one_shape_beside_the_others(viewer_client, table_group):
    run = make_run(table_group)
    add_profiled_table(run, "orders", ["status"])
    ProfileColumn.objects.filter(profile_run=run).update(null_count=1, extra={"email_like_count": 4})

    (column,) = viewer_client.get(f"/data-quality/profile-runs/{run.pk}/results").json()["tables"][0]["columns"]

    assert column["null_count"] == 1 and column["email_like_count"] == 4
    assert "extra" not in column


def test_run_results_query_count_does_not_grow_with_tables(viewer_client, table_group, django_assert_max_num_queries):
    run = make_run(table_group)
    for table in range(5):
        add_profiled_table(run, f"t{table}", ["a", "b", "c"])

    with django_assert_max_num_queries(8):  # auth, permissions (2), run, tables, columns, values
        body = viewer_client.get(f"/data-quality/profile-runs/{run.pk}/results").json()

    assert len(body["tables"]) == 5 and all(len(table["columns"]) == 3 for table in body["tables"])


def test_unknown_run_is_404(viewer_client):
    assert viewer_client.get(f"/data-quality/profile-runs/{uuid.uuid4()}").status_code == 404


# --- cancel -------------------------------------------------------------------------------------------------

def test_cancel_cancels_on_databricks_then_marks_the_run(operator_client, workspace, table_group):
    run = make_run(table_group, status="running", databricks_run_id="9001")
    workspace.accepts("runs/cancel")

    response = operator_client.post(f"/data-quality/profile-runs/{run.pk}/cancel")

    assert response.status_code == 202, response.content
    assert workspace.bodies("runs/cancel") == [{"run_id": 9001}]
    run.refresh_from_db()
    assert run.status == "canceled" and run.completed_at is not None


def test_cancel_of_a_final_run_is_409(operator_client, workspace, table_group):
    run = make_run(table_group, status="completed")
    assert operator_client.post(f"/data-quality/profile-runs/{run.pk}/cancel").status_code == 409
    assert len(workspace.mock.calls) == 0


def test_cancel_refused_by_databricks_leaves_the_run_running(operator_client, workspace, table_group):
    run = make_run(table_group, status="running", databricks_run_id="9001")
    workspace.refuses("runs/cancel", 403, "PERMISSION_DENIED", "Not yours.")
    assert operator_client.post(f"/data-quality/profile-runs/{run.pk}/cancel").status_code == 502
    run.refresh_from_db()
    assert run.status == "running"


def test_deleting_a_table_group_deletes_its_job(dq_admin_client, workspace, table_group):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="101", profiling_job_host=HOST)
    workspace.accepts("delete")
    assert dq_admin_client.delete(f"/data-quality/table-groups/{table_group.pk}").status_code == 204
    assert workspace.bodies("delete") == [{"job_id": 101}]
    assert not TableGroup.objects.exists()


def test_the_schema_describes_the_results_answer(viewer_client, table_group):
    schema = viewer_client.get("/api/schema", {"format": "json"}).json()
    (path,) = [path for path in schema["paths"] if path.startswith("/data-quality/profile-runs/{") and "/results" in path]
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    components = schema["components"]["schemas"]
    results = components[answer["$ref"].rsplit("/", 1)[1]]
    assert set(results["properties"]) == {"profile_run_id", "status", "tables"}
    assert components["Frequency"]["properties"]["value"]["nullable"] is True

    run = make_run(table_group)
    add_profiled_table(run, "orders", ["status"])
    ProfileColumnValue.objects.filter(profile_run=run, value="closed").update(value=None)
    body = viewer_client.get(f"/data-quality/profile-runs/{run.pk}/results").json()
    assert set(body) == {"profile_run_id", "status", "tables"} and body["profile_run_id"] == str(run.pk)
    assert body["tables"][0]["columns"][0]["top_values"][1] == {"value": None, "count": 2}


def test_openapi_schema_and_docs_are_served(viewer_client):
    schema = viewer_client.get("/api/schema")
    assert schema.status_code == 200
    assert b"/data-quality/profile-runs" in schema.content
    assert viewer_client.get("/api/docs").status_code == 200
