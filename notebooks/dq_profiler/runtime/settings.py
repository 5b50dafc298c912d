"""How the runtime behaves where it runs: Databricks defaults, overridden by local mode and tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .http_client import RetryPolicy
from .manifest import MANIFEST_RETRY
from .writers import DATABRICKS_VOLUMES_ROOT


@dataclass(frozen=True)
class RuntimeSettings:
    volumes_root: str = DATABRICKS_VOLUMES_ROOT
    # Local Spark has a single catalog: naming it here makes every manifest catalog resolve to it.
    catalog_override: str = ""
    http_timeout_seconds: float = 30.0
    manifest_retry: RetryPolicy = MANIFEST_RETRY
    # None: for the job parameter `callback_retry_minutes` (default 30).
    callback_retry: RetryPolicy | None = None
    # Local mode only: write the payload but never post the callback (a fault the local stand-in injects).
    drop_callback: bool = False
    # Local mode only: the directory standing in for the lakehouse; result tables go to `<it>/<catalog>/<schema>`
    # with delta-rs instead of Spark's Delta writer.
    results_root: str = ""
    # How a table's version is read (reuse.TableVersionReader); None for its Delta history, as on Databricks.
    read_table_version: Callable[[str, Any], Any] | None = None
