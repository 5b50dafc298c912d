"""A cap on active runs per workspace (`DATABRICKS_MAX_ACTIVE_RUNS`, docs/launch-control.md), shared by every
process through the database.

A run holds one of its workspace's slots from admission (`admitted_at`) until it ends. A queued run without one
waits, and waiting runs are admitted oldest first: a run asked for now is admitted at once only when the free
slots would take every older waiting run as well, so it never overtakes one that waits. Every
admission takes the workspace's `WorkspaceLaunchGate` row lock first (an UPDATE, so the same on PostgreSQL and on
SQLite, whose transactions here begin IMMEDIATE), then counts and admits in the same short transaction: two workers
admitting at once are serialised, and the cap holds. No lock is held across a call to Databricks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from dataquality.models import ACTIVE_STATUSES, ProfileRun, ProfileRunStatus, WorkspaceLaunchGate


def capped() -> bool:
    return settings.DATABRICKS_MAX_ACTIVE_RUNS > 0


def waiting_runs(workspace_host: str | None = None):
    """Queued runs without a slot, oldest first (of one workspace, or of all)."""
    runs = ProfileRun.objects.filter(status=ProfileRunStatus.QUEUED, admitted_at__isnull=True)
    if workspace_host is not None:
        runs = runs.filter(workspace_host=workspace_host)
    return runs.order_by("created_at", "pk")


def active_admitted_count(workspace_host: str) -> int:
    return ProfileRun.objects.filter(
        workspace_host=workspace_host, status__in=ACTIVE_STATUSES, admitted_at__isnull=False
    ).count()


def admit(profile_run: ProfileRun) -> bool:
    """Give the run a slot of its workspace now, if the free slots reach it in the queue of waiting runs; whether
    this call admitted it (False also when the launcher admitted it first: the launcher then launches it)."""
    if profile_run.admitted_at is not None:
        return True
    with transaction.atomic():
        if capped():
            _lock_gate(profile_run.workspace_host)
            if _runs_ahead(profile_run) >= _free_slots(profile_run.workspace_host):
                return False
        now = timezone.now()
        admitted = _mark_admitted(ProfileRun.objects.filter(pk=profile_run.pk), now)
    if admitted:
        profile_run.admitted_at = now
    return bool(admitted)


def admit_oldest(workspace_host: str, limit: int) -> list:
    """Give up to `limit` of the workspace's free slots to its oldest waiting runs; their ids, oldest first."""
    with transaction.atomic():
        if capped():
            _lock_gate(workspace_host)
            limit = min(limit, _free_slots(workspace_host))
        ids = list(waiting_runs(workspace_host).values_list("pk", flat=True)[: max(limit, 0)])
        _mark_admitted(ProfileRun.objects.filter(pk__in=ids), timezone.now())
    return ids


def hosts_with_waiting_runs() -> list[str]:
    return sorted(waiting_runs().order_by().values_list("workspace_host", flat=True).distinct())


def waiting_reason(profile_run: ProfileRun) -> str:
    """What a waiting run tells its reader, on the API, the admin and the report."""
    ahead = _runs_ahead(profile_run)
    active = active_admitted_count(profile_run.workspace_host)
    return (
        f"Waiting for a launch slot: {active:,} of {settings.DATABRICKS_MAX_ACTIVE_RUNS:,} runs are active in "
        f"{profile_run.workspace_host} (DATABRICKS_MAX_ACTIVE_RUNS) and {ahead:,} older run(s) wait ahead of this one; "
        "it is launched when a slot frees."
    )


def _lock_gate(workspace_host: str) -> None:
    """Hold the workspace's gate row until the transaction ends."""
    if not WorkspaceLaunchGate.objects.filter(workspace_host=workspace_host).update(admissions=F("admissions") + 1):
        # The first admission in this workspace: create the row (a racing creator wins; then lock it).
        WorkspaceLaunchGate.objects.get_or_create(workspace_host=workspace_host)
        WorkspaceLaunchGate.objects.filter(workspace_host=workspace_host).update(admissions=F("admissions") + 1)


def _runs_ahead(profile_run: ProfileRun) -> int:
    """Waiting runs of the workspace older than this one (in the launcher's order)."""
    created_at = profile_run.created_at
    older = Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=profile_run.pk)
    return waiting_runs(profile_run.workspace_host).filter(older).count()


def _free_slots(workspace_host: str) -> int:
    return settings.DATABRICKS_MAX_ACTIVE_RUNS - active_admitted_count(workspace_host)


def _mark_admitted(runs, now) -> int:
    return runs.filter(status=ProfileRunStatus.QUEUED, admitted_at__isnull=True).update(
        admitted_at=now, error_message=""
    )
