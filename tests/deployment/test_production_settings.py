"""The README's production settings: the app starts with them and `check --deploy` passes with nothing
silenced; without a SECRET_KEY (and without DEBUG) it refuses to start; docker-compose passes them through."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*?)\s*(?:#.*)?$")


def readme_production_settings() -> dict[str, str]:
    """The `NAME=value` lines of the README's production block, with placeholders like `<password>` filled in."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    assignments = dict(_ASSIGNMENT.match(line).groups() for line in block.splitlines() if _ASSIGNMENT.match(line))
    assert "SECRET_KEY" in assignments and "DEBUG" in assignments
    return {name: re.sub(r"<[^>]*>", lambda _: secrets.token_urlsafe(40), value) for name, value in assignments.items()}


def _manage(*args: str, overrides: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment: only what the process needs to run, then the settings under test. Empty values
    # shadow any .env file of the checkout (django-environ never overwrites a variable that is set).
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "conversioncentral.settings",
        "SECRET_KEY": "",
        "SILENCED_SYSTEM_CHECKS": "",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_the_readme_production_settings_and_nothing_silenced():
    finished = _manage("check", "--deploy", "--fail-level", "WARNING", overrides=readme_production_settings())
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_still_warns_about_plain_http_by_default():
    # The four checks that used to be silenced by default are reported again when their settings are off.
    production = readme_production_settings()
    plain = {name: production[name] for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    finished = _manage("check", "--deploy", "--fail-level", "WARNING", overrides=plain)
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


def test_without_debug_and_without_a_secret_key_the_app_refuses_to_start():
    finished = _manage("check", overrides={"DEBUG": "False"})
    assert finished.returncode != 0
    assert "ImproperlyConfigured" in finished.stderr
    assert "SECRET_KEY is not set" in finished.stderr


def test_with_debug_the_development_key_is_used():
    finished = _manage("check", overrides={"DEBUG": "True"})
    assert finished.returncode == 0, finished.stderr


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_passes_through_every_production_setting_from_the_environment():
    environment = _compose()["services"]["web"]["environment"]
    for name in readme_production_settings():
        assert name in environment, f"docker-compose.yml does not pass {name} to the app"
        assert "${" in str(environment[name]), f"{name} is written into docker-compose.yml, not taken from the environment"
    for service in ("worker", "beat"):
        assert _compose()["services"][service]["environment"] == environment


def test_compose_takes_passwords_from_the_environment_and_publishes_on_loopback_only():
    services = _compose()["services"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "${POSTGRES_PASSWORD:?" in services["web"]["environment"]["DATABASE_URL"]
    assert services["redis"]["environment"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")
    assert "${REDIS_PASSWORD:?" in services["web"]["environment"]["CELERY_BROKER_URL"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert not [name for name, service in services.items() if service.get("ports") and name != "web"]


ALERT_SETTINGS = (
    "PROFILE_ALERT_EMAILS", "PROFILE_ALERT_WEBHOOK_URL", "PROFILE_ALERT_BASE_URL", "EMAIL_BACKEND", "EMAIL_HOST",
    "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL",
)


def test_compose_lets_the_failure_alerts_be_configured_and_its_defaults_load():
    """The alerts' recipients, webhook and SMTP server reach the app; with nothing set, compose's own defaults
    (an empty value passed through is not a missing one) still make valid settings."""
    environment = _compose()["services"]["web"]["environment"]
    defaults = {}
    for name in ALERT_SETTINGS:
        written = str(environment.get(name, ""))
        assert written.startswith(f"${{{name}:-"), f"docker-compose.yml does not pass {name} from the environment"
        defaults[name] = written[len(name) + 4:-1]
    shown = "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.PROFILE_ALERT_EMAILS)"
    finished = _manage(
        "shell", "--no-imports", "-c", f"from django.conf import settings; {shown}", overrides={"DEBUG": "True", **defaults}
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "localhost", "25", "[]"]

    configured = _manage(
        "shell", "--no-imports", "-c", f"from django.conf import settings; {shown}",
        overrides={"DEBUG": "True", **defaults, "EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "587",
                   "PROFILE_ALERT_EMAILS": "dq@example.com"},
    )
    assert configured.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.com", "587", "['dq@example.com']",
    ]


@pytest.mark.parametrize(
    "key", ["x", "k" * 49, "django-insecure-local-development-key-change-me"], ids=["one character", "49", "development"]
)
def test_without_debug_a_short_or_development_key_is_refused(key):
    finished = _manage("check", overrides={"DEBUG": "False", "SECRET_KEY": key})
    assert finished.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters and not the development key" in finished.stderr
