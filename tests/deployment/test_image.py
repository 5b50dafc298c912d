"""The Docker image: no secrets or local state in the build context, and no root at run time.

`docker build` is not available in the test environment, so the build context is computed from
`.dockerignore` with Docker's matching rules, and the Dockerfile is read for its `USER`.
"""

import os
import re
from pathlib import Path

import pytest

from tests.deployment.build_context import is_excluded, read_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = read_rules(ROOT / ".dockerignore")


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.local",
        ".env.production",
        "deploy/.env",
        "conversioncentral/.env.local",
        "prod.env",
        "var/db.sqlite3",
        "var/celery-broker/messages/1.msg",
        ".git/config",
        ".venv/bin/python",
        "bench/.venv/bin/python",
        "venv/bin/python",
        ".venv-spark4/bin/python",
        "dataquality/__pycache__/models.cpython-311.pyc",
        ".pytest_cache/v/cache/nodeids",
        "bench/data/wide.parquet",
    ],
)
def test_secrets_and_local_state_stay_out_of_the_build_context(path):
    assert is_excluded(path, RULES)


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "requirements.txt",
        "conversioncentral/settings.py",
        "dataquality/models.py",
        "dataquality/migrations/0001_initial.py",
        "notebooks/profiling.py",
        "notebooks/dq_profiler/__init__.py",
    ],
)
def test_what_the_image_needs_is_in_the_build_context(path):
    assert not is_excluded(path, RULES)


def test_no_env_file_of_this_checkout_would_be_sent():
    sent = []
    for directory, dirnames, filenames in os.walk(ROOT):
        relative = Path(directory).relative_to(ROOT).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        dirnames[:] = [name for name in dirnames if not is_excluded(prefix + name, RULES)]
        sent.extend(prefix + name for name in filenames if not is_excluded(prefix + name, RULES))
    assert sent, "the build context cannot be empty"
    assert not [path for path in sent if Path(path).name.startswith(".env") or path.endswith(".env")]
    assert not [path for path in sent if path.startswith(("var/", ".git/", ".venv/"))]


def _final_user(dockerfile: Path) -> str:
    users = [
        line.split(None, 1)[1].strip()
        for line in dockerfile.read_text().splitlines()
        if line.strip().upper().startswith("USER ")
    ]
    assert users, "the Dockerfile sets no USER, so the container runs as root"
    return users[-1]


def test_the_container_runs_as_an_unprivileged_user():
    user, _, group = _final_user(ROOT / "Dockerfile").partition(":")
    assert user not in {"root", "0"}
    assert group not in {"root", "0"}
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(rf"useradd\b[^\n]*\b{re.escape(user)}\n", text), "the user is created in the image"
    assert text.index("USER ") < text.index("CMD ")
