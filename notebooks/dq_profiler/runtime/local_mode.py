"""Running the notebook as a plain script (`python notebooks/profiling.py`) on local Spark.

This is the interface the local Databricks stand-in and tests drive; everything comes from the environment:

| variable | meaning |
|---|---|
| `DQ_WIDGET_<name>` | the value of widget `<name>` (exact case: `DQ_WIDGET_profile_run_id`) |
| `DQ_WIDGETS_FILE` | a JSON object of widget values; `DQ_WIDGET_<name>` variables override it |
| `DQ_NOTEBOOK_EXIT_FILE` | where `dbutils.notebook.exit` writes the exit value (it is also the last stdout line) |
| `DQ_LOCAL_DBFS_ROOT` | the local directory standing in for `dbfs:/` (default: `dq-local-dbfs` in the temp dir) |
| `DQ_LOCAL_VOLUMES_ROOT` | the local directory standing in for `/Volumes` (default: `dq-local-volumes`, temp dir) |
| `DQ_LOCAL_TABLE_PATHS` | a JSON object `{"schema.table": "/path/to/parquet"}`: tables to register before profiling |

The mapped tables become external tables of the local session catalog, so the notebook reads them with the
same `spark.table(...)` and `SHOW TABLES` calls it makes on Databricks. Local Spark has one catalog, so every
catalog a manifest names resolves to it (`spark_catalog`).

The exit code is 0 when the notebook finished (whatever the run's status) and non-zero when it raised.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..local_spark import local_spark_session
from .local_dbutils import LocalDbutils
from .settings import RuntimeSettings
from .tables import qualified_name

WIDGET_ENV_PREFIX = "DQ_WIDGET_"
WIDGETS_FILE_ENV = "DQ_WIDGETS_FILE"
EXIT_FILE_ENV = "DQ_NOTEBOOK_EXIT_FILE"
DBFS_ROOT_ENV = "DQ_LOCAL_DBFS_ROOT"
VOLUMES_ROOT_ENV = "DQ_LOCAL_VOLUMES_ROOT"
TABLE_PATHS_ENV = "DQ_LOCAL_TABLE_PATHS"
LOCAL_SESSION_CATALOG = "spark_catalog"


@dataclass(frozen=True)
class LocalMode:
    spark: Any
    dbutils: LocalDbutils
    settings: RuntimeSettings


def widget_values_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    if environ.get(WIDGETS_FILE_ENV):
        document = json.loads(Path(environ[WIDGETS_FILE_ENV]).read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError(f"{WIDGETS_FILE_ENV} must hold a JSON object of widget values")
        values.update({str(name): "" if value is None else str(value) for name, value in document.items()})
    prefix = len(WIDGET_ENV_PREFIX)
    values.update({key[prefix:]: value for key, value in environ.items() if key.startswith(WIDGET_ENV_PREFIX)})
    return values


def local_dbutils_from_env(environ: Mapping[str, str]) -> LocalDbutils:
    return LocalDbutils(
        widget_values_from_env(environ),
        dbfs_root=environ.get(DBFS_ROOT_ENV) or os.path.join(tempfile.gettempdir(), "dq-local-dbfs"),
        volumes_root=_volumes_root(environ),
        exit_file=environ.get(EXIT_FILE_ENV) or None,
    )


def table_paths_from_env(environ: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """`{"schema.table": path}` -> `{(schema, table): path}`; anything else is a configuration error."""
    mapping = json.loads(environ.get(TABLE_PATHS_ENV) or "{}")
    if not isinstance(mapping, dict):
        raise ValueError(f"{TABLE_PATHS_ENV} must be a JSON object of 'schema.table': path")
    tables = {}
    for name, path in mapping.items():
        parts = str(name).split(".")
        if len(parts) != 2 or not all(parts) or not isinstance(path, str):
            raise ValueError(f"{TABLE_PATHS_ENV}: expected 'schema.table': '/path', got {name!r}: {path!r}")
        tables[(parts[0], parts[1])] = path
    return tables


def register_local_tables(spark: Any, tables: Mapping[tuple[str, str], str]) -> None:
    """Make each parquet path an external table of the session catalog, under its schema."""
    for schema_name in sorted({schema for schema, _ in tables}):
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {qualified_name(schema_name)}")
    for (schema_name, table_name), path in tables.items():
        spark.catalog.createTable(qualified_name(schema_name, table_name), path=path, source="parquet")


def start_local_mode(environ: Mapping[str, str] | None = None) -> LocalMode:
    """A local SparkSession with the mapped tables, a stand-in dbutils and settings, all from the environment."""
    environ = os.environ if environ is None else environ
    dbutils = local_dbutils_from_env(environ)
    tables = table_paths_from_env(environ)
    spark = local_spark_session("dq-profiling-notebook")
    register_local_tables(spark, tables)
    settings = RuntimeSettings(volumes_root=_volumes_root(environ), catalog_override=LOCAL_SESSION_CATALOG)
    return LocalMode(spark=spark, dbutils=dbutils, settings=settings)


def _volumes_root(environ: Mapping[str, str]) -> str:
    return environ.get(VOLUMES_ROOT_ENV) or os.path.join(tempfile.gettempdir(), "dq-local-volumes")
