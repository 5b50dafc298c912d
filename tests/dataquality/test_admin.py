"""The admin: every page renders, secrets never show, run actions go through the services."""

import pytest
from django.urls import reverse

from dataquality.models import Connection, ProfileAnomaly, ProfileRun, TableGroup
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db

SECRET_VALUE = "dapi-super-secret-value-0123456789"


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", email="root@example.com", password=None)
    client.force_login(admin)
    return client


@pytest.fixture
def run(table_group):
    from django.utils import timezone

    run = ProfileRun.objects.create(
        table_group=table_group, status="running", databricks_run_id="9001", databricks_job_id="101",
        run_page_url="https://adb-1234.5.azuredatabricks.net/jobs/101/runs/9001",
    )
    ProfileAnomaly.objects.create(
        profile_run=run, table_name="sales.orders", column_name="id", anomaly_type="duplicate_key_values",
        severity="high", description="2 duplicates", detected_at=timezone.now(),
    )
    return run


@pytest.mark.parametrize(
    "model", ["connection", "dataset", "tablegroup", "table", "profilerun", "profileanomaly", "profilecolumn"]
)
def test_changelists_render(admin_client, run, model):
    assert admin_client.get(reverse(f"admin:dataquality_{model}_changelist")).status_code == 200


def test_run_page_links_to_databricks_and_shows_anomalies_read_only(admin_client, run):
    page = admin_client.get(reverse("admin:dataquality_profilerun_change", args=[run.pk])).content.decode()
    assert 'href="https://adb-1234.5.azuredatabricks.net/jobs/101/runs/9001"' in page
    assert "2 duplicates" in page
    assert 'name="anomalies-0-description"' not in page  # rendered as text, not an input


def test_runs_filter_by_status_and_search_by_databricks_id(admin_client, run):
    url = reverse("admin:dataquality_profilerun_changelist")
    assert str(run.pk) in admin_client.get(url, {"status__exact": "running"}).content.decode()
    assert str(run.pk) not in admin_client.get(url, {"status__exact": "completed"}).content.decode()
    assert str(run.pk) in admin_client.get(url, {"q": "9001"}).content.decode()


