"""Who may use which Databricks workspace (contract section 3).

A connection spends its workspace's credentials, so only those it grants may point a table group at it,
change or delete such a group, or start and cancel its runs: the staff who manage connections, and the
users and groups the connection names. The default workspace (a group without a connection) is open to
whoever holds the permission for the action itself. Reading results needs only the `view_*` permissions.
"""

from __future__ import annotations

from typing import Iterable

from dataquality.models import Connection, Dataset, ProfileAnomaly, ProfileRun, Table, TableGroup

MANAGE_CONNECTIONS = "dataquality.change_connection"


class ConnectionNotGranted(Exception):
    """The user may not use this connection."""

    def __init__(self, connection: Connection):
        super().__init__(f"You have no grant on connection {connection.pk}: ask a staff member to add you to it.")
        self.connection = connection


def manages_connections(user) -> bool:
    """Staff who may change connections: the only ones who can grant them, so they hold every grant."""
    return bool(user.is_active and user.is_staff and user.has_perm(MANAGE_CONNECTIONS))


def may_use_connection(user, connection: Connection | None) -> bool:
    if connection is None:
        return True
    if not (user and user.is_authenticated and user.is_active):
        return False
    if manages_connections(user):
        return True
    if connection.allowed_users.filter(pk=user.pk).exists():
        return True
    return connection.allowed_groups.filter(user=user).exists()


def connections_of(target) -> list[Connection | None]:
    """The workspaces an object's runs use: a dataset's through its groups, a table's or run's through its group."""
    if isinstance(target, (Connection, type(None))):
        return [target]
    if isinstance(target, TableGroup):
        return [target.connection]
    if isinstance(target, (Table, ProfileRun)):
        return [target.table_group.connection]
    if isinstance(target, ProfileAnomaly):
        return [target.profile_run.table_group.connection]
    if isinstance(target, Dataset):
        return [group.connection for group in target.table_groups.select_related("connection")]
    raise TypeError(f"No workspace for {type(target).__name__}")


def require_grant(user, targets: Iterable) -> None:
    """Raise ConnectionNotGranted for the first connection of `targets` the user may not use."""
    for target in targets:
        for connection in connections_of(target):
            if not may_use_connection(user, connection):
                raise ConnectionNotGranted(connection)
