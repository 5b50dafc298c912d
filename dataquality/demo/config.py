"""Where the demo keeps its state, which ports it uses, and the environment its processes share.

Everything lives under one folder (`var/demo` by default), so the demo never touches the developer's own database
or broker. The secrets (the demo login's password, the stand-in's token, the callback secret, Django's key) are made once and kept
in `demo.json` there, so a second `make demo` logs in with the same password and accepts the same callback tokens.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VAR_DIR = REPOSITORY_ROOT / "var" / "demo"
PREFERRED_WEB_PORT = 8000
PREFERRED_EMULATOR_PORT = 8765
USERNAME = "demo"
# The stand-in maps any notebook path onto the repository's `notebooks/` folder.
NOTEBOOK_PATH = "/Workspace/Repos/demo/conversioncentral/notebooks/profiling"
SECRETS_FILE = "demo.json"
# The demo's settings as `NAME=value` lines, for `make manage` (and any shell: `set -a; . var/demo/demo.env`).
ENV_FILE = "demo.env"


def free_port(preferred: int | None = None) -> int:
    """`preferred` when nothing listens there, else a port the system hands out.

    Probed as servers bind (gunicorn and the stand-in set `SO_REUSEADDR`), so a port whose last connection is
    still in TIME_WAIT counts as free, as it is for them.
    """
    for candidate in ([preferred] if preferred else []) + [0]:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


class PortBusy(OSError):
    """A port the user asked for (`--web-port`, `PORT`, ...) is taken: the demo says so rather than move."""


def asked_port(port: int, what: str) -> int:
    if free_port(port) != port:
        raise PortBusy(f"Port {port} for the {what} is in use; choose another or stop what listens there.")
    return port


def read_env_file(path: Path) -> dict[str, str]:
    """The settings `DemoConfig.write_env_file` wrote."""
    settings = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        for word in shlex.split(line):
            name, _, value = word.partition("=")
            settings[name] = value
    return settings


@dataclass(frozen=True)
class DemoSecrets:
    password: str
    emulator_token: str
    callback_secret: str
    secret_key: str

    @classmethod
    def load_or_create(cls, path: Path) -> DemoSecrets:
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass
        made = cls(
            password=secrets.token_urlsafe(12),
            emulator_token="dapi-demo-" + secrets.token_hex(16),
            callback_secret=secrets.token_urlsafe(32),
            secret_key=secrets.token_urlsafe(50),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created owner-only: written first and narrowed after, the secrets would be readable for a moment.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
            file.write(json.dumps(made.__dict__))
        return made


@dataclass(frozen=True)
class DemoConfig:
    var_dir: Path
    web_port: int
    emulator_port: int
    secrets: DemoSecrets
    python: str = sys.executable

    @classmethod
    def create(cls, var_dir: Path = DEFAULT_VAR_DIR, *, web_port: int | None = None,
               emulator_port: int | None = None) -> DemoConfig:
        var_dir = Path(var_dir).resolve()
        web = asked_port(web_port, "web app") if web_port else free_port(PREFERRED_WEB_PORT)
        emulator = (asked_port(emulator_port, "Databricks stand-in") if emulator_port
                    else free_port(PREFERRED_EMULATOR_PORT))
        if emulator == web:
            emulator = free_port()
        return cls(var_dir, web, emulator, DemoSecrets.load_or_create(var_dir / SECRETS_FILE))

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def emulator_url(self) -> str:
        return f"http://127.0.0.1:{self.emulator_port}"

    @property
    def emulator_data_dir(self) -> Path:
        return self.var_dir / "emulator"

    @property
    def logs_dir(self) -> Path:
        return self.var_dir / "logs"

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        """`base` (the caller's environment) with the demo's settings, for this process and every child.

        Settings that would point the app elsewhere (a developer's `.env` with PostgreSQL, Redis or a real
        workspace) are overridden, since `.env` never overrides the environment.
        """
        return {**base, **self.settings()}

    def write_env_file(self) -> Path:
        """Keep the demo's settings (this start's ports included) where `make manage` finds them; owner-only,
        since they hold the demo's secrets."""
        path = self.var_dir / ENV_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"{name}={shlex.quote(value)}\n" for name, value in self.settings().items())
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
            file.write(lines)
        return path

    def settings(self) -> dict[str, str]:
        return {
            "DJANGO_SETTINGS_MODULE": "conversioncentral.settings",
            "PYTHONUNBUFFERED": "1",
            "CONVERSIONCENTRAL_VAR_DIR": str(self.var_dir),
            "DATABASE_URL": f"sqlite:///{self.var_dir / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "DEBUG": "False",  # as in production: static files come from WhiteNoise, errors are JSON
            "SECRET_KEY": self.secrets.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABRICKS_HOST": self.emulator_url,
            "DATABRICKS_TOKEN": self.secrets.emulator_token,
            "DATABRICKS_CLIENT_ID": "",
            "DATABRICKS_CLIENT_SECRET": "",
            "DATABRICKS_ALLOWED_HOSTS": "",
            "DATABRICKS_PROFILE_NOTEBOOK_PATH": NOTEBOOK_PATH,
            "DATABRICKS_PROFILE_GIT_URL": "",
            "DATABRICKS_PROFILE_CLUSTER_ID": "",
            "DATABRICKS_PROFILE_SPARK_VERSION": "",
            "DATABRICKS_PROFILE_CALLBACK_URL": self.web_url,
            "DATABRICKS_PROFILE_CALLBACK_SECRET": self.secrets.callback_secret,
            "DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS": "",
            "DATABRICKS_PROFILE_WORKSPACE_ROOT": "dbfs:/conversioncentral/profiles",
            # Retry a busy stand-in briefly rather than for the production minute.
            "DATABRICKS_RETRY_MAX_SECONDS": "10",
            "LOG_LEVEL": "WARNING",
        }
