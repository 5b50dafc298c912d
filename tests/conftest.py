import logging

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="analyst")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="admin", is_staff=True)


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
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def databricks_settings(settings):
    """A configured default workspace (PAT) and callback, as in production."""
    from dataquality.services.workspaces import _cached_client
    from tests.dataquality.workspace import HOST

    settings.DATABRICKS_HOST = HOST
    settings.DATABRICKS_TOKEN = "dapi-test-token-never-logged"
    settings.DATABRICKS_CLIENT_ID = ""
    settings.DATABRICKS_CLIENT_SECRET = ""
    settings.DATABRICKS_ALLOWED_HOSTS = []
    settings.DATABRICKS_PROFILE_NOTEBOOK_PATH = "/Repos/dq/conversioncentral/notebooks/profiling"
    settings.DATABRICKS_PROFILE_CLUSTER_ID = ""
    settings.DATABRICKS_PROFILE_SPARK_VERSION = ""
    settings.DATABRICKS_PROFILE_NODE_TYPE_ID = ""
    settings.DATABRICKS_PROFILE_GIT_URL = ""
    settings.DATABRICKS_PROFILE_CALLBACK_URL = "https://dq.example.com"
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = "callback-secret-for-tests"
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS = ""
    settings.DATABRICKS_PROFILE_WORKSPACE_ROOT = "dbfs:/conversioncentral/profiles"
    settings.DATABRICKS_RETRY_MAX_SECONDS = 0.0
    _cached_client.cache_clear()
    yield settings
    _cached_client.cache_clear()


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
