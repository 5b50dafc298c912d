"""Error details name no setting, allow-list or host to non-staff users; staff see the full reason.
The OpenAPI schema and docs need a login unless a setting opens them."""

import os
import subprocess
import sys

import pytest
import requests

from dataquality.models import Connection, ProfileRun, TableGroup
from tests.dataquality.workspace import HOST, JOBS

pytestmark = pytest.mark.django_db

HOSTNAME = HOST.removeprefix("https://")


def start(client, group):
    return client.post(f"/data-quality/table-groups/{group.pk}/profile-runs")


def names_nothing_internal(detail: str) -> bool:
    return "DATABRICKS_" not in detail and "allowed" not in detail.lower() and HOSTNAME not in detail


def test_not_configured_names_no_setting_to_an_operator_and_the_setting_to_staff(
    operator_client, staff_client, databricks_settings, table_group
):
    databricks_settings.DATABRICKS_HOST = ""

    operator = start(operator_client, table_group)
    staff = start(staff_client, table_group)

    assert operator.status_code == staff.status_code == 503
    assert operator.json()["detail"].startswith("Databricks is not configured")
    assert names_nothing_internal(operator.json()["detail"])
    assert "DATABRICKS_HOST" in staff.json()["detail"]


def test_a_missing_callback_secret_is_not_named_to_an_operator(operator_client, staff_client, databricks_settings, table_group):
    databricks_settings.DATABRICKS_PROFILE_CALLBACK_SECRET = ""
    assert names_nothing_internal(start(operator_client, table_group).json()["detail"])
    assert "DATABRICKS_PROFILE_CALLBACK_SECRET" in start(staff_client, table_group).json()["detail"]


def test_a_connection_outside_the_allow_list_names_neither_the_list_nor_its_env_var(
    operator_client, operator_user, staff_client, databricks_settings, table_group
):
    databricks_settings.DATABRICKS_ALLOWED_HOSTS = [HOSTNAME, "adb-999.9.azuredatabricks.net"]
    moved = Connection.objects.create(name="moved", host="https://adb-777.7.azuredatabricks.net", secret_ref="DATABRICKS_SECRET_REF_MOVED")
    moved.allowed_users.add(operator_user)
    TableGroup.objects.filter(pk=table_group.pk).update(connection=moved)

    operator = start(operator_client, table_group).json()["detail"]
    staff = start(staff_client, table_group).json()["detail"]

    assert names_nothing_internal(operator) and "adb-999" not in operator and "adb-777" not in operator
    assert "DATABRICKS_ALLOWED_HOSTS" in staff and "adb-999.9.azuredatabricks.net" in staff


def test_an_unset_connection_secret_is_not_named_to_an_operator(operator_client, operator_user, workspace, table_group):
    unset = Connection.objects.create(name="unset", host=HOST, secret_ref="DATABRICKS_SECRET_REF_NEVER_SET")
    unset.allowed_users.add(operator_user)
    TableGroup.objects.filter(pk=table_group.pk).update(connection=unset)

    response = start(operator_client, table_group)

    assert response.status_code == 503 and names_nothing_internal(response.json()["detail"])
    assert "NEVER_SET" not in response.content.decode()


@pytest.fixture
def unreachable(workspace):
    """Databricks cannot be reached: the error text carries the host, as requests prints it."""
    error = requests.ConnectionError(
        f"HTTPSConnectionPool(host='{HOSTNAME}', port=443): Max retries exceeded with url: /api/2.2/jobs/list "
        f"(Caused by NameResolutionError(\"Failed to resolve '{HOSTNAME}'\"))"
    )
    workspace.mock.get(f"{JOBS}/list", body=error)
    return workspace


def test_a_launch_warning_shows_no_host_to_an_operator_and_the_full_reason_to_staff(
    operator_client, staff_client, viewer_client, unreachable, table_group
):
    """An unreachable workspace is transient: the run waits queued, and the warning says why to each as allowed."""
    operator = start(operator_client, table_group)
    ProfileRun.objects.all().delete()
    staff = start(staff_client, table_group)

    assert operator.status_code == staff.status_code == 202
    assert "ConnectionError" in " ".join(operator.json()["warnings"]) and HOSTNAME not in operator.content.decode()
    assert HOSTNAME in " ".join(staff.json()["warnings"])
    listed = viewer_client.get("/data-quality/profile-runs").json()["results"][0]
    assert listed["status"] == "queued" and listed["error_message"] and HOSTNAME not in listed["error_message"]


def test_a_dataset_start_warns_without_hosts(operator_client, unreachable, table_group):
    response = operator_client.post(f"/data-quality/datasets/{table_group.dataset_id}/profile-runs")
    assert response.status_code == 202  # queued for another attempt: an unreachable workspace is transient
    assert response.json()["profile_runs"][0]["warnings"] and HOSTNAME not in response.content.decode()


def test_databricks_own_message_reaches_an_operator_without_its_urls(operator_client, workspace, table_group):
    workspace.no_existing_jobs()
    workspace.refuses("create", 400, "INVALID_PARAMETER_VALUE", f"Notebook {HOST}/#notebook/42 does not exist.")

    detail = start(operator_client, table_group).json()["detail"]

    assert "INVALID_PARAMETER_VALUE" in detail and "does not exist" in detail and HOSTNAME not in detail


def test_a_cancel_refusal_shows_no_host_to_an_operator(operator_client, workspace, table_group):
    run = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9001")
    workspace.mock.post(f"{JOBS}/runs/cancel", body=requests.ConnectionError(f"HTTPSConnectionPool(host='{HOSTNAME}', port=443)"))

    response = operator_client.post(f"/data-quality/profile-runs/{run.pk}/cancel")

    assert response.status_code == 502 and HOSTNAME not in response.content.decode()


# --- the schema and the docs --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/schema", "/api/docs"])
def test_the_schema_and_docs_need_a_login(anonymous_client, api_client, path):
    refused = anonymous_client.get(path)
    assert refused.status_code == 401
    assert refused.json()["detail"]
    assert api_client.get(path).status_code == 200  # any logged-in user, even without a role


def test_the_docs_page_loads_nothing_from_a_cdn(api_client):
    page = api_client.get("/api/docs").content.decode()
    assert "swagger-ui" in page and "https://" not in page and "//cdn" not in page


@pytest.mark.parametrize("value, expected", [("", 401), ("true", 200)])
def test_api_docs_public_opens_the_schema_to_anonymous_users(value, expected):
    """The setting is read at start-up, so a fresh process shows it."""
    env = {**os.environ, "API_DOCS_PUBLIC": value, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    code = "import django; django.setup(); from django.test import Client; print(Client().get('/api/schema').status_code)"
    printed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert printed.split()[-1] == str(expected)


def test_the_report_page_shows_a_failed_run_without_hosts_to_non_staff(client, viewer_user, staff_user, table_group):
    error = f"Databricks refused the launch: ConnectionError: HTTPSConnectionPool(host='{HOSTNAME}', port=443)"
    run = ProfileRun.objects.create(table_group=table_group, status="failed", error_message=error)
    url = f"/data-quality/profile-runs/{run.pk}/report"

    client.force_login(viewer_user)
    viewer_page = client.get(url).content.decode()
    client.force_login(staff_user)
    staff_page = client.get(url).content.decode()

    assert "The run failed" in viewer_page and "ConnectionError" in viewer_page and HOSTNAME not in viewer_page
    assert HOSTNAME in staff_page
