"""A job id belongs to one workspace: a group moved to another connection retires its old job there, and a job
id is never sent to another workspace (through the API, the admin and the launch)."""

from __future__ import annotations

import json
import logging

import pytest
import responses
from django.db import connection as db_connection
from django.urls import reverse

from dataquality.models import Connection, ProfileRun, TableGroup
from tests.dataquality.admin_forms import admin_change_form
from tests.dataquality.workspace import HOST, JOBS

# Real commits: the old job is deleted once the move is committed (the admin saves in a transaction of its own).
pytestmark = pytest.mark.django_db(transaction=True)

OTHER = "https://adb-5678.9.azuredatabricks.net"
OTHER_JOBS = f"{OTHER}/api/2.2/jobs"


@pytest.fixture
def other_connection(databricks_settings, monkeypatch) -> Connection:
    databricks_settings.DATABRICKS_ALLOWED_HOSTS = [HOST, OTHER]
    monkeypatch.setenv("DATABRICKS_SECRET_REF_TEAM", "dapi-team-token")
    return Connection.objects.create(name="team", host=OTHER, secret_ref="DATABRICKS_SECRET_REF_TEAM")


@pytest.fixture
def launched_group(table_group) -> TableGroup:
    """A group on the default workspace whose job 101 lives there."""
    TableGroup.objects.filter(pk=table_group.pk).update(
        profiling_job_id="101", profiling_job_host=HOST, job_settings_fingerprint="pushed"
    )
    table_group.refresh_from_db()
    return table_group


@pytest.fixture
def granted_operator_client(operator_client, operator_user, other_connection):
    """An operator whom the other connection grants its use."""
    other_connection.allowed_users.add(operator_user)
    return operator_client


@pytest.fixture(params=["staff_client", "granted_operator_client"])
def rest_client(request):
    """A staff and a non-staff REST user: the move goes through the same service for both."""
    return request.getfixturevalue(request.param)


def _move(client, group: TableGroup, connection: Connection | None):
    return client.patch(
        f"/data-quality/table-groups/{group.pk}", {"connection": connection.pk if connection else None}, format="json"
    )


def _other_workspace_accepts_a_new_job(workspace) -> None:
    workspace.mock.get(f"{OTHER_JOBS}/list", json={"jobs": [], "has_more": False})
    workspace.mock.post(f"{OTHER_JOBS}/create", json={"job_id": 7})
    workspace.mock.post(f"{OTHER_JOBS}/run-now", json={"run_id": 70, "number_in_job": 1})


def test_a_moved_group_deletes_its_old_job_and_never_sends_its_id_to_the_new_workspace(
    rest_client, workspace, launched_group, other_connection
):
    workspace.accepts("delete")
    _other_workspace_accepts_a_new_job(workspace)

    response = _move(rest_client, launched_group, other_connection)

    assert response.status_code == 200, response.json()
    assert workspace.bodies("delete") == [{"job_id": 101}]  # at the old workspace
    launched_group.refresh_from_db()
    assert (launched_group.profiling_job_id, launched_group.profiling_job_host) == (None, "")
    assert launched_group.job_settings_fingerprint == ""
    assert response.json()["profiling_job_id"] is None

    started = rest_client.post(f"/data-quality/table-groups/{launched_group.pk}/profile-runs")

    assert started.status_code == 202, started.json()
    sent = [(call.request.url.split("?")[0], call.request.body) for call in workspace.mock.calls]
    run_nows = [json.loads(body) for url, body in sent if url == f"{OTHER_JOBS}/run-now"]
    assert [body["job_id"] for body in run_nows] == [7]
    assert not [body for url, body in sent if url.startswith(OTHER) and body and json.loads(body).get("job_id") == 101]
    assert not workspace.calls_to("run-now")  # nothing went to the old workspace
    launched_group.refresh_from_db()
    assert (launched_group.profiling_job_id, launched_group.profiling_job_host) == ("7", OTHER)


def test_a_move_goes_on_when_the_old_workspace_will_not_delete_the_job(
    rest_client, workspace, launched_group, other_connection, caplog
):
    workspace.refuses("delete", 403, "PERMISSION_DENIED", "Not the owner.")

    with caplog.at_level(logging.WARNING, logger="dataquality.services.launch.table_groups"):
        response = _move(rest_client, launched_group, other_connection)

    assert response.status_code == 200
    launched_group.refresh_from_db()
    assert launched_group.connection == other_connection and launched_group.profiling_job_id is None
    assert "job 101 could not be deleted" in caplog.text and "Not the owner." in caplog.text


