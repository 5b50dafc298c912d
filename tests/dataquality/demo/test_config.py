"""The demo's own folder, ports and secrets."""

import os
import socket

from dataquality.demo.config import DemoConfig, free_port


def test_secrets_are_made_once_and_kept(tmp_path):
    first = DemoConfig.create(tmp_path / "demo")
    second = DemoConfig.create(tmp_path / "demo")

    assert first.secrets == second.secrets
    assert (tmp_path / "demo" / "demo.json").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_the_secrets_file_is_created_owner_only_not_narrowed_afterwards(tmp_path, monkeypatch):
    modes = {}
    real_open = os.open

    def recording_open(path, flags, mode=0o777, *args, **kwargs):
        modes[os.fspath(path)] = mode
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    DemoConfig.create(tmp_path / "demo")

    assert modes[str(tmp_path / "demo" / "demo.json")] == 0o600


def test_a_busy_preferred_port_gives_another(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]

        assert free_port(taken) != taken


def test_environment_points_every_process_at_the_demo(tmp_path):
    config = DemoConfig.create(tmp_path / "demo", web_port=18000, emulator_port=18765)

    env = config.environment({"DATABASE_URL": "postgres://elsewhere/db", "DATABRICKS_PROFILE_GIT_URL": "https://git"})

    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'demo' / 'db.sqlite3'}"
    assert env["CELERY_BROKER_URL"] == "filesystem://"
    assert env["CONVERSIONCENTRAL_VAR_DIR"] == str(tmp_path / "demo")
    assert env["DATABRICKS_HOST"] == "http://127.0.0.1:18765"
    assert env["DATABRICKS_PROFILE_CALLBACK_URL"] == "http://127.0.0.1:18000"
    assert env["DATABRICKS_TOKEN"] == config.secrets.emulator_token
    assert env["DATABRICKS_PROFILE_GIT_URL"] == ""
