"""Real Celery processes (worker, beat) for tests, on the configured broker and the test database."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.db import connection


def database_url() -> str:
    """The test database, as a URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_celery(arguments: list[str], databricks_url: str, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DATABRICKS_HOST": databricks_url,
        "DATABRICKS_TOKEN": "worker-test-token",
        "DATABRICKS_ALLOWED_HOSTS": "",
        **extra_env,
    }
    command = [sys.executable, "-m", "celery", "-A", "conversioncentral", *arguments, "--loglevel", "WARNING"]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)


def start_worker(queue: str, databricks_url: str, **extra_env: str) -> subprocess.Popen:
    arguments = ["worker", "-Q", queue, "--pool", "solo", "--without-gossip", "--without-mingle"]
    return start_celery(arguments, databricks_url, **extra_env)


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)
