"""Permissions beyond "logged in": refusals change nothing, connection grants, start, cancel and delete.

The per-endpoint matrix of every role is in test_permission_matrix.py; this file proves the rules that
depend on the object: which connection a group uses, and who holds a grant on it.
"""

import pytest
from django.contrib.auth.models import Group

from dataquality.models import Connection, Dataset, ProfileRun, Table, TableGroup
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def prod(workspace, monkeypatch):
    """A staff-managed connection to the (fake) workspace, with its secret in the environment."""
    monkeypatch.setenv("DATABRICKS_SECRET_REF_PROD", "dapi-prod-secret")
    return Connection.objects.create(name="prod", host=HOST, secret_ref="DATABRICKS_SECRET_REF_PROD")


@pytest.fixture
def prod_group(table_group, prod):
    TableGroup.objects.filter(pk=table_group.pk).update(connection=prod)
    table_group.refresh_from_db()
    return table_group


def start(client, group):
    return client.post(f"/data-quality/table-groups/{group.pk}/profile-runs")


# --- a logged-in user without permissions -------------------------------------------------------------------

def test_a_user_without_permissions_is_refused_everything_and_changes_nothing(api_client, workspace, table_group):
    running = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9001")
    group_url = f"/data-quality/table-groups/{table_group.pk}"
    attempts = [
        api_client.get("/data-quality/datasets"),
        api_client.get(f"/data-quality/profile-runs/{running.pk}/results"),
        api_client.post("/data-quality/datasets", {"name": "Finance"}, format="json"),
        api_client.patch(group_url, {"schema_name": "hr"}, format="json"),
        api_client.delete(group_url),
        api_client.post(f"{group_url}/profile-runs"),
        api_client.post(f"/data-quality/profile-runs/{running.pk}/cancel"),
    ]
    assert [response.status_code for response in attempts] == [403] * len(attempts)
    assert all(response.json()["detail"] for response in attempts)
    table_group.refresh_from_db()
    running.refresh_from_db()
    assert table_group.schema_name == "sales" and Dataset.objects.count() == 1
    assert running.status == "running" and ProfileRun.objects.count() == 1
    assert len(workspace.mock.calls) == 0  # nothing reached Databricks


# --- the actions' own permissions ---------------------------------------------------------------------------

def test_a_viewer_may_read_runs_but_neither_start_nor_cancel(viewer_client, workspace, table_group):
    running = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9001")
    assert viewer_client.get(f"/data-quality/profile-runs/{running.pk}").status_code == 200
    assert start(viewer_client, table_group).status_code == 403
    assert viewer_client.post(f"/data-quality/datasets/{table_group.dataset_id}/profile-runs").status_code == 403
    assert viewer_client.post(f"/data-quality/profile-runs/{running.pk}/cancel").status_code == 403
    running.refresh_from_db()
    assert running.status == "running" and ProfileRun.objects.count() == 1
    assert len(workspace.mock.calls) == 0


def test_cancel_needs_the_cancel_permission_not_the_start_one(user, workspace, table_group):
    from rest_framework.test import APIClient

    from dataquality.api.permissions import ACTION_PERMISSIONS
    from django.contrib.auth.models import Permission

    running = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9001")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["start_profilerun", "use_default_workspace"]))
    client = APIClient()
    client.force_authenticate(user)
    assert client.post(f"/data-quality/profile-runs/{running.pk}/cancel").status_code == 403

    workspace.accepts("runs/cancel")
    user.user_permissions.add(Permission.objects.get(codename="cancel_profilerun"))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per user object
    client.force_authenticate(user)
    assert client.post(f"/data-quality/profile-runs/{running.pk}/cancel").status_code == 202
    assert ACTION_PERMISSIONS["cancel"] == ("cancel_profilerun",)


def test_an_operator_may_not_delete_a_group_or_a_dataset_an_admin_may(operator_client, dq_admin_client, table_group):
    group_url = f"/data-quality/table-groups/{table_group.pk}"
    assert operator_client.delete(group_url).status_code == 403
    assert operator_client.delete(f"/data-quality/datasets/{table_group.dataset_id}").status_code == 403
    assert TableGroup.objects.filter(pk=table_group.pk).exists()

    assert dq_admin_client.delete(group_url).status_code == 204
    assert dq_admin_client.delete(f"/data-quality/datasets/{table_group.dataset_id}").status_code == 204
    assert not Dataset.objects.exists()


