"""docker-compose.yml: every service health-checked, the stand-in as an optional profile, every setting in
.env.example."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from dataquality.management.commands.databricks_emulator import Command as EmulatorCommand

ROOT = Path(__file__).resolve().parents[2]


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _env_example_names() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if re.match(r"^[A-Z_]+=", line)}


def test_every_service_has_a_health_check():
    services = _services()

    assert set(services) == {"postgres", "redis", "web", "worker", "beat", "emulator"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_the_stand_in_is_an_optional_profile_reached_over_the_compose_network():
    services = _services()
    emulator = services["emulator"]

    assert emulator["profiles"] == ["emulator"]
    assert not any(service.get("profiles") for name, service in services.items() if name != "emulator")
    assert "databricks_emulator --host 0.0.0.0 --port 8765" in emulator["command"]
    assert "8765/healthz" in " ".join(emulator["healthcheck"]["test"])
    parser = EmulatorCommand().create_parser("manage.py", "databricks_emulator")
    assert parser.parse_args(["--host", "0.0.0.0", "--port", "8765"]).host == "0.0.0.0"
    assert parser.parse_args([]).host == "127.0.0.1"  # outside a container it stays on loopback


def test_every_setting_compose_reads_is_in_env_example():
    referenced = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))

    assert referenced, "compose reads its settings from the environment"
    assert referenced <= _env_example_names(), referenced - _env_example_names()


def test_env_example_holds_no_secret():
    secrets = {"SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET",
               "DATABRICKS_PROFILE_CALLBACK_SECRET", "DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS",
               "EMAIL_HOST_PASSWORD", "PROFILE_ALERT_WEBHOOK_URL"}
    values = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                  if re.match(r"^[A-Z_]+=", line))

    assert {name: values[name] for name in secrets if values.get(name)} == {}
