"""The run monitor's sweep: claim the active runs that are due, then reconcile each with Databricks.

Claim, then call. A batch of due runs is claimed in one short transaction that stamps their `last_polled_at`
and sets their `claimed_until` (PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED`; elsewhere a compare-and-set
UPDATE on the old stamp per run), so two sweeps at once never take the same run. Only after the commit is
Databricks called, from a small thread pool, so one slow answer does not hold up the batch and no row lock is ever
held across an HTTP call. A run whose reconciliation hit a Databricks error gets its old stamp back, so the next
sweep asks again at once.

The claim is a lease that lasts until the sweep's own hard deadline (its start plus
`PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS`, the Celery task's `time_limit`, at which the worker process is killed),
and is released as soon as the run's reconciliation ends. No other sweep takes a claimed run before either, however
slow Databricks is and whatever the poll interval; a claim not started by the sweep's soft limit is released
unworked. A sweep killed mid-way leaves its claims to lapse at that deadline.

Batches are claimed until no run is due, `limit` runs were seen, or half the task's time limit is spent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from dataquality.databricks import DatabricksError, DatabricksNotConfigured
from dataquality.models import ACTIVE_STATUSES, ProfileRun, ProfileRunStatus
from dataquality.services.monitor.reconcile import Deadlines, Outcome, Reconciled, reconcile_profile_run
from dataquality.services.access.workspaces import get_client
from dataquality.services.worker_threads import WorkerThreads

logger = logging.getLogger(__name__)

# A claim is only started while at least this much of its lease is left (the Celery task's soft limit).
LEASE_MARGIN = timedelta(seconds=30)


@dataclass
class SweepSummary:
    """Counts of one sweep. `polled` runs were looked at; each ends in exactly one of the other five.
    `errors` (a part of `untouched`) are runs left for the next sweep because Databricks could not answer."""

    polled: int = 0
    completed: int = 0
    failed: int = 0
    canceled: int = 0
    relaunched: int = 0
    untouched: int = 0
    errors: int = 0
    dry_run: bool = False
    details: dict[str, str] = field(default_factory=dict)  # run id: what happened to it

    def add(self, run_id, result: Reconciled, *, error: bool = False) -> None:
        self.polled += 1
        setattr(self, result.outcome.value, getattr(self, result.outcome.value) + 1)
        self.errors += error
        self.details[str(run_id)] = str(result)

    def counts(self) -> dict[str, int]:
        return {name: value for name, value in asdict(self).items() if name not in ("dry_run", "details")}

    def line(self) -> str:
        words = ", ".join(f"{name} {value}" for name, value in self.counts().items() if name != "errors")
        errors = f" ({self.errors} left for the next sweep after a Databricks error)" if self.errors else ""
        return ("Dry run, nothing written: " if self.dry_run else "") + words + errors


def reconcile_profile_runs(
    *,
    dry_run: bool = False,
    run_ids: Iterable | None = None,
    limit: int | None = None,
    client_factory=get_client,
    threads: int | None = None,
) -> SweepSummary:
    """Reconcile the due active runs (or the active runs among `run_ids`, due or not), at most `limit`.

    With `dry_run`, nothing is claimed or written and Databricks is only read.
    """
    summary = SweepSummary(dry_run=dry_run)
    deadlines = Deadlines.from_settings()
    budget_ends = time.monotonic() + settings.PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS / 2
    lease_until = timezone.now() + timedelta(seconds=settings.PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS)
    batch_size = settings.PROFILE_RUN_SWEEP_BATCH_SIZE
    chosen = [str(run_id) for run_id in run_ids] if run_ids is not None else None
    seen: set = set()
    workers = WorkerThreads(
        threads or settings.PROFILE_RUN_SWEEP_THREADS,
        lambda claim: _reconcile(claim, dry_run, client_factory, deadlines),
        name="profile-run-sweep",
    )
    try:
        while limit is None or len(seen) < limit:
            now = timezone.now()
            size = batch_size if limit is None else min(batch_size, limit - len(seen))
            due = _due_runs(deadlines, now, chosen).exclude(pk__in=seen)
            batch = _select(due, size) if dry_run else _claim(due, size, now, lease_until)
            if not batch:
                break
            seen.update(claim.run.pk for claim in batch)
            for claim in batch:
                workers.submit(claim)
            if chosen is not None or time.monotonic() > budget_ends:
                break
    finally:
        for claim, result, error in workers.finish():
            summary.add(claim.run.pk, result, error=error)
    logger.info("Profile run sweep: %s", summary.line())
    return summary


@dataclass(frozen=True)
class _Claim:
    run: ProfileRun
    previous_poll: datetime | None  # put back after a Databricks error, so the next sweep takes the run again
    stamp: datetime | None  # None in a dry run: nothing was claimed
    lease_until: datetime | None = None

    def release(self, *, previous_poll: bool = False) -> None:
        """End the lease (and put the old stamp back, so the next sweep asks again at once)."""
        if self.stamp is None:
            return
        values = {"claimed_until": None, **({"last_polled_at": self.previous_poll} if previous_poll else {})}
        ProfileRun.objects.filter(pk=self.run.pk, last_polled_at=self.stamp, claimed_until=self.lease_until).update(**values)


def _due_runs(deadlines: Deadlines, now: datetime, chosen: list[str] | None):
    # Another sweep's claim holds until it is released or its lease lapses, for chosen runs as well.
    active = ProfileRun.objects.filter(status__in=ACTIVE_STATUSES).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )
    if chosen is not None:
        return active.filter(pk__in=chosen)
    not_polled_lately = Q(last_polled_at__isnull=True) | Q(
        last_polled_at__lt=now - timedelta(seconds=settings.PROFILE_RUN_POLL_INTERVAL_SECONDS)
    )
    # A run gets time to report by itself first: its callback, or the launch of a run still being submitted
    # (a launch deferred after a transient error set the time of its next attempt). A queued run without a launch
    # slot is the launcher's (launch_queue), not the sweep's.
    running = Q(status=ProfileRunStatus.RUNNING, started_at__lte=now - deadlines.poll_after)
    queued = Q(status=ProfileRunStatus.QUEUED, admitted_at__isnull=False) & (
        Q(next_launch_at__lte=now) | Q(next_launch_at__isnull=True, admitted_at__lte=now - deadlines.queued_grace)
    )
    return active.filter(not_polled_lately & (running | queued))


def _oldest_poll_first(queryset):
    return queryset.order_by(F("last_polled_at").asc(nulls_first=True), "created_at", "pk")


def _select(due, size: int) -> list[_Claim]:
    runs = _oldest_poll_first(due.select_related("table_group__connection"))[:size]
    return [_Claim(run, run.last_polled_at, None) for run in runs]


def _claim(due, size: int, now: datetime, lease_until: datetime) -> list[_Claim]:
    """Stamp up to `size` due runs as ours, leased until `lease_until`, in one short transaction; the runs no
    other sweep holds."""
    claimed = {"last_polled_at": now, "claimed_until": lease_until}
    with transaction.atomic():
        candidates = _oldest_poll_first(due)
        if connection.features.has_select_for_update_skip_locked:
            rows = list(candidates.select_for_update(skip_locked=True).values_list("pk", "last_polled_at")[:size])
            ProfileRun.objects.filter(pk__in=[pk for pk, _ in rows]).update(**claimed)
        else:  # compare-and-set on the old stamp: of two sweeps reading the same row, one update matches
            rows = [
                (pk, previous)
                for pk, previous in candidates.values_list("pk", "last_polled_at")[:size]
                if due.filter(pk=pk, last_polled_at=previous).update(**claimed)
            ]
    previous_polls = dict(rows)
    runs = ProfileRun.objects.select_related("table_group__connection").filter(pk__in=previous_polls)
    return [_Claim(run, previous_polls[run.pk], now, lease_until) for run in _oldest_poll_first(runs)]


def _reconcile(claim: _Claim, dry_run: bool, client_factory, deadlines: Deadlines):
    if claim.lease_until is not None and timezone.now() > claim.lease_until - LEASE_MARGIN:
        claim.release(previous_poll=True)
        return claim, Reconciled(Outcome.UNTOUCHED, "left for the next sweep: this sweep's time is up"), False
    try:
        result = reconcile_profile_run(
            profile_run=claim.run, dry_run=dry_run, client_factory=client_factory, deadlines=deadlines
        )
        claim.release()
        return claim, result, result.databricks_error
    except (DatabricksError, DatabricksNotConfigured) as exc:
        logger.warning("Profile run %s left for the next sweep: %s", claim.run.pk, exc)
        detail = f"Databricks error, left for the next sweep: {exc}"
    except Exception:  # noqa: BLE001  (one broken run must not stop the sweep of the others)
        logger.exception("Profile run %s could not be reconciled", claim.run.pk)
        detail = "unexpected error, see the log"
    claim.release(previous_poll=True)
    return claim, Reconciled(Outcome.UNTOUCHED, detail), True
