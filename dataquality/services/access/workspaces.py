"""Turns the settings or a `Connection` row into a `DatabricksClient`, and enforces which hosts and secrets
may be used.

A connection names a host and the *name* of an env var; both are checked here so that no connection
can make the app send a secret (say `SECRET_KEY`) to a host of its choosing.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

from dataquality.databricks.client import DatabricksClient
from dataquality.databricks.errors import ConnectionSettingsError, DatabricksNotConfigured
from dataquality.databricks.hosts import base_url, hostname, is_loopback, scheme_and_port
from dataquality.services.launch.call_pacing import CallPacer

if TYPE_CHECKING:
    from dataquality.models import Connection

_ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def connection_errors(*, host: str, secret_ref: str, auth_type: str, client_id: str) -> dict[str, str]:
    """The field errors of a connection as it would be saved, `{}` when it may be saved.

    The one check behind the API's serializer, the admin's form and every use of a connection.
    """
    errors = {}
    for field, check, value in (("host", validate_workspace_host, host), ("secret_ref", validate_secret_ref, secret_ref)):
        try:
            check(value)
        except ConnectionSettingsError as exc:
            errors[field] = str(exc)
    if auth_type == "oauth_m2m" and not client_id:
        errors["client_id"] = "OAuth M2M needs a client_id."
    return errors


def validate_workspace_host(host: str) -> None:
    """An allowed workspace, over https on the default port. Plain http (or another port) only for a loopback
    host and only with DATABRICKS_ALLOW_INSECURE_LOOPBACK (the local stand-in), since the token travels with every
    call. The operator's own DATABRICKS_HOST is trusted as configured."""
    try:
        name = hostname(host)
        url = base_url(host)
        scheme, port = scheme_and_port(host)
    except ValueError as exc:
        raise ConnectionSettingsError(str(exc)) from None
    allowed = _allowed_hostnames()
    if name not in allowed:
        listed = ", ".join(sorted(allowed)) or "none configured"
        raise ConnectionSettingsError(
            f"Host {name!r} is not an allowed Databricks workspace (DATABRICKS_ALLOWED_HOSTS: {listed})."
        )
    if scheme == "https" and port in (None, 443):
        return
    if url == _configured_base_url() or (is_loopback(host) and settings.DATABRICKS_ALLOW_INSECURE_LOOPBACK):
        return
    raise ConnectionSettingsError(
        f"Host {url!r} must use https on the default port; plain http or another port is allowed only for a "
        "loopback host with DATABRICKS_ALLOW_INSECURE_LOOPBACK."
    )


def validate_secret_ref(secret_ref: str) -> None:
    """The name of an env var of the connection's own: under DATABRICKS_SECRET_REF_PREFIX, and never a setting the
    app itself reads (its token, client secret, callback secrets, SECRET_KEY, DATABASE_URL, ...), whatever the
    prefix, so no connection can make the app send one of its own secrets to a workspace."""
    prefix = settings.DATABRICKS_SECRET_REF_PREFIX
    if not _ENV_VAR_NAME.match(secret_ref or ""):
        raise ConnectionSettingsError(f"secret_ref {secret_ref!r} is not an environment variable name.")
    if secret_ref.upper() in _app_setting_names():
        raise ConnectionSettingsError(
            f"secret_ref {secret_ref!r} names a setting of this app; a connection's secret needs a variable of its own."
        )
    if not secret_ref.startswith(prefix):
        raise ConnectionSettingsError(f"secret_ref {secret_ref!r} must start with {prefix!r}.")


def _app_setting_names() -> set[str]:
    """Every variable the settings read from the environment, and every Django setting's name."""
    read = getattr(settings, "ENV_SETTINGS_READ", frozenset())
    return {name.upper() for name in read} | {name for name in dir(settings) if name.isupper()}


def _configured_base_url() -> str | None:
    try:
        return base_url(settings.DATABRICKS_HOST) if settings.DATABRICKS_HOST else None
    except ValueError:
        return None


