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
from dataquality.databricks.hosts import base_url, hostname

if TYPE_CHECKING:
    from dataquality.models import Connection

_ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def validate_connection_settings(host: str, secret_ref: str) -> None:
    """Raise `ConnectionSettingsError` (a ValueError) with a readable message when a connection's host
    is not an allowed workspace or its `secret_ref` is not an allowed env var name."""
    validate_workspace_host(host)
    validate_secret_ref(secret_ref)


def validate_workspace_host(host: str) -> None:
    try:
        name = hostname(host)
    except ValueError as exc:
        raise ConnectionSettingsError(str(exc)) from None
    allowed = _allowed_hostnames()
    if name not in allowed:
        listed = ", ".join(sorted(allowed)) or "none configured"
        raise ConnectionSettingsError(
            f"Host {name!r} is not an allowed Databricks workspace (DATABRICKS_ALLOWED_HOSTS: {listed})."
        )


def validate_secret_ref(secret_ref: str) -> None:
    prefix = settings.DATABRICKS_SECRET_REF_PREFIX
    if not _ENV_VAR_NAME.match(secret_ref or ""):
        raise ConnectionSettingsError(f"secret_ref {secret_ref!r} is not an environment variable name.")
    if not secret_ref.startswith(prefix):
        raise ConnectionSettingsError(f"secret_ref {secret_ref!r} must start with {prefix!r}.")


def get_client(connection: Connection | None = None) -> DatabricksClient:
    """The client for a connection, or for the default workspace of the settings when None.

    Raises `DatabricksNotConfigured` naming every problem when the host or credentials are missing or not allowed.
    """
    problems = workspace_problems(connection)
    if problems:
        raise DatabricksNotConfigured(*problems)
    credentials = _default_credentials() if connection is None else _connection_credentials(connection)
    return _cached_client(
        workspace_host(connection),
        *credentials,
        settings.DATABRICKS_HTTP_TIMEOUT_SECONDS,
        settings.DATABRICKS_RETRY_MAX_SECONDS,
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
    problems = []
    for check, value in ((validate_workspace_host, connection.host), (validate_secret_ref, connection.secret_ref)):
        try:
            check(value)
        except ConnectionSettingsError as exc:
            problems.append(str(exc))
    if not problems and not os.environ.get(connection.secret_ref, ""):
        problems.append(f"environment variable {connection.secret_ref} is not set")
    if connection.auth_type == "oauth_m2m" and not connection.client_id:
        problems.append("OAuth M2M needs a client_id")
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
    url: str, auth_type: str, client_id: str, secret: str, timeout: float, retry_max_seconds: float
) -> DatabricksClient:
    """One client per workspace and credentials, so an OAuth token is fetched once per process,
    not once per task. A rotated secret makes a new key, hence a new client."""
    if auth_type == "oauth_m2m":
        credentials = {"client_id": client_id, "client_secret": secret}
    else:
        credentials = {"token": secret}
    return DatabricksClient(url, timeout=timeout, retry_max_seconds=retry_max_seconds, **credentials)
