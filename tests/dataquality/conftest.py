import pytest

from tests.dataquality.browser import Browser, start_chromium
from tests.dataquality.fixtures.callback import SECRET


@pytest.fixture
def callback_secret(settings) -> str:
    """The callback HMAC secret the callback and manifest tests sign their bearer tokens with."""
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = SECRET
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS = ""
    return SECRET


@pytest.fixture
def permitted_client(django_user_model):
    """`permitted_client("change_tablegroup", ...)`: a token client of a user holding just those permissions,
    whatever roles the deployment ships, plus the grant of the default workspace (`use_default_workspace`)."""
    from django.contrib.auth.models import Permission

    from tests.conftest import _token_client

    def make(*codenames: str):
        user = django_user_model.objects.create_user(username=f"holder-{len(codenames)}-{'-'.join(codenames)}"[:150])
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="dataquality", codename__in=[*codenames, "use_default_workspace"]))
        return _token_client(user)

    return make


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One headless Chromium per test module, with a fresh profile."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium, live_server, tmp_path) -> Browser:
    """The module's Chromium against the live server; screenshots go to the test's temp dir."""
    chromium.delete_all_cookies()
    return Browser(chromium, live_server.url, tmp_path)
