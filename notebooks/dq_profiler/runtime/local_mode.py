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
| `DQ_LOCAL_WAREHOUSE_ROOT` | a directory laid out `<catalog>/<schema>/<table>`: every table in it is registered |
| `DQ_LOCAL_RESULTS_ROOT` | the local directory standing in for the lakehouse: a `results_schema` `cat.sch` is written there under `cat/sch/<result table>` with delta-rs (default: `dq-local-lakehouse`, temp dir) |
| `DQ_LOCAL_DROP_CALLBACK` | `1`: write the payload but never post the callback (the manifest is still fetched) |

A table is a parquet directory, a parquet file, or a CSV file with a header (or a directory of CSV files); in the
warehouse layout a `.parquet` or `.csv` suffix is not part of the table's name.

The mapped tables become external tables of the local session catalog, so the notebook reads them with the
same `spark.table(...)` and `SHOW TABLES` calls it makes on Databricks. Local Spark has one catalog, so every
catalog a manifest names resolves to it (`spark_catalog`); from the warehouse layout, only the catalog named by
the `catalog` widget is registered when it is set (the same `schema.table` in two catalogs is an error otherwise).

A local table has no Delta version: its version is the newest modification time of its files (see
`reuse.file_fingerprint_reader`), so a table whose files are untouched since the last run is reused.

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
from .reuse import file_fingerprint_reader
from .settings import RuntimeSettings
from .tables import qualified_name

WIDGET_ENV_PREFIX = "DQ_WIDGET_"
WIDGETS_FILE_ENV = "DQ_WIDGETS_FILE"
EXIT_FILE_ENV = "DQ_NOTEBOOK_EXIT_FILE"
DBFS_ROOT_ENV = "DQ_LOCAL_DBFS_ROOT"
VOLUMES_ROOT_ENV = "DQ_LOCAL_VOLUMES_ROOT"
TABLE_PATHS_ENV = "DQ_LOCAL_TABLE_PATHS"
WAREHOUSE_ROOT_ENV = "DQ_LOCAL_WAREHOUSE_ROOT"
DROP_CALLBACK_ENV = "DQ_LOCAL_DROP_CALLBACK"
RESULTS_ROOT_ENV = "DQ_LOCAL_RESULTS_ROOT"
TABLE_FILE_SUFFIXES = (".parquet", ".csv")
CSV_OPTIONS = {"header": "true", "inferSchema": "true"}
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


def warehouse_tables(root: str, catalog: str = "") -> dict[tuple[str, str], str]:
    """`<root>/<catalog>/<schema>/<table>` -> `{(schema, table): path}`, for one catalog when `catalog` is given."""
    tables: dict[tuple[str, str], str] = {}
    seen_in: dict[tuple[str, str], str] = {}
    for catalog_dir in _entries(Path(root)) if root else []:
        if not catalog_dir.is_dir() or (catalog and catalog_dir.name.lower() != catalog.lower()):
            continue
        for schema_dir in (entry for entry in _entries(catalog_dir) if entry.is_dir()):
            for table in _entries(schema_dir):
                is_table_file = table.is_file() and table.suffix.lower() in TABLE_FILE_SUFFIXES
                if not (table.is_dir() or is_table_file):
                    continue
                name = table.stem if is_table_file else table.name
                key = (schema_dir.name.lower(), name.lower())  # Spark identifiers are case-insensitive
                if key in seen_in:
                    raise ValueError(
                        f"{schema_dir.name}.{name} is in catalogs {seen_in[key]} and {catalog_dir.name} of "
                        f"{WAREHOUSE_ROOT_ENV}: set the catalog widget to choose one"
                    )
                seen_in[key] = catalog_dir.name
                tables[(schema_dir.name, name)] = str(table)
    return tables


def table_source(path: str) -> tuple[str, dict[str, str]]:
    """(Spark source, options) of a local table: CSV for a `.csv` file or a directory of them, else parquet."""
    location = Path(path)
    files = [location] if location.is_file() else [entry for entry in _entries(location) if entry.is_file()]
    if files and all(file.suffix.lower() == ".csv" for file in files):
        return "csv", CSV_OPTIONS
    return "parquet", {}


def register_local_tables(spark: Any, tables: Mapping[tuple[str, str], str]) -> None:
    """Make each path an external table of the session catalog, under its schema."""
    for schema_name in sorted({schema for schema, _ in tables}):
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {qualified_name(schema_name)}")
    for (schema_name, table_name), path in tables.items():
        source, options = table_source(path)
        spark.catalog.createTable(qualified_name(schema_name, table_name), path=path, source=source, **options)


def start_local_mode(environ: Mapping[str, str] | None = None) -> LocalMode:
    """A local SparkSession with the mapped tables, a stand-in dbutils and settings, all from the environment."""
    environ = os.environ if environ is None else environ
    dbutils = local_dbutils_from_env(environ)
    catalog = widget_values_from_env(environ).get("catalog", "").strip()
    tables = {**warehouse_tables(environ.get(WAREHOUSE_ROOT_ENV, ""), catalog), **table_paths_from_env(environ)}
    spark = local_spark_session("dq-profiling-notebook")
    register_local_tables(spark, tables)
    settings = RuntimeSettings(
        volumes_root=_volumes_root(environ),
        catalog_override=LOCAL_SESSION_CATALOG,
        drop_callback=environ.get(DROP_CALLBACK_ENV, "").strip().lower() in ("1", "true", "yes"),
        results_root=environ.get(RESULTS_ROOT_ENV) or os.path.join(tempfile.gettempdir(), "dq-local-lakehouse"),
        read_table_version=file_fingerprint_reader(tables),
    )
    return LocalMode(spark=spark, dbutils=dbutils, settings=settings)


def _entries(directory: Path) -> list[Path]:
    """A directory's entries without hidden and Spark bookkeeping files (`.x`, `_SUCCESS`), sorted."""
    if not directory.is_dir():
        return []
    return sorted(entry for entry in directory.iterdir() if not entry.name.startswith((".", "_")))


def _volumes_root(environ: Mapping[str, str]) -> str:
    return environ.get(VOLUMES_ROOT_ENV) or os.path.join(tempfile.gettempdir(), "dq-local-volumes")
