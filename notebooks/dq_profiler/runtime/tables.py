"""Which tables a run profiles, and how each one is named and loaded on Spark."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .manifest import Manifest, TableRef
from .masks import parse_mask, select_by_masks

logger = logging.getLogger(__name__)

# (catalog or "", schema) -> the names of the tables in that schema
TableLister = Callable[[str, str], list[str]]


def quote_identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def qualified_name(*parts: str) -> str:
    """`catalog`.`schema`.`table`; blank parts are left out, so no catalog means the session's current one."""
    return ".".join(quote_identifier(part) for part in parts if part)


def spark_table_lister(spark: Any) -> TableLister:
    """Lists a schema's tables and views with SHOW TABLES, leaving out session temp views (they belong to no schema)."""

    def list_tables(catalog: str, schema_name: str) -> list[str]:
        rows = spark.sql(f"SHOW TABLES IN {qualified_name(catalog, schema_name)}").collect()
        return sorted(row["tableName"] for row in rows if not row.asDict().get("isTemporary", False))

    return list_tables


class NoTablesToProfile(ValueError):
    """Neither explicit tables nor the masks name anything to profile."""


def resolve_tables(manifest: Manifest, list_tables: TableLister) -> list[TableRef]:
    """Explicit tables, then the tables of the group's schema that the masks select, without duplicates.

    The masks are only consulted when an include mask is set or when the group lists no tables (the include
    mask then defaults to `%`). Explicit tables are always profiled: the exclude mask filters discovery only.
    A schema that cannot be listed is an error only when it leaves nothing to profile.
    """
    tables = list(manifest.tables)
    wants_discovery = bool(parse_mask(manifest.include_mask)) or not tables
    if wants_discovery and manifest.schema_name:
        try:
            names = list_tables(manifest.catalog, manifest.schema_name)
        except Exception as error:  # noqa: BLE001 - Spark raises several unrelated types for a missing schema
            if not tables:
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                raise NoTablesToProfile(
                    f"Cannot list the tables of {_where(manifest)}: the schema does not exist or cannot be read "
                    f"({reason})"
                ) from error
            logger.error(
                "Cannot list the tables of %s (%s); profiling the explicit tables only", manifest.schema_name, error
            )
            names = []
        selected = select_by_masks(names, manifest.include_mask, manifest.exclude_mask)
        logger.info("Masks selected %d of %d table(s) in %s", len(selected), len(names), manifest.schema_name)
        tables.extend(TableRef(manifest.schema_name, name) for name in selected)
    elif wants_discovery:
        logger.warning("No schema_name to apply the masks to; profiling the explicit tables only")
    seen: set[str] = set()
    unique = []
    for table in tables:  # identifiers are case-insensitive on Spark
        if table.key.lower() not in seen:
            seen.add(table.key.lower())
            unique.append(table)
    if not unique:
        raise NoTablesToProfile(
            f"No tables to profile: the group lists none and the masks matched none of the tables of {_where(manifest)}"
        )
    return unique


def _where(manifest: Manifest) -> str:
    """Catalog, schema and masks, as a failed run names them."""
    return (f"{qualified_name(manifest.catalog, manifest.schema_name)} (catalog {manifest.catalog!r}, schema "
            f"{manifest.schema_name!r}, include mask {manifest.include_mask!r}, exclude mask "
            f"{manifest.exclude_mask!r})")
