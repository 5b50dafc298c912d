"""A dry check of a table group's tables: before a save or a start, ask the workspace which tables the group's
schema holds (Unity Catalog's tables API) and whether its masks select any, so a typo is a refusal naming the
catalog, schema and masks at once, not a failed run half a minute later.

Robust by design: when the workspace cannot answer the check (down, slow, not configured, no right to list the
schema), the caller goes on, with a warning; only a clear answer ("no such schema", "nothing matches") refuses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings

from dataquality.databricks import DatabricksError, DatabricksNotConfigured, DatabricksNotFound
from dataquality.models import Table, TableGroup
from dataquality.services.access.workspaces import get_client
from notebooks.dq_profiler.runtime.masks import parse_mask, select_by_masks

logger = logging.getLogger(__name__)

# The fields whose change calls for a new check when a group is edited.
CHECKED_FIELDS = ("connection_id", "catalog", "schema_name", "include_mask", "exclude_mask")


class TableSettingsInvalid(Exception):
    """The workspace says the group would profile nothing; `field` is the setting to fix."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class TableCheck:
    tables: list[str] = field(default_factory=list)  # the tables the masks select
    warnings: list[str] = field(default_factory=list)  # why the check could not be made, if it could not


def describe(table_group: TableGroup) -> str:
    """Catalog, schema and masks, as error messages name them."""
    return (f"catalog {table_group.catalog!r}, schema {table_group.schema_name!r}, "
            f"include mask {table_group.include_mask!r}, exclude mask {table_group.exclude_mask!r}")


def check_table_group_tables(*, table_group: TableGroup, client_factory=get_client) -> TableCheck:
    """The tables the group's masks select in its schema. Raises `TableSettingsInvalid` when the schema does not
    exist or, for a group without explicit tables, when the masks select none."""
    explicit = table_group.pk is not None and Table.objects.filter(table_group_id=table_group.pk).exists()
    wants_discovery = bool(parse_mask(table_group.include_mask)) or not explicit
    if not (settings.DATABRICKS_CHECK_TABLES and wants_discovery and table_group.catalog and table_group.schema_name):
        return TableCheck()
    try:
        names = client_factory(table_group.connection).list_table_names(table_group.catalog, table_group.schema_name)
    except DatabricksNotFound as exc:
        raise TableSettingsInvalid(
            "schema_name",
            f"The workspace has no schema {table_group.catalog}.{table_group.schema_name} ({describe(table_group)}): "
            f"{exc}",
        ) from exc
    except (DatabricksError, DatabricksNotConfigured) as exc:
        logger.warning("Table group %s: its tables could not be checked: %s", table_group.pk, exc)
        return TableCheck(warnings=[
            f"The tables of {table_group.catalog}.{table_group.schema_name} could not be checked (the workspace did "
            f"not answer: {exc}); saved unchecked, and a run will say if the masks match nothing."
        ])
    selected = select_by_masks(names, table_group.include_mask, table_group.exclude_mask)
    if not selected and not explicit:
        raise TableSettingsInvalid(
            "include_mask",
            f"The masks select none of the {len(names)} table(s) of {table_group.catalog}.{table_group.schema_name} "
            f"({describe(table_group)}).",
        )
    return TableCheck(tables=selected)


def needs_check(table_group: TableGroup) -> bool:
    """A new group, or one whose workspace, schema or masks changed."""
    if table_group.pk is None:
        return True
    stored = TableGroup.objects.filter(pk=table_group.pk).values(*CHECKED_FIELDS).first()
    return stored is None or any(stored[name] != getattr(table_group, name) for name in CHECKED_FIELDS)
