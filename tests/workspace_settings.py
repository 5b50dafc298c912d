"""Pointing the app's settings at one Databricks workspace, for the fixtures that fake one or run one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def pointed_at_workspace(
    settings,
    *,
    host: str,
    token: str,
    notebook_path: str,
    callback_url: str,
    callback_secret: str,
    retry_max_seconds: float,
    **more,
) -> Iterator:
    """A PAT workspace on serverless compute with the callback configured; `more` sets further settings.
    Cached clients are dropped on the way in and out, so none outlives the settings it was built from."""
    from dataquality.services.access.workspaces import _cached_client

    values = {
        "DATABRICKS_HOST": host,
        "DATABRICKS_TOKEN": token,
        "DATABRICKS_CLIENT_ID": "",
        "DATABRICKS_CLIENT_SECRET": "",
        "DATABRICKS_ALLOWED_HOSTS": [],
        "DATABRICKS_PROFILE_NOTEBOOK_PATH": notebook_path,
        "DATABRICKS_PROFILE_CLUSTER_ID": "",
        "DATABRICKS_PROFILE_SPARK_VERSION": "",
        "DATABRICKS_PROFILE_NODE_TYPE_ID": "",
        "DATABRICKS_PROFILE_GIT_URL": "",
        "DATABRICKS_PROFILE_CALLBACK_URL": callback_url,
        "DATABRICKS_PROFILE_CALLBACK_SECRET": callback_secret,
        "DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS": "",
        "DATABRICKS_PROFILE_WORKSPACE_ROOT": "dbfs:/conversioncentral/profiles",
        "DATABRICKS_RETRY_MAX_SECONDS": retry_max_seconds,
        **more,
    }
    for name, value in values.items():
        setattr(settings, name, value)
    _cached_client.cache_clear()
    try:
        yield settings
    finally:
        _cached_client.cache_clear()
