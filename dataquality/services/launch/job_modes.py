"""Retiring the profiling jobs the current DATABRICKS_JOB_MODE no longer uses (docs/job-modes.md).

In pooled mode the groups' own jobs are unused; in per_group mode the workspaces' pooled jobs are. Each is
deleted on Databricks and forgotten locally, except one with an active run, which is left for a later pass so
that no running profile loses its job. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings

from dataquality.databricks import DatabricksClient, DatabricksError, DatabricksNotConfigured, DatabricksNotFound
from dataquality.models import Connection, PooledJob, TableGroup
from dataquality.services.access.workspaces import get_client
from dataquality.services.launch import job_settings as jobs

logger = logging.getLogger(__name__)


@dataclass
class RetireReport:
    retired: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # with the reason

    @property
    def complete(self) -> bool:
        return not self.kept


def retire_unused_jobs(*, dry_run: bool = False, client_factory=get_client) -> RetireReport:
    report = RetireReport()
    if jobs.pooled_mode():
        _retire_group_jobs(report, dry_run, client_factory)
    else:
        _retire_pooled_jobs(report, dry_run, client_factory)
    return report


def _retire_group_jobs(report: RetireReport, dry_run: bool, client_factory) -> None:
    groups = TableGroup.objects.exclude(profiling_job_id=None).exclude(profiling_job_id="").select_related("connection")
    for group in groups:
        label = f"job {group.profiling_job_id} of table group {group.pk} on {group.profiling_job_host or 'unknown'}"
        client = _client_or_none(report, label, lambda: client_factory(group.connection))
        if client is None:
            continue
        if client.host != group.profiling_job_host:
            report.kept.append(f"{label}: the group's connection now points at {client.host}")
            continue
        if _retire(report, label, client, group.profiling_job_id, dry_run):
            TableGroup.objects.filter(pk=group.pk, profiling_job_id=group.profiling_job_id).update(
                profiling_job_id=None, profiling_job_host="", job_settings_fingerprint=""
            )


def _retire_pooled_jobs(report: RetireReport, dry_run: bool, client_factory) -> None:
    clients = _clients_by_host(client_factory)
    for pooled in PooledJob.objects.order_by("pk"):
        label = f"pooled job {pooled.job_id or '(never created)'} ({pooled.job_prefix}) on {pooled.workspace_host}"
        client = clients.get(pooled.workspace_host)
        if client is None:
            report.kept.append(f"{label}: no connection reaches that workspace")
            continue
        if not pooled.job_id or _retire(report, label, client, pooled.job_id, dry_run):
            if not dry_run:
                PooledJob.objects.filter(pk=pooled.pk, job_id=pooled.job_id).delete()


def _clients_by_host(client_factory) -> dict[str, DatabricksClient]:
    """One client per workspace host the settings or a connection reach."""
    clients: dict[str, DatabricksClient] = {}
    for connection in [None, *Connection.objects.order_by("pk")]:
        try:
            client = client_factory(connection)
        except DatabricksNotConfigured:
            continue  # the settings name no default workspace, or a connection lacks its secret
        clients.setdefault(client.host, client)
    return clients


def _client_or_none(report: RetireReport, label: str, make) -> DatabricksClient | None:
    try:
        return make()
    except DatabricksNotConfigured as exc:
        report.kept.append(f"{label}: {exc}")
        return None


def _retire(report: RetireReport, label: str, client: DatabricksClient, job_id: str, dry_run: bool) -> bool:
    """Delete the job unless it has an active run; True when it is gone (or would be, in a dry run)."""
    try:
        if client.list_runs(job_id, active_only=True, limit=1):
            report.kept.append(f"{label}: it has an active run; run the command again once it ends")
            return False
        if not dry_run:
            client.delete_job(job_id)
    except DatabricksNotFound:
        pass  # deleted on the Databricks side already: only the local record is left to clear
    except DatabricksError as exc:
        report.kept.append(f"{label}: Databricks answered {exc}")
        return False
    report.retired.append(label)
    if not dry_run:
        logger.info("Retired %s (DATABRICKS_JOB_MODE=%s)", label, settings.DATABRICKS_JOB_MODE)
    return True
