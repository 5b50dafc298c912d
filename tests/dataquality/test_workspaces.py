"""Which workspace and credentials `get_client` uses, and what it refuses."""

import base64

import pytest
import responses
from responses import matchers

from dataquality.databricks import ConnectionSettingsError, DatabricksNotConfigured
from dataquality.services.access.workspaces import connection_errors, get_client, workspace_host
from dataquality.models import Connection

DEFAULT_HOST = "adb-1.azuredatabricks.net"
OTHER_HOST = "adb-2.azuredatabricks.net"
ENV_SECRET = "connection-secret-from-env"
TEAM_BASIC = base64.b64encode(f"sp-team:{ENV_SECRET}".encode()).decode()  # HTTP basic auth


@pytest.fixture(autouse=True)
def databricks_settings(settings):
    settings.DATABRICKS_HOST = f"https://{DEFAULT_HOST}/"
    settings.DATABRICKS_TOKEN = "default-pat"
    settings.DATABRICKS_CLIENT_ID = ""
    settings.DATABRICKS_CLIENT_SECRET = ""
    settings.DATABRICKS_ALLOWED_HOSTS = []
    settings.DATABRICKS_SECRET_REF_PREFIX = "DATABRICKS_SECRET_REF_"
    settings.DATABRICKS_MAX_CALLS_PER_SECOND = 0  # the client alone; the shared rate is test_call_pacing's
    return settings


def _connection(host: str = DEFAULT_HOST, secret_ref: str = "DATABRICKS_SECRET_REF_TEAM", **fields) -> Connection:
    return Connection(name="team", host=host, secret_ref=secret_ref, **fields)


def _bearer(token: str):
    return matchers.header_matcher({"Authorization": f"Bearer {token}"})


def _assert_calls_with(client, base: str, authorization: str) -> None:
    with responses.RequestsMock() as api:
        api.get(
            f"{base}/api/2.2/jobs/get",
            json={"job_id": 1},
            match=[matchers.header_matcher({"Authorization": authorization})],
        )
        assert client.get_job(1) == {"job_id": 1}


def test_default_client_from_settings_with_a_pat():
    client = get_client()
    assert client.host == f"https://{DEFAULT_HOST}"
    _assert_calls_with(client, client.host, "Bearer default-pat")


def test_default_client_with_oauth(databricks_settings):
    databricks_settings.DATABRICKS_TOKEN = ""
    databricks_settings.DATABRICKS_CLIENT_ID = "sp-id"
    databricks_settings.DATABRICKS_CLIENT_SECRET = "sp-secret"
    client = get_client()
    with responses.RequestsMock() as api:
        api.post(f"https://{DEFAULT_HOST}/oidc/v1/token", json={"access_token": "at", "expires_in": 3600})
        api.get(f"https://{DEFAULT_HOST}/api/2.2/jobs/get", json={"job_id": 1}, match=[_bearer("at")])
        client.get_job(1)


@pytest.mark.parametrize(
    "missing",
    [
        {"DATABRICKS_HOST": ""},
        {"DATABRICKS_TOKEN": ""},
        {"DATABRICKS_TOKEN": "", "DATABRICKS_CLIENT_ID": "sp-id"},
    ],
)
def test_default_client_not_configured(databricks_settings, missing):
    for name, value in missing.items():
        setattr(databricks_settings, name, value)
    with pytest.raises(DatabricksNotConfigured):
        get_client()


def test_connection_client_uses_the_env_var_it_names(databricks_settings, monkeypatch):
    databricks_settings.DATABRICKS_ALLOWED_HOSTS = [DEFAULT_HOST, f"https://{OTHER_HOST}"]
    monkeypatch.setenv("DATABRICKS_SECRET_REF_TEAM", ENV_SECRET)
    client = get_client(_connection(host=f"{OTHER_HOST}/"))
    assert client.host == f"https://{OTHER_HOST}"
    _assert_calls_with(client, client.host, f"Bearer {ENV_SECRET}")


def test_connection_client_with_oauth(databricks_settings, monkeypatch):
    monkeypatch.setenv("DATABRICKS_SECRET_REF_TEAM_SECRET", ENV_SECRET)
    client = get_client(_connection(secret_ref="DATABRICKS_SECRET_REF_TEAM_SECRET", auth_type="oauth_m2m", client_id="sp-team"))
    with responses.RequestsMock() as api:
        api.post(
            f"https://{DEFAULT_HOST}/oidc/v1/token",
            json={"access_token": "team-at", "expires_in": 3600},
            match=[matchers.header_matcher({"Authorization": f"Basic {TEAM_BASIC}"})],
        )
        api.get(f"https://{DEFAULT_HOST}/api/2.2/jobs/get", json={}, match=[_bearer("team-at")])
        client.get_job(1)


