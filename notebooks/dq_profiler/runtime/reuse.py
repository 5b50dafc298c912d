"""Unchanged tables (contract section 12.2): a table still at the Delta version that the group's last completed
run profiled is not scanned again; it is reported with that run's metrics and `reused_from` = that run's id.

The manifest gives, per table, the previous run, the version it read and its table document (`previous_tables`;
left out when the run was started with `force_full`). Each table's version is read before any scan, so a change
made while the run profiles is profiled again next time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .manifest import Manifest, TableRef
from .tables import qualified_name

logger = logging.getLogger(__name__)

# (catalog, table) -> the table's version now, or None when it has none (a view, a table that is not Delta)
TableVersionReader = Callable[[str, TableRef], "int | None"]


def delta_history_reader(spark: Any) -> TableVersionReader:
    """On Databricks: the newest version in the table's Delta history (metadata only, no scan of the data)."""

    def read(catalog: str, table: TableRef) -> int | None:
        name = qualified_name(catalog, table.schema_name, table.table_name)
        try:
            rows = spark.sql(f"DESCRIBE HISTORY {name} LIMIT 1").collect()
        except Exception as error:  # noqa: BLE001 - views and non-Delta tables have no history: always profiled
            logger.info("No Delta version for %s (%s); it is profiled", table.key, type(error).__name__)
            return None
        return int(rows[0]["version"]) if rows else None

    return read


def file_fingerprint_reader(paths: Mapping[tuple[str, str], str]) -> TableVersionReader:
    """In local mode (parquet and CSV files, no Delta log): the newest modification time, in nanoseconds, of the
    table's path and everything under it. Writing, adding or removing a file moves it forward."""
    by_key = {(schema.lower(), table.lower()): path for (schema, table), path in paths.items()}

    def read(catalog: str, table: TableRef) -> int | None:
        path = by_key.get((table.schema_name.lower(), table.table_name.lower()))
        return newest_modification_ns(Path(path)) if path else None

    return read


def newest_modification_ns(path: Path) -> int:
    newest = path.stat().st_mtime_ns
    for directory, _, files in os.walk(path):
        times = (os.stat(os.path.join(directory, name)).st_mtime_ns for name in files)
        newest = max(newest, os.stat(directory).st_mtime_ns, *times)
    return newest


def read_versions(read: TableVersionReader, catalog: str, tables: Sequence[TableRef]) -> dict[str, int | None]:
    return {table.key: read(catalog, table) for table in tables}


def reusable_tables(
    manifest: Manifest, tables: Sequence[TableRef], versions: Mapping[str, int | None]
) -> dict[str, dict[str, Any]]:
    """`{"schema.table": previous}` for each table whose version is the one its previous run read."""
    reusable = {}
    for table in tables:
        previous = manifest.previous_tables.get(table.key)
        version = versions.get(table.key)
        if previous and version is not None and previous.get("delta_version") == version:
            reusable[table.key] = previous
    return reusable


def merge_reused(
    document: dict[str, Any], reused: Mapping[str, Mapping[str, Any]], versions: Mapping[str, int | None]
) -> dict[str, Any]:
    """The engine's document for the scanned tables (stamped with the versions read), with each reused table
    added as its previous run left it."""
    tables = [_stamped(table, versions.get(_key(table))) for table in document.get("tables") or ()]
    if not reused:
        return {**document, "tables": tables}
    anomalies = list(document.get("anomalies") or ())
    for previous in reused.values():
        tables.append(
            {**previous["table"], "delta_version": previous["delta_version"], "reused_from": previous["profile_run_id"]}
        )
        anomalies.extend(previous.get("anomalies") or ())
    failed = all(table.get("error") for table in tables)
    return {
        **document,
        "status": "failed" if failed else "completed",
        "error_message": document.get("error_message") if failed else None,
        "tables": tables,
        "anomalies": anomalies,
        "anomaly_count": len(anomalies),
        "row_count": sum(table.get("row_count") or 0 for table in tables),
        "sampled": any(table.get("sampled") for table in tables),
    }


def _stamped(table: Mapping[str, Any], version: int | None) -> dict[str, Any]:
    return dict(table) if version is None else {**table, "delta_version": version}


def _key(table: Mapping[str, Any]) -> str:
    return TableRef(table.get("schema_name") or "", table["table_name"]).key
