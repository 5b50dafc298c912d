"""What a connection may name: a secret of its own (never one of the app's settings, whatever the prefix) and a
workspace reached over https on the default port (plain http only to a loopback stand-in where a setting says so).

The API and the admin refuse the same things with the same check; a connection stored before these rules is
refused at use, before any request leaves.
"""

from __future__ import annotations

import pytest
import responses
from django.urls import reverse

from dataquality.models import Connection, ProfileRun, TableGroup
from tests.conftest import role
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db

OTHER = "adb-5678.9.azuredatabricks.net"
APP_SETTINGS = [
    "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_CLIENT_ID", "DATABRICKS_PROFILE_CALLBACK_SECRET",
    "DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL",
    "EMAIL_HOST_PASSWORD", "secret_key",
]


@pytest.fixture
def allowed(databricks_settings):
    databricks_settings.DATABRICKS_ALLOWED_HOSTS = [HOST, OTHER, "127.0.0.1", "localhost", "10.0.0.5"]
    databricks_settings.DATABRICKS_ALLOW_INSECURE_LOOPBACK = False
    return databricks_settings


def _create(client, **fields):
    body = {"name": "team", "host": f"https://{OTHER}", "secret_ref": "DATABRICKS_SECRET_REF_TEAM", **fields}
    return client.post("/data-quality/connections", body, format="json")


# --- secret_ref ---------------------------------------------------------------------------------------------


def test_connection_secrets_have_a_prefix_of_their_own(staff_client, allowed):
    assert _create(staff_client).status_code == 201
    response = _create(staff_client, name="legacy", secret_ref="DATABRICKS_TEAM_TOKEN")  # the old default prefix
    assert response.status_code == 400
    assert "must start with 'DATABRICKS_SECRET_REF_'" in response.json()["errors"]["secret_ref"][0]


@pytest.mark.parametrize("prefix", ["DATABRICKS_SECRET_REF_", "DATABRICKS_", "S", "E", "C"])
@pytest.mark.parametrize("name", APP_SETTINGS + ["DATABRICKS_SECRET_REF_PREFIX"])
def test_no_setting_of_the_app_can_be_a_secret_ref_whatever_the_prefix(staff_client, allowed, prefix, name):
    allowed.DATABRICKS_SECRET_REF_PREFIX = prefix

    response = _create(staff_client, secret_ref=name)

    assert response.status_code == 400
    (message,) = response.json()["errors"]["secret_ref"]
    assert "setting of this app" in message or f"must start with {prefix!r}" in message
    if name.upper().startswith(prefix):
        assert "setting of this app" in message
    assert not Connection.objects.exists()


def test_a_non_staff_user_cannot_create_connections(api_client, allowed):
    assert _create(api_client).status_code == 403
    assert not Connection.objects.exists()


@pytest.fixture(params=["staff_client", "operator_client"])
def starter(request):
    return request.getfixturevalue(request.param)


def _group_on(connection: Connection, table_group: TableGroup) -> TableGroup:
    """The group moved onto the connection, which grants the operators, so a start gets as far as the workspace."""
    connection.allowed_groups.add(role("dq_operator"))
    TableGroup.objects.filter(pk=table_group.pk).update(connection=connection)
    table_group.refresh_from_db()
    return table_group


@pytest.mark.parametrize("name", ["DATABRICKS_TOKEN", "DATABRICKS_PROFILE_CALLBACK_SECRET"])
def test_a_stored_connection_borrowing_an_app_secret_never_sends_it(starter, allowed, table_group, monkeypatch, name):
    """A connection saved under the old rules, naming the app's own token or callback key, to a second workspace."""
    allowed.DATABRICKS_SECRET_REF_PREFIX = "DATABRICKS_"
    monkeypatch.setenv(name, "the-apps-own-secret")
    connection = Connection.objects.create(name="borrower", host=f"https://{OTHER}", secret_ref=name)
    group = _group_on(connection, table_group)

    with responses.RequestsMock() as nothing_may_leave:
        response = starter.post(f"/data-quality/table-groups/{group.pk}/profile-runs")
        assert not nothing_may_leave.calls

    assert response.status_code == 503
    assert "the-apps-own-secret" not in response.content.decode()
    assert not ProfileRun.objects.exists()


# --- host ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [f"http://{OTHER}", f"https://{OTHER}:8443", f"http://{OTHER}:443", "http://10.0.0.5", "http://127.0.0.1:8765"],
)
def test_a_connection_host_is_https_on_the_default_port(staff_client, allowed, host):
    response = _create(staff_client, host=host)

    assert response.status_code == 400
    assert "https on the default port" in response.json()["errors"]["host"][0]