def test_connections_are_for_staff_even_with_the_admin_role(dq_admin_client, staff_client, prod, operator_user):
    assert dq_admin_client.get("/data-quality/connections").status_code == 403
    assert dq_admin_client.patch(f"/data-quality/connections/{prod.pk}", {"allowed_users": [operator_user.pk]}, format="json").status_code == 403
    assert not prod.allowed_users.exists()

    response = staff_client.patch(f"/data-quality/connections/{prod.pk}", {"allowed_users": [operator_user.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["allowed_users"] == [operator_user.pk]
    assert list(prod.allowed_users.all()) == [operator_user]


# --- connection grants ----------------------------------------------------------------------------------------

def test_without_a_grant_an_operator_may_not_point_a_group_at_a_connection(operator_client, prod, table_group):
    created = operator_client.post(
        "/data-quality/table-groups",
        {"dataset": table_group.dataset_id, "name": "stolen", "schema_name": "hr", "connection": prod.pk},
        format="json",
    )
    moved = operator_client.patch(f"/data-quality/table-groups/{table_group.pk}", {"connection": prod.pk}, format="json")

    assert created.status_code == 403 and "grant" in created.json()["detail"]
    assert moved.status_code == 403
    assert TableGroup.objects.count() == 1
    table_group.refresh_from_db()
    assert table_group.connection is None


def test_without_a_grant_an_operator_may_not_change_run_or_cancel_a_group_on_a_connection(
    operator_client, workspace, prod_group
):
    running = ProfileRun.objects.create(table_group=prod_group, status="running", databricks_run_id="9001")
    group_url = f"/data-quality/table-groups/{prod_group.pk}"

    # Without a grant the group and its runs are not there for the operator: 404, so their ids do not leak.
    assert operator_client.patch(group_url, {"catalog": "hr", "schema_name": "salaries"}, format="json").status_code == 404
    assert operator_client.put(group_url, {"dataset": prod_group.dataset_id, "name": "x", "schema_name": "y"}, format="json").status_code == 404
    refused = operator_client.post(
        "/data-quality/tables", {"table_group": prod_group.pk, "schema_name": "hr", "table_name": "salaries"}, format="json"
    )
    assert refused.status_code == 400 and "does not exist" in str(refused.json()["errors"]["table_group"])
    assert operator_client.post(f"/data-quality/profile-runs/{running.pk}/cancel").status_code == 404
    running.delete()
    assert start(operator_client, prod_group).status_code == 404

    prod_group.refresh_from_db()
    assert (prod_group.catalog, prod_group.schema_name) == ("main", "sales")
    assert not Table.objects.exists() and not ProfileRun.objects.exists()
    assert len(workspace.mock.calls) == 0


def test_without_a_grant_the_admin_role_may_not_delete_a_group_on_a_connection(dq_admin_client, workspace, prod_group):
    TableGroup.objects.filter(pk=prod_group.pk).update(profiling_job_id="101")
    assert dq_admin_client.delete(f"/data-quality/table-groups/{prod_group.pk}").status_code == 404
    assert TableGroup.objects.filter(pk=prod_group.pk).exists()
    assert len(workspace.mock.calls) == 0


def test_a_dataset_start_is_refused_whole_when_one_group_is_on_an_ungranted_connection(
    operator_client, workspace, table_group, prod
):
    workspace.ready()
    TableGroup.objects.create(dataset=table_group.dataset, name="hr", schema_name="hr", connection=prod)
    response = operator_client.post(f"/data-quality/datasets/{table_group.dataset_id}/profile-runs")
    assert response.status_code == 403
    assert not ProfileRun.objects.exists() and len(workspace.mock.calls) == 0


def test_a_user_grant_lets_an_operator_use_the_connection(operator_client, operator_user, workspace, prod_group):
    workspace.ready()
    prod_group.connection.allowed_users.add(operator_user)

    response = start(operator_client, prod_group)

    assert response.status_code == 202, response.content
    assert workspace.calls_to("run-now")[0].request.headers["Authorization"] == "Bearer dapi-prod-secret"
    moved = operator_client.post(
        "/data-quality/table-groups",
        {"dataset": prod_group.dataset_id, "name": "second", "schema_name": "crm", "connection": prod_group.connection_id},
        format="json",
    )
    assert moved.status_code == 201, moved.content


def test_a_group_grant_lets_its_members_use_the_connection(operator_client, operator_user, workspace, prod_group):
    workspace.ready()
    finance = Group.objects.create(name="finance-team")
    operator_user.groups.add(finance)
    prod_group.connection.allowed_groups.add(finance)

    assert start(operator_client, prod_group).status_code == 202


def test_a_grant_does_not_replace_the_permission(viewer_client, viewer_user, workspace, prod_group):
    prod_group.connection.allowed_users.add(viewer_user)
    assert start(viewer_client, prod_group).status_code == 403


def test_staff_who_manage_connections_need_no_grant(staff_client, workspace, prod_group):
    workspace.ready()
    assert start(staff_client, prod_group).status_code == 202


def test_the_default_workspace_is_granted_by_a_permission_the_roles_hold(operator_client, workspace, table_group, user):
    workspace.ready()
    assert table_group.connection is None
    assert start(operator_client, table_group).status_code == 202

    from django.contrib.auth.models import Permission
    from rest_framework.test import APIClient

    # The operator's permissions without `use_default_workspace`: the group is not there.
    user.user_permissions.add(*Permission.objects.filter(group__name="dq_operator").exclude(codename="use_default_workspace"))
    client = APIClient()
    client.force_authenticate(user)
    assert client.get(f"/data-quality/table-groups/{table_group.pk}").status_code == 404
    assert client.get("/data-quality/profile-runs").json()["count"] == 0


def test_reading_a_groups_results_needs_a_grant_on_its_connection(viewer_client, viewer_user, prod_group):
    run = ProfileRun.objects.create(table_group=prod_group, status="completed")
    assert viewer_client.get(f"/data-quality/profile-runs/{run.pk}/results").status_code == 404

    prod_group.connection.allowed_users.add(viewer_user)
    assert viewer_client.get(f"/data-quality/profile-runs/{run.pk}/results").status_code == 200
    assert viewer_client.get(f"/data-quality/table-groups/{prod_group.pk}").json()["connection"] == prod_group.connection_id