def test_a_group_with_an_active_run_cannot_move(rest_client, workspace, launched_group, other_connection):
    ProfileRun.objects.create(table_group=launched_group, status="running", databricks_run_id="9001")

    response = _move(rest_client, launched_group, other_connection)

    assert response.status_code == 409
    assert "active run" in response.json()["detail"]
    launched_group.refresh_from_db()
    assert launched_group.connection is None and launched_group.profiling_job_id == "101"
    assert not workspace.mock.calls


def test_other_changes_keep_the_job(rest_client, workspace, launched_group):
    response = rest_client.patch(f"/data-quality/table-groups/{launched_group.pk}", {"name": "renamed"}, format="json")

    assert response.status_code == 200
    launched_group.refresh_from_db()
    assert (launched_group.profiling_job_id, launched_group.profiling_job_host) == ("101", HOST)
    assert not workspace.mock.calls


def test_moving_back_to_the_default_workspace_retires_the_job_of_the_connection(
    rest_client, workspace, table_group, other_connection
):
    TableGroup.objects.filter(pk=table_group.pk).update(
        connection=other_connection, profiling_job_id="7", profiling_job_host=OTHER
    )
    workspace.mock.post(f"{OTHER_JOBS}/delete", json={})

    assert _move(rest_client, table_group, None).status_code == 200

    assert [json.loads(call.request.body) for call in workspace.mock.calls] == [{"job_id": 7}]
    assert [call.request.url for call in workspace.mock.calls] == [f"{OTHER_JOBS}/delete"]


def test_a_job_id_recorded_for_another_workspace_is_never_used(staff_client, workspace, table_group):
    """Say the connection's host was edited: the stored id names a job of the old host, not of this one."""
    TableGroup.objects.filter(pk=table_group.pk).update(
        profiling_job_id="123", profiling_job_host=OTHER, job_settings_fingerprint="whatever"
    )
    workspace.ready()

    response = staff_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")

    assert response.status_code == 202
    assert [body["job_id"] for body in workspace.bodies("run-now")] == [101]  # a new job, not 123
    assert not workspace.calls_to("reset") and not workspace.calls_to("delete")
    table_group.refresh_from_db()
    assert (table_group.profiling_job_id, table_group.profiling_job_host) == ("101", HOST)


def test_deleting_a_group_never_deletes_a_job_of_another_workspace(staff_client, workspace, table_group):
    TableGroup.objects.filter(pk=table_group.pk).update(profiling_job_id="123", profiling_job_host=OTHER)

    assert staff_client.delete(f"/data-quality/table-groups/{table_group.pk}").status_code == 204

    assert not workspace.mock.calls


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", email="root@example.com", password=None)
    client.force_login(admin)
    return client


def test_the_admin_moves_a_group_through_the_same_service(admin_client, workspace, launched_group, other_connection):
    deleted_inside_a_transaction = []

    def delete(request):
        deleted_inside_a_transaction.append(db_connection.in_atomic_block)
        return 200, {}, "{}"

    workspace.mock.add_callback(responses.POST, f"{JOBS}/delete", callback=delete)

    response = admin_client.post(
        reverse("admin:dataquality_tablegroup_change", args=[launched_group.pk]),
        admin_change_form(admin_client, launched_group, other_connection),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert workspace.bodies("delete") == [{"job_id": 101}]
    assert deleted_inside_a_transaction == [False]
    launched_group.refresh_from_db()
    assert launched_group.connection == other_connection
    assert (launched_group.profiling_job_id, launched_group.profiling_job_host) == (None, "")


def test_the_admin_refuses_to_move_a_group_with_an_active_run(admin_client, workspace, launched_group, other_connection):
    ProfileRun.objects.create(table_group=launched_group, status="queued")

    response = admin_client.post(
        reverse("admin:dataquality_tablegroup_change", args=[launched_group.pk]),
        admin_change_form(admin_client, launched_group, other_connection),
    )

    assert response.status_code == 200
    assert "active run" in str(response.context["adminform"].form.errors["connection"])
    launched_group.refresh_from_db()
    assert launched_group.connection is None and launched_group.profiling_job_id == "101"
    assert not workspace.mock.calls
