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
]
