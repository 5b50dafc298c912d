"""Who may use which Databricks workspace (contract section 3).

A connection spends its workspace's credentials, so only those it grants may point a table group at it,
change or delete such a group, or start and cancel its runs: the staff who manage connections, and the
users and groups the connection names. The default workspace of the settings (a group without a connection)
is a connection like the others, granted by the permission `dataquality.use_default_workspace` (which the
shipped roles hold).

The same grant scopes reads: a user sees a connection's groups, tables, runs and what they found only with a
grant on it. `scope_to_grants` is the one filter every read goes through (API, pages, admin): lists are
filtered by it, and a detail looked up through it answers 404, so ids of other workspaces do not leak.
"""

from __future__ import annotations

from typing import Iterable

from django.db.models import Q, QuerySet

from dataquality.models import Connection, Dataset, ProfileAnomaly, ProfileRun, Table, TableGroup

MANAGE_CONNECTIONS = "dataquality.change_connection"
USE_DEFAULT_WORKSPACE = "dataquality.use_default_workspace"

# The path from each scoped model to its connection, for `scope_to_grants`.
CONNECTION_PATHS: dict[type, str] = {
    TableGroup: "connection",
    Table: "table_group__connection",
    ProfileRun: "table_group__connection",
    ProfileAnomaly: "profile_run__table_group__connection",
}


class ConnectionNotGranted(Exception):
    """The user may not use this connection."""

    def __init__(self, connection: Connection):
        super().__init__(f"You have no grant on connection {connection.pk}: ask a staff member to add you to it.")
        self.connection = connection


def manages_connections(user) -> bool:
    """Staff who may change connections: the only ones who can grant them, so they hold every grant."""
    return bool(user.is_active and user.is_staff and user.has_perm(MANAGE_CONNECTIONS))


def holds_every_grant(user) -> bool:
    """Superusers, and the staff who manage connections."""
    return bool(user and user.is_active and (user.is_superuser or manages_connections(user)))


def may_use_connection(user, connection: Connection | None) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if holds_every_grant(user):
        return True
    if connection is None:
        return user.has_perm(USE_DEFAULT_WORKSPACE)
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


def scope_to_grants(queryset: QuerySet, user, connection_path: str | None = None) -> QuerySet:
    """`queryset` narrowed to the rows on workspaces `user` may use.

    `connection_path` is the lookup from the queryset's model to its `Connection` (e.g.
    `"profile_run__table_group__connection"` for anomalies); the models of `CONNECTION_PATHS` need none.
    One filter, no extra query: use it for every list, and look details up through it (so a row of another
    workspace is a 404, not a 403).
    """
    path = connection_path or CONNECTION_PATHS[queryset.model]
    if holds_every_grant(user):
        return queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    granted = Q(**{f"{path}__allowed_users": user}) | Q(**{f"{path}__allowed_groups__user": user})
    if user.has_perm(USE_DEFAULT_WORKSPACE):
        granted |= Q(**{f"{path}__isnull": True})
    # The grant's joins can match one row twice (a user named and in a named group): keep each row once.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(granted).values("pk"))


def readable_runs(user) -> QuerySet:
    """The runs `user` may read (their anomalies, results and report follow the run)."""
    return scope_to_grants(ProfileRun.objects.all(), user)


def readable_table_groups(user) -> QuerySet:
    return scope_to_grants(TableGroup.objects.all(), user)
