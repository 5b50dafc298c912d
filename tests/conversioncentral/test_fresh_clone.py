"""What a newcomer runs first works on a fresh clone: nothing needs to exist under var/ beforehand."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPOSITORY = Path(__file__).resolve().parents[2]


def _fresh_env(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env["CONVERSIONCENTRAL_VAR_DIR"] = str(var_dir)
    return env


def test_migrate_creates_the_var_folder_and_the_sqlite_file(tmp_path):
    var_dir = tmp_path / "clone" / "var"

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=REPOSITORY, env=_fresh_env(var_dir), capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert (var_dir / "db.sqlite3").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_when_up(url: str, deadline: float) -> requests.Response:
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_serves_static_files_without_debug(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "conversioncentral.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"],
        cwd=REPOSITORY, env={**_fresh_env(tmp_path / "var"), "DEBUG": "False"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        response = _get_when_up(f"http://127.0.0.1:{port}/static/admin/css/base.css", time.monotonic() + 30)
        assert response.status_code == 200
        assert "text/css" in response.headers["Content-Type"]
    finally:
        server.terminate()
        server.wait(timeout=10)
