"""`manage.py databricks_emulator`: a thin interface that builds the configuration and serves."""

import pytest
from django.core.management import CommandError, call_command

from dataquality.emulator.server import EmulatorServer


@pytest.fixture
def served(monkeypatch):
    """The servers the command would serve, without blocking."""
    servers = []

    def serve_forever(self):
        servers.append(self)
        self.stop()  # never started: closes the socket and the database

    monkeypatch.setattr(EmulatorServer, "serve_forever", serve_forever)
    return servers


def test_the_token_defaults_to_databricks_token_and_flags_override_the_environment(served, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-from-env")
    monkeypatch.setenv("DATABRICKS_EMULATOR_FAIL_REQUESTS", "2")
    monkeypatch.setenv("DATABRICKS_EMULATOR_FAIL_STATUS", "503")
    monkeypatch.setenv("DATABRICKS_EMULATOR_DROP_CALLBACK", "1")

    call_command("databricks_emulator", "--port", "0", "--data-dir", str(tmp_path / "emu"), "--fail-requests", "5",
                 "--force-run-result", "FAILED", "--force-run-count", "1")

    (server,) = served
    assert server.config.token == "dapi-from-env" and server.config.data_dir == (tmp_path / "emu").resolve()
    faults = server.config.faults
    assert (faults.fail_requests, faults.fail_status, faults.drop_callback) == (5, 503, True)
    assert (faults.force_run_result, faults.force_run_count) == ("FAILED", 1)
    assert "dapi-from-env" not in capsys.readouterr().out
    assert (tmp_path / "emu" / "emulator.sqlite3").exists()


def test_an_explicit_token_wins(served, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-from-env")

    call_command("databricks_emulator", "--port", "0", "--data-dir", str(tmp_path), "--token", "dapi-flag")

    assert served[0].config.token == "dapi-flag" and served[0].config.host == "127.0.0.1"


def test_no_token_at_all_is_refused(served, monkeypatch, tmp_path):
    monkeypatch.delenv("DATABRICKS_TOKEN", raising=False)

    with pytest.raises(CommandError, match="needs a token"):
        call_command("databricks_emulator", "--port", "0", "--data-dir", str(tmp_path))
    assert served == []


def test_bad_fault_settings_from_the_environment_are_refused(served, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABRICKS_EMULATOR_FAIL_STATUS", "500")

    with pytest.raises(CommandError, match="fail_status"):
        call_command("databricks_emulator", "--port", "0", "--data-dir", str(tmp_path), "--token", "t")