def test_without_an_allow_list_only_the_default_host_is_allowed(monkeypatch):
    monkeypatch.setenv("DATABRICKS_SECRET_REF_TEAM", ENV_SECRET)
    assert get_client(_connection(host=f"https://{DEFAULT_HOST.upper()}")).host == f"https://{DEFAULT_HOST}"
    with pytest.raises(DatabricksNotConfigured, match=OTHER_HOST):
        get_client(_connection(host=OTHER_HOST))


def test_a_host_outside_the_allow_list_is_refused(databricks_settings, monkeypatch):
    databricks_settings.DATABRICKS_ALLOWED_HOSTS = [OTHER_HOST]
    monkeypatch.setenv("DATABRICKS_SECRET_REF_TEAM", ENV_SECRET)
    with pytest.raises(DatabricksNotConfigured, match="not an allowed Databricks workspace"):
        get_client(_connection(host="https://evil.example.com"))
    with pytest.raises(DatabricksNotConfigured):
        get_client(_connection(host=f"https://{OTHER_HOST}@evil.example.com"))


def test_a_secret_ref_without_the_prefix_is_refused(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "an-unrelated-secret")
    with pytest.raises(DatabricksNotConfigured) as caught:
        get_client(_connection(secret_ref="AWS_SECRET_ACCESS_KEY"))
    assert "must start with 'DATABRICKS_SECRET_REF_'" in str(caught.value)
    assert "an-unrelated-secret" not in str(caught.value)


def test_an_unset_env_var_is_named_in_the_error(monkeypatch):
    monkeypatch.delenv("DATABRICKS_SECRET_REF_TEAM", raising=False)
    with pytest.raises(DatabricksNotConfigured, match="environment variable DATABRICKS_SECRET_REF_TEAM is not set"):
        get_client(_connection())


def test_oauth_connection_without_client_id_is_not_configured(monkeypatch):
    monkeypatch.setenv("DATABRICKS_SECRET_REF_TEAM", ENV_SECRET)
    with pytest.raises(DatabricksNotConfigured, match="client_id"):
        get_client(_connection(auth_type="oauth_m2m"))


def test_every_problem_of_a_connection_is_named_at_once(monkeypatch):
    monkeypatch.delenv("DATABRICKS_SECRET_REF_TEAM", raising=False)
    connection = _connection(host="https://elsewhere.example.com", secret_ref="SECRET_KEY", auth_type="oauth_m2m")

    with pytest.raises(DatabricksNotConfigured) as caught:
        get_client(connection)

    assert len(caught.value.problems) == 3  # host not allowed, secret_ref refused, no client_id
    assert str(caught.value).count("Databricks is not configured") == 1
    assert "elsewhere.example.com" in str(caught.value) and "client_id" in str(caught.value)


def test_connection_errors_name_the_field_for_the_serializer_and_the_admin(databricks_settings):
    databricks_settings.DATABRICKS_ALLOWED_HOSTS = [DEFAULT_HOST]
    good = {"host": f"https://{DEFAULT_HOST}/", "secret_ref": "DATABRICKS_SECRET_REF_TEAM", "auth_type": "pat", "client_id": ""}
    assert connection_errors(**good) == {}
    for field, value, message in [
        ("host", "https://evil.example.com", "not an allowed Databricks workspace"),
        ("host", f"https://{DEFAULT_HOST}/api", "must not contain a path"),
        ("secret_ref", "AWS_SECRET_ACCESS_KEY", "must start with 'DATABRICKS_SECRET_REF_'"),
        ("secret_ref", "DATABRICKS_TEAM TOKEN", "not an environment variable name"),
        ("auth_type", "oauth_m2m", "client_id"),
    ]:
        errors = connection_errors(**{**good, field: value})
        assert len(errors) == 1 and message in next(iter(errors.values()))
    assert issubclass(ConnectionSettingsError, ValueError)


def test_workspace_host(databricks_settings):
    assert workspace_host() == f"https://{DEFAULT_HOST}"
    assert workspace_host(_connection(host=f"{OTHER_HOST}/")) == f"https://{OTHER_HOST}"
    databricks_settings.DATABRICKS_HOST = ""
    with pytest.raises(DatabricksNotConfigured):
        workspace_host()
