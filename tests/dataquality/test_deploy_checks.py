"""`check --deploy` refuses a weak key, and the OpenAPI schema is clean (production settings: tests/deployment)."""

import pytest
from django.core.management import call_command


def test_check_deploy_refuses_the_development_secret_key(settings):
    from django.core.management.base import SystemCheckError

    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY  # the settings refuse it at start; Django's check too
    with pytest.raises(SystemCheckError, match="SECRET_KEY"):
        call_command("check", deploy=True, fail_level="WARNING")


@pytest.mark.django_db
def test_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/data-quality/testgen/profile-runs/{profile_run_id}/complete" in (tmp_path / "schema.yml").read_text()
