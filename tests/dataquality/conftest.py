import pytest

from tests.dataquality.fixtures.callback import SECRET


@pytest.fixture
def callback_secret(settings) -> str:
    """The callback HMAC secret the callback and manifest tests sign their bearer tokens with."""
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = SECRET
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS = ""
    return SECRET
