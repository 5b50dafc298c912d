"""The demo's own folder, ports and secrets."""

import os
import socket
import subprocess

import pytest

from dataquality.demo.config import REPOSITORY_ROOT, DemoConfig, PortBusy, free_port


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


def _port_in_time_wait() -> int:
    """A port nothing listens on whose last connection, closed by the server side first, is in TIME_WAIT."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()  # the side that closes first keeps the TIME_WAIT
    client.close()
    return port


def test_a_port_in_time_wait_counts_as_free_as_it_does_for_servers():
    port = _port_in_time_wait()

    assert free_port(port) == port


def test_an_asked_port_that_is_busy_is_refused_not_moved(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]

        with pytest.raises(PortBusy, match=f"Port {taken} for the web app is in use"):
            DemoConfig.create(tmp_path / "demo", web_port=taken)


@pytest.mark.parametrize("target", ["demo", "serve"])
def test_make_passes_port_and_standin_port_to_the_demo(target):
    """`make serve PORT=8001` serves on 8001 (make -n: the commands, none run)."""
    result = subprocess.run(["make", "-n", target, "PORT=8001", "STANDIN_PORT=8766"],
                            cwd=REPOSITORY_ROOT, capture_output=True, text=True, timeout=30)

    assert "-m dataquality.demo" in result.stdout
    assert "--web-port 8001 --emulator-port 8766" in result.stdout, result.stdout


def test_make_leaves_the_ports_to_the_demo_when_none_is_asked():
    env = {key: value for key, value in os.environ.items() if key not in {"PORT", "STANDIN_PORT"}}
    result = subprocess.run(["make", "-n", "demo"], cwd=REPOSITORY_ROOT, env=env, capture_output=True, text=True,
                            timeout=30)

    assert "-m dataquality.demo" in result.stdout and "--web-port" not in result.stdout, result.stdout
