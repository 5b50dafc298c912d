"""The dry check of a group's tables: at save (API, admin) and at start, a missing schema or masks that select
nothing are refused naming catalog, schema and masks; a workspace that cannot answer lets the save through."""

import pytest
import responses
from django.urls import reverse

from dataquality.models import Dataset, ProfileRun, TableGroup
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db

UC_TABLES = f"{HOST}/api/2.1/unity-catalog/tables"


@pytest.fixture
def checked(settings, workspace):
    settings.DATABRICKS_CHECK_TABLES = True
    return workspace


def _schema_holds(workspace, *names, schema="sales"):
    workspace.mock.get(UC_TABLES, match=[responses.matchers.query_param_matcher(
        {"catalog_name": "main", "schema_name": schema})], json={"tables": [{"name": name} for name in names]})


def _no_schema(workspace, schema):
    workspace.mock.get(UC_TABLES, status=404, json={
        "error_code": "SCHEMA_DOES_NOT_EXIST", "message": f"Schema 'main.{schema}' does not exist."})


def _group_body(**fields):
    return {"dataset": Dataset.objects.create(name="Sales").pk, "name": "orders", "catalog": "main",
            "schema_name": "sales", **fields}


def test_a_mask_that_selects_nothing_is_a_400_naming_catalog_schema_and_masks(operator_client, checked):
    _schema_holds(checked, "orders", "customers")

    response = operator_client.post("/data-quality/table-groups", _group_body(include_mask="zzz%"), format="json")

    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert "select none of the 2 table(s) of main.sales" in detail
    assert "catalog 'main', schema 'sales', include mask 'zzz%'" in detail
    assert response.json()["errors"]["include_mask"] == [detail]
    assert not TableGroup.objects.exists()


def test_a_missing_schema_is_a_400_naming_it(operator_client, checked):
    _no_schema(checked, "no_such_schema")

    response = operator_client.post("/data-quality/table-groups", _group_body(schema_name="no_such_schema"),
                                    format="json")

    assert response.status_code == 400
    assert "no schema main.no_such_schema" in response.json()["errors"]["schema_name"][0]


def test_matching_masks_save_and_an_edit_of_other_fields_asks_nothing(operator_client, checked):
    _schema_holds(checked, "orders", "customers")

    created = operator_client.post("/data-quality/table-groups", _group_body(include_mask="ord%"), format="json")
    renamed = operator_client.patch(f"/data-quality/table-groups/{created.json()['id']}", {"name": "Orders"},
                                    format="json")

    assert created.status_code == 201 and "warnings" not in created.json()
    assert renamed.status_code == 200
    assert len([call for call in checked.mock.calls if call.request.url.startswith(UC_TABLES)]) == 1


def test_a_changed_mask_is_checked_again(operator_client, checked, table_group):
    _schema_holds(checked, "orders")

    response = operator_client.patch(f"/data-quality/table-groups/{table_group.pk}", {"include_mask": "x%"},
                                     format="json")

    assert response.status_code == 400 and "include mask 'x%'" in response.json()["detail"]


def test_a_workspace_that_does_not_answer_saves_with_a_warning(operator_client, checked):
    checked.mock.get(UC_TABLES, status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"})

    response = operator_client.post("/data-quality/table-groups", _group_body(), format="json")

    assert response.status_code == 201
    assert "could not be checked" in response.json()["warnings"][0]
    assert TableGroup.objects.count() == 1


def test_a_start_is_refused_when_the_schema_is_gone_and_nothing_is_written(operator_client, checked, table_group):
    _no_schema(checked, "sales")

    response = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")

    assert response.status_code == 400
    assert "no schema main.sales" in response.json()["detail"]
    assert not ProfileRun.objects.exists()


def test_the_admins_start_button_shows_an_error_not_started_for_a_group_with_no_tables(client, staff_user, checked,
                                                                                        table_group):
    _schema_holds(checked)  # an empty schema
    client.force_login(staff_user)

    response = client.post(reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk]),
                           follow=True)

    shown = [(message.level_tag, str(message)) for message in response.context["messages"]]
    assert [level for level, _ in shown] == ["error"], shown
    assert "select none of the 0 table(s) of main.sales" in shown[0][1]
    assert not ProfileRun.objects.exists()


def test_the_admin_form_refuses_masks_that_select_nothing(client, staff_user, checked, table_group):
    _schema_holds(checked, "orders")
    client.force_login(staff_user)
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])
    form = {"dataset": table_group.dataset_id, "name": "orders", "catalog": "main", "schema_name": "sales",
            "include_mask": "zzz%", "exclude_mask": "", "schedule_timezone": "UTC", "sensitivity": "medium",
            "tables-TOTAL_FORMS": "0", "tables-INITIAL_FORMS": "0",
            "profile_runs-TOTAL_FORMS": "0", "profile_runs-INITIAL_FORMS": "0"}

    response = client.post(url, form)

    assert response.status_code == 200  # the form again, with the error
    assert "include mask &#x27;zzz%&#x27;" in response.content.decode()
    table_group.refresh_from_db()
    assert table_group.include_mask == "%"
