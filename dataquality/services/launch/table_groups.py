"""A table group's Databricks job follows the group.

Deleting a group deletes its job, so no orphan job keeps a schedule or a cost. Moving a group to another
connection retires its job from the old workspace first: a job id names a job in one workspace only, and sent
to another one it would start or delete whatever job has that id there.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from dataquality.databricks import DatabricksError, DatabricksNotConfigured, DatabricksNotFound
from dataquality.models import ACTIVE_STATUSES, Connection, ProfileRun, TableGroup
from dataquality.services.monitor.schedules import SCHEDULE_STATE_FIELDS, next_run_at_for, schedule_of
from dataquality.services.access.workspaces import get_client

logger = logging.getLogger(__name__)

# A group's fields once it has no job: the next run creates one.
_NO_JOB = {"profiling_job_id": None, "profiling_job_host": "", "job_settings_fingerprint": ""}


class ConnectionChangeRefused(Exception):
    """The group has a run in flight on its current workspace; it cannot move until that run is final."""


def delete_table_group(*, table_group: TableGroup, client_factory=get_client) -> None:
    """Delete the group and its job. Databricks errors propagate and the group is kept."""
    delete_table_group_job(table_group=table_group, client_factory=client_factory)
    table_group.delete()


def delete_table_group_job(*, table_group: TableGroup, client_factory=get_client) -> None:
    """Delete the group's job and forget its id, keeping the group (the first step of deleting it, for callers
    that delete the row in a transaction of their own: no Databricks call waits inside it).
    Databricks errors propagate and the group keeps its job."""
    if not table_group.profiling_job_id:
        return
    _delete_job(table_group, client_factory)
    TableGroup.objects.filter(pk=table_group.pk).update(**_NO_JOB)
    _forget_job(table_group)


def check_connection_change(*, table_group: TableGroup, connection: Connection | None) -> None:
    """Raise `ConnectionChangeRefused` when the group would change workspace while one of its runs is active:
    that run's id, its cancel and its polls belong to the old workspace."""
    stored_connection_id = _stored(table_group).connection_id if table_group.pk else None
    if table_group.pk is None or stored_connection_id == (connection.pk if connection else None):
        return
    active = ProfileRun.objects.filter(table_group_id=table_group.pk, status__in=ACTIVE_STATUSES).first()
    if active is not None:
        raise ConnectionChangeRefused(
            f"Table group {table_group.pk} has an active run {active.pk} on its current workspace; "
            "cancel it or let it finish before changing the connection."
        )


def save_table_group(*, table_group: TableGroup, client_factory=get_client) -> TableGroup:
    """Save a new or changed group. When its connection changed, its job is deleted from the old workspace
    once the save is committed (best effort, logged) and its job id, host and fingerprint are cleared, so the next run makes a new job.
    When its schedule changed, `next_run_at` is recomputed from now.

    Raises `ConnectionChangeRefused` (nothing saved) while a run of the group is active.
    """
    stored = _stored(table_group) if table_group.pk else None
    if stored is not None and stored.connection_id != table_group.connection_id:
        check_connection_change(table_group=stored, connection=table_group.connection)
        if stored.profiling_job_id:
            # After the commit: the admin saves inside a transaction, and no Databricks call may wait in one
            # (outside a transaction, as in the API, this runs at once). A move rolled back keeps its job.
            transaction.on_commit(lambda: _retire_job(stored, client_factory))
        _forget_job(table_group)
    rescheduled = stored is None or schedule_of(stored) != schedule_of(table_group)
    if rescheduled:
        table_group.next_run_at = next_run_at_for(table_group, after=timezone.now())
    if stored is None:
        table_group.save()
    else:
        # The beat task writes the schedule state meanwhile: an edit must not write back stale copies of it.
        kept = set(SCHEDULE_STATE_FIELDS) - ({"next_run_at"} if rescheduled else set())
        table_group.save(update_fields=[
            field.name for field in TableGroup._meta.concrete_fields if not field.primary_key and field.name not in kept
        ])
    return table_group


def _forget_job(table_group: TableGroup) -> None:
    for name, value in _NO_JOB.items():
        setattr(table_group, name, value)


def _stored(table_group: TableGroup) -> TableGroup:
    return TableGroup.objects.select_related("connection").get(pk=table_group.pk)


def _retire_job(stored: TableGroup, client_factory) -> None:
    """Delete the job of a group leaving its workspace; a failure is logged and does not stop the move."""
    try:
        deleted = _delete_job(stored, client_factory)
    except (DatabricksError, DatabricksNotConfigured) as exc:
        logger.warning(
            "Table group %s changed connection; its job %s could not be deleted from %s and is left there: %s",
            stored.pk, stored.profiling_job_id, stored.profiling_job_host or "its old workspace", exc,
        )
        return
    if deleted:
        logger.info(
            "Table group %s changed connection; its job %s was deleted from %s",
            stored.pk, stored.profiling_job_id, stored.profiling_job_host,
        )


def _delete_job(table_group: TableGroup, client_factory) -> bool:
    """Delete the group's job, but only in the workspace its id belongs to. False when it was left in place."""
    client = client_factory(table_group.connection)
    if table_group.profiling_job_host != client.host:
        logger.warning(
            "Table group %s: job %s belongs to workspace %r, not %r; not deleted there",
            table_group.pk, table_group.profiling_job_id, table_group.profiling_job_host or "unknown", client.host,
        )
        return False
    try:
        client.delete_job(table_group.profiling_job_id)
    except DatabricksNotFound:
        pass  # deleted on the Databricks side already
    return True
