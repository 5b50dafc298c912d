import importlib
import logging

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.migrations.loader import MigrationLoader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ROLES = ("dq_viewer", "dq_operator", "dq_admin")


# The data migrations that shape the shipped roles, and the step each runs.
ROLE_MIGRATION_STEPS = {
    "_roles": "create_roles", "_default_workspace_grant": "grant_default_workspace",
    "_triage_role_and_fingerprints": "grant_triage",
}


def role(name: str) -> Group:
    """A shipped role, as the data migrations made it."""
    group = Group.objects.filter(name=name).first()
    if group is None:  # a transactional test before this one flushed the migrations' rows: make them again
        migrations = sorted(name for app, name in MigrationLoader(None).disk_migrations if app == "dataquality")
        # The steps flag the app as model-less when done, as they may in a migration's own registry; here it is
        # the live one, and a later flush would then re-create no permission of the app.
        app_config = apps.get_app_config("dataquality")
        models_module = app_config.models_module
        try:
            for migration in migrations:
                step = next((step for suffix, step in ROLE_MIGRATION_STEPS.items() if migration.endswith(suffix)), None)
                if step:
                    getattr(importlib.import_module(f"dataquality.migrations.{migration}"), step)(apps, None)
        finally:
            app_config.models_module = models_module
        group = Group.objects.get(name=name)
    return group


def _user_with_role(django_user_model, username: str, role_name: str, **fields):
    user = django_user_model.objects.create_user(username=username, **fields)
    user.groups.add(role(role_name))
    return user


def user_as(django_user_model, who: str):
    """A user for one column of the README's permission matrix: "no permission", a role's name, or "staff"
    (a staff member holding dq_admin)."""
    if who == "no permission":
        return django_user_model.objects.create_user(username="no-permission")
    if who == "staff":
        return _user_with_role(django_user_model, "staff", "dq_admin", is_staff=True)
    return _user_with_role(django_user_model, who, who)


@pytest.fixture
def user(django_user_model):
    """Logged in, without any permission."""
    return django_user_model.objects.create_user(username="analyst")


@pytest.fixture
def viewer_user(django_user_model):
    return _user_with_role(django_user_model, "viewer", "dq_viewer")


@pytest.fixture
def operator_user(django_user_model):
    return _user_with_role(django_user_model, "operator", "dq_operator")


@pytest.fixture
def dq_admin_user(django_user_model):
    return _user_with_role(django_user_model, "dq-admin", "dq_admin")


@pytest.fixture
def staff_user(django_user_model):
    """A staff member with the admin role: manages connections, so holds every grant."""
    return _user_with_role(django_user_model, "admin", "dq_admin", is_staff=True)


def _token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_client(user) -> APIClient:
    return _token_client(user)


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    return _token_client(staff_user)


@pytest.fixture
def viewer_client(viewer_user) -> APIClient:
    return _token_client(viewer_user)


@pytest.fixture
def operator_client(operator_user) -> APIClient:
    return _token_client(operator_user)


@pytest.fixture
def dq_admin_client(dq_admin_user) -> APIClient:
    return _token_client(dq_admin_user)


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def databricks_settings(settings):
    """A configured default workspace (PAT) and callback, as in production."""
    from tests.dataquality.workspace import HOST
    from tests.workspace_settings import pointed_at_workspace

    with pointed_at_workspace(
        settings,
        host=HOST,
        token="dapi-test-token-never-logged",
        notebook_path="/Repos/dq/conversioncentral/notebooks/profiling",
        callback_url="https://dq.example.com",
        callback_secret="callback-secret-for-tests",
        retry_max_seconds=0.0,
    ):
        yield settings


@pytest.fixture
def workspace(databricks_settings):
    """A fake workspace; any request it was not told about fails the test."""
    import responses

    from tests.dataquality.workspace import FakeWorkspace

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeWorkspace(mock)


@pytest.fixture
def table_group(db):
    from dataquality.models import Dataset, TableGroup

    dataset = Dataset.objects.create(name="Sales")
    return TableGroup.objects.create(dataset=dataset, name="orders", catalog="main", schema_name="sales")


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole run (engine, warehouse and end-to-end tests), so the suite stays fast.

    Code generation must not fall back: a generated method past the JVM's 64 KB limit fails the test instead of
    quietly running the stage interpreted (and logging a compile error on every run)."""
    from notebooks.dq_profiler.local_spark import local_spark_session

    session = local_spark_session("dq-profiler-tests", cores="2", **{"spark.sql.codegen.fallback": "false"})
    yield session
    session.stop()
    # py4j logs from finalizers after pytest has closed its streams; keep that noise out of the output.
    logging.getLogger("py4j").setLevel(logging.WARNING)