@pytest.mark.parametrize("host", [OTHER, f"https://{OTHER}", f"https://{OTHER}:443/"])
def test_https_on_the_default_port_is_accepted(staff_client, allowed, host):
    assert _create(staff_client, host=host).status_code == 201


@pytest.mark.parametrize("host", ["http://127.0.0.1:8765", "http://localhost:8765", "https://127.0.0.1:8443"])
def test_plain_http_to_a_loopback_stand_in_only_where_the_setting_says_so(staff_client, allowed, host):
    allowed.DATABRICKS_ALLOW_INSECURE_LOOPBACK = True
    assert _create(staff_client, host=host).status_code == 201


def test_the_setting_never_opens_plain_http_to_another_machine(staff_client, allowed):
    allowed.DATABRICKS_ALLOW_INSECURE_LOOPBACK = True
    assert _create(staff_client, host="http://10.0.0.5").status_code == 400
    assert _create(staff_client, host=f"http://{OTHER}").status_code == 400


def test_a_stored_cleartext_connection_never_sends_its_token(starter, allowed, table_group, monkeypatch):
    monkeypatch.setenv("DATABRICKS_SECRET_REF_TEAM", "dapi-team-token")
    connection = Connection.objects.create(name="cleartext", host=f"http://{OTHER}", secret_ref="DATABRICKS_SECRET_REF_TEAM")
    group = _group_on(connection, table_group)

    with responses.RequestsMock() as nothing_may_leave:
        response = starter.post(f"/data-quality/table-groups/{group.pk}/profile-runs")
        assert not nothing_may_leave.calls

    assert response.status_code == 503
    named = "https on the default port" in response.json()["detail"]
    assert named == response.wsgi_request.user.is_staff  # the reason goes to staff only


def test_the_operators_own_host_is_trusted_as_configured(starter, databricks_settings, table_group):
    """The local stand-in as the default workspace: plain http on a port, no setting needed."""
    stand_in = "http://127.0.0.1:8765"
    databricks_settings.DATABRICKS_HOST = stand_in
    databricks_settings.DATABRICKS_ALLOW_INSECURE_LOOPBACK = False
    jobs = f"{stand_in}/api/2.2/jobs"
    with responses.RequestsMock() as stand_in_api:
        stand_in_api.get(f"{jobs}/list", json={"jobs": []})
        stand_in_api.post(f"{jobs}/create", json={"job_id": 1})
        stand_in_api.post(f"{jobs}/run-now", json={"run_id": 2})

        response = starter.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")

    assert response.status_code == 202, response.content
    assert response.json()["run_page_url"].startswith(stand_in)


def test_a_connection_to_the_operators_own_host_is_trusted_too(staff_client, databricks_settings):
    databricks_settings.DATABRICKS_HOST = "http://127.0.0.1:8765"
    databricks_settings.DATABRICKS_ALLOW_INSECURE_LOOPBACK = False
    assert _create(staff_client, host="http://127.0.0.1:8765").status_code == 201
    assert _create(staff_client, name="other port", host="http://127.0.0.1:9999").status_code == 400


# --- the admin: the same check ----------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", email="root@example.com", password=None)
    client.force_login(admin)
    return client


def _admin_add(admin_client, **fields):
    form = {"name": "team", "host": f"https://{OTHER}", "auth_type": "pat", "client_id": "",
            "secret_ref": "DATABRICKS_SECRET_REF_TEAM", "profiling_notebook_path": "", "cluster_id": "", "policy_id": "",
            **fields}
    return admin_client.post(reverse("admin:dataquality_connection_add"), form)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"host": "https://evil.example"}, "host", "not an allowed Databricks workspace"),
        ({"host": f"http://{OTHER}"}, "host", "https on the default port"),
        ({"secret_ref": "SECRET_KEY"}, "secret_ref", "setting of this app"),
        ({"secret_ref": "DATABRICKS_TOKEN"}, "secret_ref", "setting of this app"),
        ({"secret_ref": "DATABRICKS_TEAM_TOKEN"}, "secret_ref", "must start with"),
        ({"auth_type": "oauth_m2m"}, "client_id", "client_id"),
    ],
)
def test_the_admin_refuses_what_the_api_refuses(admin_client, staff_client, allowed, fields, field, message):
    page = _admin_add(admin_client, **fields)

    assert page.status_code == 200
    assert message in " ".join(page.context["adminform"].form.errors[field])
    api = _create(staff_client, **fields)
    assert api.status_code == 400 and message in api.json()["errors"][field][0]
    assert not Connection.objects.exists()


def test_the_admin_saves_a_valid_connection(admin_client, allowed):
    assert _admin_add(admin_client).status_code == 302
    assert Connection.objects.get().secret_ref == "DATABRICKS_SECRET_REF_TEAM"