def test_connection_page_never_shows_the_secret(admin_client, monkeypatch):
    monkeypatch.setenv("DATABRICKS_SECRET_REF_PROD", SECRET_VALUE)
    connection = Connection.objects.create(name="prod", host="adb-1.azuredatabricks.net", secret_ref="DATABRICKS_SECRET_REF_PROD")
    for url in (
        reverse("admin:dataquality_connection_changelist"),
        reverse("admin:dataquality_connection_change", args=[connection.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert "DATABRICKS_SECRET_REF_PROD" in page
        assert SECRET_VALUE not in page


def test_cancel_action_cancels_on_databricks(admin_client, run, workspace):
    workspace.accepts("runs/cancel")
    admin_client.post(
        reverse("admin:dataquality_profilerun_changelist"),
        {"action": "cancel_runs", "_selected_action": [str(run.pk)]},
    )
    run.refresh_from_db()
    assert run.status == "canceled"
    assert workspace.bodies("runs/cancel") == [{"run_id": 9001}]


@pytest.mark.django_db(transaction=True)  # the sweep reconciles from its own threads and connections
def test_reconcile_action_applies_the_databricks_state(admin_client, run, workspace):
    workspace.mock.get(
        "https://adb-1234.5.azuredatabricks.net/api/2.2/jobs/runs/get",
        json={"state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED", "state_message": "OOM"}},
    )
    admin_client.post(
        reverse("admin:dataquality_profilerun_changelist"),
        {"action": "reconcile_runs", "_selected_action": [str(run.pk)]},
    )
    run.refresh_from_db()
    assert run.status == "failed" and "OOM" in run.error_message


def test_start_action_on_table_groups(admin_client, table_group, workspace):
    workspace.ready()
    admin_client.post(
        reverse("admin:dataquality_tablegroup_changelist"),
        {"action": "start_profile_run", "_selected_action": [str(table_group.pk)]},
    )
    assert ProfileRun.objects.get().status == "running"


def test_deleting_a_table_group_in_the_admin_deletes_its_job(admin_client, table_group, workspace):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="101", profiling_job_host=HOST)
    workspace.accepts("delete")

    response = admin_client.post(reverse("admin:dataquality_tablegroup_delete", args=[table_group.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert workspace.bodies("delete") == [{"job_id": 101}]
    assert not TableGroup.objects.exists()


def test_bulk_delete_of_table_groups_deletes_their_jobs(admin_client, table_group, workspace):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="101", profiling_job_host=HOST)
    never_launched = TableGroup.objects.create(dataset=table_group.dataset, name="new", schema_name="crm")
    workspace.accepts("delete")

    admin_client.post(
        reverse("admin:dataquality_tablegroup_changelist"),
        {"action": "delete_selected", "_selected_action": [str(table_group.pk), str(never_launched.pk)], "post": "yes"},
    )

    assert workspace.bodies("delete") == [{"job_id": 101}]
    assert not TableGroup.objects.exists()


def test_a_table_group_whose_job_databricks_will_not_delete_is_kept(admin_client, table_group, workspace):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="101", profiling_job_host=HOST)
    workspace.refuses("delete", 403, "PERMISSION_DENIED", "Not the owner.")

    response = admin_client.post(
        reverse("admin:dataquality_tablegroup_delete", args=[table_group.pk]), {"post": "yes"}, follow=True
    )

    assert TableGroup.objects.filter(pk=table_group.pk).exists()
    shown = [str(message) for message in response.context["messages"]]
    assert any("Not the owner." in message for message in shown)
    assert not any("deleted successfully" in message for message in shown)


def test_a_table_group_with_runs_can_be_deleted_in_the_admin(admin_client, table_group, run, workspace):
    """Its runs go with it, although their own pages are read-only (the API needs delete_tablegroup alone)."""
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="101", profiling_job_host=HOST)
    workspace.accepts("delete")
    url = reverse("admin:dataquality_tablegroup_delete", args=[table_group.pk])

    assert "permission" not in admin_client.get(url).content.decode().lower()
    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert workspace.bodies("delete") == [{"job_id": 101}]
    assert not TableGroup.objects.exists() and not ProfileRun.objects.exists()


def test_bulk_delete_of_table_groups_with_runs(admin_client, table_group, run, workspace):
    response = admin_client.post(
        reverse("admin:dataquality_tablegroup_changelist"),
        {"action": "delete_selected", "_selected_action": [str(table_group.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TableGroup.objects.exists() and not ProfileRun.objects.exists()


def test_the_job_is_deleted_outside_the_delete_pages_transaction(admin_client, table_group, workspace):
    from django.db import connection

    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="101", profiling_job_host=HOST)
    depth_outside = len(connection.atomic_blocks)
    depths = []

    def delete(request):
        depths.append(len(connection.atomic_blocks))
        return 200, {}, "{}"

    workspace.mock.add_callback("POST", f"{HOST}/api/2.2/jobs/delete", callback=delete)
    admin_client.post(reverse("admin:dataquality_tablegroup_delete", args=[table_group.pk]), {"post": "yes"})

    assert depths == [depth_outside]
    assert not TableGroup.objects.exists()


def test_a_kept_table_group_is_not_logged_as_deleted(admin_client, table_group, workspace):
    from django.contrib.admin.models import DELETION, LogEntry

    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="101", profiling_job_host=HOST)
    workspace.refuses("delete", 403, "PERMISSION_DENIED", "Not the owner.")

    admin_client.post(reverse("admin:dataquality_tablegroup_delete", args=[table_group.pk]), {"post": "yes"})

    assert TableGroup.objects.get(pk=table_group.pk).profiling_job_id == "101"
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


@pytest.mark.parametrize("model", ["tablegroup", "table", "profilerun", "profileanomaly", "profilecolumn"])
def test_changelist_query_count_does_not_grow_with_rows(admin_client, table_group, model, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dataquality.models import Dataset, ProfileColumn, Table

    def add_rows(tag: str) -> None:
        dataset = Dataset.objects.create(name=f"dataset {tag}")
        connection_row = Connection.objects.create(
            name=f"ws {tag}", host="https://adb-1.azuredatabricks.net", secret_ref="DATABRICKS_SECRET_REF_X"
        )
        group = TableGroup.objects.create(dataset=dataset, connection=connection_row, name=tag, schema_name="s")
        Table.objects.create(table_group=group, schema_name="s", table_name=tag)
        run = ProfileRun.objects.create(table_group=group, status="completed")
        ProfileColumn.objects.create(profile_run=run, table_name=tag, column_name="c")
        ProfileAnomaly.objects.create(
            profile_run=run, table_name=f"s.{tag}", column_name="c", anomaly_type="constant_column",
            severity="low", description="one value", detected_at=run.created_at,
        )

    url = reverse(f"admin:dataquality_{model}_changelist")
    add_rows("first")
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200
    for tag in ("second", "third", "fourth"):
        add_rows(tag)
    with django_assert_num_queries(len(one_row)):
        assert admin_client.get(url).status_code == 200
