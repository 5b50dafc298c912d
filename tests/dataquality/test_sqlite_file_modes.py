"""Secrets on disk are the owner's alone: the stand-in's store (callback tokens in run parameters) and the app's
database (REST tokens, sessions), with their journals, are 0600 after a demo-like run, even where an older run
left them 0644."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dataquality.emulator.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def lenient_umask():
    previous = os.umask(0o022)  # the usual default, under which files come out 0644
    yield
    os.umask(previous)


def test_the_stand_ins_store_and_its_wal_are_owner_only(tmp_path):
    database = tmp_path / "emulator.sqlite3"
    store = Store(database)
    store.create_job({"name": "conversioncentral-1", "parameters": [{"name": "callback_token", "default": "t"}]})
    files = [database, database.with_name("emulator.sqlite3-wal"), database.with_name("emulator.sqlite3-shm")]
    assert all(path.exists() for path in files)
    assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
    store.close()


def test_files_an_older_stand_in_left_readable_are_fixed(tmp_path):
    database = tmp_path / "emulator.sqlite3"
    Store(database).close()
    for path in tmp_path.iterdir():
        path.chmod(0o644)
    Store(database).close()
    assert {path.name: _mode(path) for path in tmp_path.iterdir()} == {path.name: 0o600 for path in tmp_path.iterdir()}


def test_the_apps_database_is_owner_only_after_migrate(tmp_path):
    database = tmp_path / "db.sqlite3"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "conversioncentral.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=environment, check=True,
                   capture_output=True, timeout=300)
    assert database.exists() and _mode(database) == 0o600
    assert all(_mode(path) == 0o600 for path in tmp_path.iterdir())
