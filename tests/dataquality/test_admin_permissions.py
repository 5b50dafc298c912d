"""The admin follows the API's rules: model permissions, the run permissions for its actions, and grants."""

import pytest
from django.urls import reverse

from dataquality.models import Connection, ProfileColumn, ProfileRun, TableGroup
from tests.conftest import role
from tests.dataquality.admin_forms import admin_change_form
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db


def staff_client_with(client, django_user_model, role_name: str):
    user = django_user_model.objects.create_user(username=f"staff-{role_name}", is_staff=True)
    user.groups.add(role(role_name))
    client.force_login(user)
    return client


@pytest.fixture
def staff_operator(client, django_user_model):
    return staff_client_with(client, django_user_model, "dq_operator")


@pytest.fixture
def staff_viewer(client, django_user_model):
    return staff_client_with(client, django_user_model, "dq_viewer")


@pytest.fixture
def prod(db):
    return Connection.objects.create(name="prod", host=HOST, secret_ref="DATABRICKS_SECRET_REF_PROD")


def run_action(client, model: str, action: str, pks) -> None:
    client.post(reverse(f"admin:dataquality_{model}_changelist"), {"action": action, "_selected_action": [str(pk) for pk in pks]})


def test_a_viewer_cannot_start_cancel_or_reconcile_runs(staff_viewer, workspace, table_group):
    running = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9001")

    page = staff_viewer.get(reverse("admin:dataquality_profilerun_changelist")).content.decode()
    run_action(staff_viewer, "profilerun", "cancel_runs", [running.pk])
    run_action(staff_viewer, "profilerun", "reconcile_runs", [running.pk])
    run_action(staff_viewer, "tablegroup", "start_profile_run", [table_group.pk])

    assert "cancel_runs" not in page and "reconcile_runs" not in page
    running.refresh_from_db()
    assert running.status == "running" and ProfileRun.objects.count() == 1
    assert len(workspace.mock.calls) == 0


def test_an_operator_starts_runs_on_the_default_workspace_but_not_on_an_ungranted_connection(
    staff_operator, workspace, table_group, prod
):
    workspace.ready()
    on_prod = TableGroup.objects.create(dataset=table_group.dataset, name="hr", schema_name="hr", connection=prod)

    run_action(staff_operator, "tablegroup", "start_profile_run", [table_group.pk, on_prod.pk])

    assert list(ProfileRun.objects.values_list("table_group_id", "status")) == [(table_group.pk, "running")]


def test_an_operator_cannot_cancel_a_run_on_an_ungranted_connection(staff_operator, workspace, table_group, prod):
    TableGroup.objects.filter(pk=table_group.pk).update(connection=prod)
    running = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9001")

    run_action(staff_operator, "profilerun", "cancel_runs", [running.pk])

    running.refresh_from_db()
    assert running.status == "running" and len(workspace.mock.calls) == 0


def test_the_group_form_offers_and_accepts_only_granted_connections(staff_operator, table_group, prod, django_user_model):
    granted = Connection.objects.create(name="granted", host=HOST, secret_ref="DATABRICKS_SECRET_REF_OK")
    granted.allowed_users.add(django_user_model.objects.get(username="staff-dq_operator"))
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])

    form = staff_operator.get(url).content.decode()
    assert "granted</option>" in form and "prod</option>" not in form

    refused = staff_operator.post(url, {**admin_change_form(staff_operator, table_group, None), "connection": prod.pk})
    table_group.refresh_from_db()
    assert refused.status_code == 200 and "connection" in refused.context["adminform"].form.errors
    assert table_group.connection is None

    staff_operator.post(url, admin_change_form(staff_operator, table_group, granted))
    table_group.refresh_from_db()
    assert table_group.connection == granted