def get_client(connection: Connection | None = None) -> DatabricksClient:
    """The client for a connection, or for the default workspace of the settings when None.

    Raises `DatabricksNotConfigured` naming every problem when the host or credentials are missing or not allowed.
    """
    problems = workspace_problems(connection)
    if problems:
        raise DatabricksNotConfigured(*problems)
    credentials = _default_credentials() if connection is None else _connection_credentials(connection)
    host = workspace_host(connection)
    return _cached_client(
        host,
        *credentials,
        settings.DATABRICKS_HTTP_TIMEOUT_SECONDS,
        settings.DATABRICKS_RETRY_MAX_SECONDS,
        CallPacer.from_settings(host),
    )


def workspace_problems(connection: Connection | None = None) -> list[str]:
    """Everything that keeps the app from reaching a connection's workspace, or the default one; empty when fine."""
    if connection is None:
        return _default_workspace_problems()
    return [f"connection {connection.name!r}: {problem}" for problem in _connection_problems(connection)]


def workspace_host(connection: Connection | None = None) -> str:
    """The workspace base URL (`https://host`) of a connection or of the settings, for run page links."""
    host = connection.host if connection is not None else settings.DATABRICKS_HOST
    if not host:
        raise DatabricksNotConfigured("DATABRICKS_HOST is not set")
    try:
        return base_url(host)
    except ValueError as exc:
        raise DatabricksNotConfigured(str(exc)) from None


def _default_workspace_problems() -> list[str]:
    problems = []
    if not settings.DATABRICKS_HOST:
        problems.append("DATABRICKS_HOST is not set")
    else:
        try:
            base_url(settings.DATABRICKS_HOST)
        except ValueError as exc:
            problems.append(f"DATABRICKS_HOST: {exc}")
    if not settings.DATABRICKS_TOKEN and not (settings.DATABRICKS_CLIENT_ID and settings.DATABRICKS_CLIENT_SECRET):
        problems.append("set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET")
    return problems


def _connection_problems(connection: Connection) -> list[str]:
    errors = connection_errors(
        host=connection.host, secret_ref=connection.secret_ref,
        auth_type=connection.auth_type, client_id=connection.client_id,
    )
    problems = list(errors.values())
    if not errors.keys() & {"host", "secret_ref"} and not os.environ.get(connection.secret_ref, ""):
        problems.append(f"environment variable {connection.secret_ref} is not set")
    return problems


def _default_credentials() -> tuple[str, str, str]:
    """(auth_type, client_id, secret) from the settings, once `workspace_problems` found none."""
    if settings.DATABRICKS_TOKEN:
        return "pat", "", settings.DATABRICKS_TOKEN
    return "oauth_m2m", settings.DATABRICKS_CLIENT_ID, settings.DATABRICKS_CLIENT_SECRET


def _connection_credentials(connection: Connection) -> tuple[str, str, str]:
    """(auth_type, client_id, secret) of a connection, once `workspace_problems` found none."""
    secret = os.environ[connection.secret_ref]
    if connection.auth_type == "oauth_m2m":
        return "oauth_m2m", connection.client_id, secret
    return "pat", "", secret


def _allowed_hostnames() -> set[str]:
    """DATABRICKS_ALLOWED_HOSTS, or only DATABRICKS_HOST when that list is empty."""
    entries = settings.DATABRICKS_ALLOWED_HOSTS or ([settings.DATABRICKS_HOST] if settings.DATABRICKS_HOST else [])
    allowed = set()
    for entry in entries:
        try:
            allowed.add(hostname(entry))
        except ValueError:
            continue  # a malformed entry allows nothing
    return allowed


@lru_cache(maxsize=32)
def _cached_client(
    url: str, auth_type: str, client_id: str, secret: str, timeout: float, retry_max_seconds: float,
    pace: CallPacer | None,
) -> DatabricksClient:
    """One client per workspace and credentials, so an OAuth token is fetched once per process,
    not once per task. A rotated secret makes a new key, hence a new client. Every client of a workspace
    keeps to its shared call rate (`pace`)."""
    if auth_type == "oauth_m2m":
        credentials = {"client_id": client_id, "client_secret": secret}
    else:
        credentials = {"token": secret}
    return DatabricksClient(url, timeout=timeout, retry_max_seconds=retry_max_seconds, pace=pace, **credentials)
