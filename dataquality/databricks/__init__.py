"""The one boundary to Databricks: every HTTP call to a workspace goes through `DatabricksClient`."""

from .client import DatabricksClient
from .errors import (
    ConnectionSettingsError,
    DatabricksAuthError,
    DatabricksError,
    DatabricksNotConfigured,
    DatabricksNotFound,
    DatabricksPermanentError,
    DatabricksRateLimited,
    DatabricksTransientError,
)
from .factory import get_client, validate_connection_settings, validate_secret_ref, validate_workspace_host, workspace_host

__all__ = [
    "ConnectionSettingsError",
    "DatabricksAuthError",
    "DatabricksClient",
    "DatabricksError",
    "DatabricksNotConfigured",
    "DatabricksNotFound",
    "DatabricksPermanentError",
    "DatabricksRateLimited",
    "DatabricksTransientError",
    "get_client",
    "validate_connection_settings",
    "validate_secret_ref",
    "validate_workspace_host",
    "workspace_host",
]