def test_a_group_on_an_ungranted_connection_is_not_there_for_an_operator(staff_operator, table_group, prod):
    TableGroup.objects.filter(pk=table_group.pk).update(connection=prod)
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])

    not_found = staff_operator.get(url)  # the admin's answer to an unknown id: back to the index, with a message
    assert not_found.status_code == 302 and not_found["Location"] == reverse("admin:index")
    response = staff_operator.post(url, {"dataset": table_group.dataset_id, "name": "x", "schema_name": "hr", "connection": ""})

    assert response.status_code == 302
    table_group.refresh_from_db()
    assert table_group.schema_name == "sales" and table_group.connection == prod


def test_only_admins_delete_groups_in_the_admin(staff_operator, table_group):
    response = staff_operator.post(reverse("admin:dataquality_tablegroup_delete", args=[table_group.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert TableGroup.objects.filter(pk=table_group.pk).exists()


def test_results_stay_read_only_for_the_admin_role(client, django_user_model, table_group):
    staff_admin = staff_client_with(client, django_user_model, "dq_admin")
    run = ProfileRun.objects.create(table_group=table_group, status="completed")
    column = ProfileColumn.objects.create(profile_run=run, table_name="orders", column_name="id")

    assert staff_admin.get(reverse("admin:dataquality_profilecolumn_add")).status_code == 403
    response = staff_admin.post(reverse("admin:dataquality_profilecolumn_change", args=[column.pk]), {"column_name": "x"})
    assert response.status_code == 403
    assert staff_admin.get(reverse("admin:dataquality_profilerun_add")).status_code == 403
    column.refresh_from_db()
    assert column.column_name == "id"


def _anomaly(group):
    from django.utils import timezone

    from dataquality.models import ProfileAnomaly

    run = ProfileRun.objects.create(table_group=group, status="completed")
    return ProfileAnomaly.objects.create(
        profile_run=run, table_name="sales.orders", anomaly_type="constant_column", severity="low",
        description="one value", detected_at=timezone.now(), fingerprint="f" * 40,
    )


def test_an_operator_triages_in_the_admin_on_granted_workspaces_only(staff_operator, table_group, prod):
    mine = _anomaly(table_group)
    theirs = _anomaly(TableGroup.objects.create(dataset=table_group.dataset, name="prod", schema_name="s", connection=prod))
    run_action(staff_operator, "profileanomaly", "dismiss", [mine.pk, theirs.pk])
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.disposition, mine.disposition_by, theirs.disposition) == ("dismissed", "staff-dq_operator", "open")
    page = staff_operator.get(reverse("admin:dataquality_profileanomaly_changelist") + "?standing=dismissed")
    assert "dismissed by staff-dq_operator" in page.content.decode()


def test_a_viewer_is_offered_no_triage_action(staff_viewer, table_group):
    anomaly = _anomaly(table_group)
    page = staff_viewer.get(reverse("admin:dataquality_profileanomaly_changelist"))
    assert 'value="dismiss"' not in page.content.decode()
    run_action(staff_viewer, "profileanomaly", "dismiss", [anomaly.pk])
    anomaly.refresh_from_db()
    assert anomaly.disposition == "open"


def test_without_the_default_workspaces_grant_a_new_group_needs_a_granted_connection(client, django_user_model, table_group, prod):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="staff-no-default", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(group__name="dq_operator").exclude(codename="use_default_workspace"))
    prod.allowed_users.add(user)
    client.force_login(user)
    form = {"dataset": table_group.dataset_id, "name": "ledger", "schema_name": "fin", "include_mask": "%",
            "schedule_timezone": "UTC", "sensitivity": "medium", "tables-TOTAL_FORMS": "0", "tables-INITIAL_FORMS": "0",
            "profile_runs-TOTAL_FORMS": "0", "profile_runs-INITIAL_FORMS": "0"}

    refused = client.post(reverse("admin:dataquality_tablegroup_add"), {**form, "connection": ""})

    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert not TableGroup.objects.filter(name="ledger").exists()
    client.post(reverse("admin:dataquality_tablegroup_add"), {**form, "connection": prod.pk})
    assert TableGroup.objects.get(name="ledger").connection == prod
