"""The launcher (beat entry "launch-queued-profile-runs", and after every schedule tick): gives each workspace's
free launch slots to its oldest waiting runs, and launches them.

Admit, then launch. A batch is admitted in one short transaction (`launch_slots.admit_oldest`), then each run is
launched from a few threads with run-now and its own id as the idempotency token. A crash between the two leaves
admitted runs still `queued`, which the sweep launches after `PROFILE_RUN_QUEUED_GRACE_MINUTES` with the same token:
no run is lost, none starts twice on Databricks. Admission is serialised per workspace, so two launchers never admit
the same run, and never more runs than there are slots. A launch that meets a transient error stays queued with its
slot, for the sweep's next attempt (`launch_retries`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass

from django.conf import settings

from dataquality.models import ProfileRun, ProfileRunStatus
from dataquality.services.access.workspaces import get_client
from dataquality.services.launch import launch_slots
from dataquality.services.launch.profiling import DataQualityProfilingService, LaunchFailed
from dataquality.services.worker_threads import WorkerThreads

logger = logging.getLogger(__name__)


@dataclass
class LaunchQueueSummary:
    """Counts of one launcher pass. Each admitted run ends in exactly one of launched, deferred (a transient error:
    queued for the sweep's next attempt), failed, gone (canceled meanwhile) or errors (left for the sweep)."""

    admitted: int = 0
    launched: int = 0
    deferred: int = 0
    failed: int = 0
    gone: int = 0
    errors: int = 0
    waiting: int = 0  # runs still without a slot when the pass ended

    def counts(self) -> dict[str, int]:
        return asdict(self)

    def __str__(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in self.counts().items())


def launch_queued_profile_runs(*, client_factory=get_client, threads: int | None = None) -> LaunchQueueSummary:
    """Admit and launch waiting runs, oldest first in each workspace, until no slot is free, no run waits, or half
    the sweep's time limit is spent (the task's hard limit is the sweep's)."""
    service = DataQualityProfilingService(client_factory)
    summary = LaunchQueueSummary()
    budget_ends = time.monotonic() + settings.PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS / 2
    workers = WorkerThreads(
        threads or settings.PROFILE_RUN_SWEEP_THREADS, lambda run_id: _launch(service, run_id), name="profile-run-launch"
    )
    try:
        for host in launch_slots.hosts_with_waiting_runs():
            while time.monotonic() < budget_ends:
                admitted = launch_slots.admit_oldest(host, settings.PROFILE_RUN_SWEEP_BATCH_SIZE)
                if not admitted:
                    break
                summary.admitted += len(admitted)
                for run_id in admitted:
                    workers.submit(run_id)
    finally:
        for outcome in workers.finish():
            setattr(summary, outcome, getattr(summary, outcome) + 1)
    summary.waiting = launch_slots.waiting_runs().count()
    if summary.admitted or summary.waiting:
        logger.info("Profile run launcher: %s", summary)
    return summary


def _launch(service: DataQualityProfilingService, run_id) -> str:
    """Launch one admitted run; which of the summary's counts it adds to."""
    run = ProfileRun.objects.select_related("table_group__connection").filter(pk=run_id).first()
    if run is None or run.status != ProfileRunStatus.QUEUED:  # canceled (or its group deleted) meanwhile
        return "gone"
    try:
        result = service.launch_admitted(run)
    except LaunchFailed:
        return "failed"
    except Exception:  # noqa: BLE001  (one broken run must not stop the others; the sweep tries it again)
        logger.exception("Profile run %s could not be launched; the sweep tries again", run_id)
        return "errors"
    status = result.profile_run.status
    if status == ProfileRunStatus.QUEUED:
        return "deferred"
    return "launched" if status == ProfileRunStatus.RUNNING else "gone"
