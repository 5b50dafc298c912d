"""`make manage ARGS=...` runs management commands against the demo's data: each README command, as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dataquality.demo.config import REPOSITORY_ROOT, DemoConfig, free_port
from dataquality.emulator.config import EmulatorConfig
from dataquality.emulator.server import EmulatorServer

FAKE_NOTEBOOK = Path(__file__).with_name("fake_profiling_notebook.py")
README_COMMAND = re.compile(r"^make manage ARGS=.*?(?=\s+#|$)", re.MULTILINE)


def readme_manage_commands() -> list[str]:
    return README_COMMAND.findall((REPOSITORY_ROOT / "README.md").read_text(encoding="utf-8"))


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dataquality.demo.manage", *args], cwd=REPOSITORY_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def demo_env(tmp_path):
    """A demo's var dir as `make serve` leaves it (settings file, migrated database, the demo's group #1 over
    main.shop), with its stand-in up; the stand-in's notebook writes a completed payload without Spark."""
    var_dir = tmp_path / "demo"
    config = DemoConfig.create(var_dir, emulator_port=free_port())
    config.write_env_file()
    repository = tmp_path / "repo"
    (repository / "notebooks").mkdir(parents=True)
    shutil.copy(FAKE_NOTEBOOK, repository / "notebooks" / "profiling.py")
    table = config.emulator_data_dir / "warehouse" / "main" / "shop" / "customers.csv"
    table.parent.mkdir(parents=True)
    table.write_text("customer_id\n1\n2\n3\n")
    standin = EmulatorServer(EmulatorConfig(
        data_dir=config.emulator_data_dir, token=config.secrets.emulator_token, port=config.emulator_port,
        repository_root=repository, poll_interval_seconds=0.05,
    )).start()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "DJANGO_"))},
           "DEMO_VAR_DIR": str(var_dir)}
    for step in (["migrate", "--noinput"],
                 ["shell", "-c", "from dataquality.models import Dataset, TableGroup; "
                                 "TableGroup.objects.create(dataset=Dataset.objects.create(name='Demo shop'), "
                                 "name='shop', catalog='main', schema_name='shop')"]):
        assert _manage(env, *step).returncode == 0
    try:
        yield env
    finally:
        standin.stop()


def test_the_readme_shows_management_commands_through_make_manage():
    commands = readme_manage_commands()

    assert any("start_profile_run --table-group 1 --wait" in command for command in commands), commands
    assert any("reconcile_profile_runs" in command for command in commands), commands


def test_each_readme_management_command_runs_as_written_against_the_demo(demo_env):
    for command in readme_manage_commands():
        result = subprocess.run(["bash", "-c", command], cwd=REPOSITORY_ROOT, env=demo_env, capture_output=True,
                                text=True, timeout=180)

        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
    runs = _manage(demo_env, "shell", "-c", "from dataquality.models import ProfileRun; "
                                           "print(list(ProfileRun.objects.values_list('status', flat=True)))")
    assert runs.stdout.splitlines()[-1] == "['completed']"


def test_without_a_demo_it_says_what_to_run_first(tmp_path):
    env = {**os.environ, "DEMO_VAR_DIR": str(tmp_path / "none")}

    result = _manage(env, "reconcile_profile_runs", "--dry-run")

    assert result.returncode == 2
    assert "run `make demo` or `make serve` first" in result.stderr
