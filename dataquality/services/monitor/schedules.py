"""Scheduled profile runs (contract section 10).

Every minute the beat task calls `start_scheduled_profile_runs`. For each group whose `next_run_at` has passed:
1. claim the slot with one conditional update of `next_run_at` (`filter(pk, next_run_at=old).update(new)`), so two
   beats, or a beat and a manual call, never start a slot twice. The new value is the next due time after *now*,
   so a group that missed several slots while nothing ran catches up once;
2. write the run, `queued`, through the same service as the API, with `requested_by="schedule"`; the launcher
   (`launch_queue`, started by the tick's task) admits and launches it under the workspace's cap, oldest first.
The tick calls no Databricks API, so a thousand due groups take seconds, not a storm of run-now calls.
A slot is at most once: a crash between 1 and 2 loses that slot rather than risking a second run.
A group with an active run skips the slot, and the skip is recorded on the group; so is a Databricks that is not
configured. A launch Databricks refuses is recorded by its failed run. No group's failure stops the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from dataquality.cron import InvalidSchedule, next_run_at
from dataquality.databricks import DatabricksNotConfigured
from dataquality.models import TableGroup
from dataquality.services.launch.profiling import ActiveRunExists, DataQualityProfilingService

logger = logging.getLogger(__name__)

SCHEDULE_REQUESTER = "schedule"
SCHEDULE_FIELDS = ("schedule_cron", "schedule_timezone", "schedule_enabled")
# Written by this module only (and `next_run_at` by a change of the schedule when the group is saved).
SCHEDULE_STATE_FIELDS = ("next_run_at", "schedule_last_skipped_at", "schedule_last_skip_reason")


@dataclass
class ScheduleSweepSummary:
    due: int = 0
    queued: int = 0  # runs written for the launcher
    skipped: int = 0
    failed: int = 0
    claimed_elsewhere: int = 0

    def __str__(self) -> str:
        return (
            f"due {self.due}, queued {self.queued}, skipped {self.skipped}, failed {self.failed}, "
            f"claimed elsewhere {self.claimed_elsewhere}"
        )


def next_run_at_for(table_group: TableGroup, *, after: datetime) -> datetime | None:
    """The group's next due time after `after`, or None when it has no schedule or the schedule is off."""
    if not (table_group.schedule_enabled and table_group.schedule_cron):
        return None
    return next_run_at(table_group.schedule_cron, table_group.schedule_timezone, after)


def schedule_of(table_group: TableGroup) -> tuple:
    return tuple(getattr(table_group, name) for name in SCHEDULE_FIELDS)


def due_table_groups(now: datetime) -> QuerySet[TableGroup]:
    return (
        TableGroup.objects.filter(schedule_enabled=True, next_run_at__lte=now)
        .exclude(schedule_cron="")
        .select_related("connection")
        .order_by("next_run_at", "pk")
    )


def start_scheduled_profile_runs(
    *, now: datetime | None = None, service: DataQualityProfilingService | None = None
) -> ScheduleSweepSummary:
    now = now or timezone.now()
    service = service or DataQualityProfilingService()
    summary = ScheduleSweepSummary()
    for table_group in due_table_groups(now):
        summary.due += 1
        try:
            following = next_run_at_for(table_group, after=now)
        except InvalidSchedule as exc:  # only a schedule written around the validators (shell, SQL) gets here
            _stop_invalid_schedule(table_group, now, exc)
            summary.skipped += 1
            continue
        if not claim_slot(table_group, following=following):
            summary.claimed_elsewhere += 1
            continue
        outcome = _enqueue(service, table_group, now)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    if summary.due:
        logger.info("Scheduled profile runs: %s", summary)
    return summary


def claim_slot(table_group: TableGroup, *, following: datetime | None) -> bool:
    """Move `next_run_at` from the slot this caller read to `following`, unless someone else did first.

    The one write that decides who starts the slot: of two concurrent claimers, one updates a row, the other none.
    """
    claimed = TableGroup.objects.filter(pk=table_group.pk, next_run_at=table_group.next_run_at).update(
        next_run_at=following
    )
    table_group.next_run_at = following
    return bool(claimed)


def _stop_invalid_schedule(table_group: TableGroup, now: datetime, error: InvalidSchedule) -> None:
    if claim_slot(table_group, following=None):
        _record_skip(table_group, now, f"The schedule is not valid and was stopped: {error}")
        logger.error("Schedule of table group %s is not valid and was stopped: %s", table_group.pk, error)


def _enqueue(service: DataQualityProfilingService, table_group: TableGroup, now: datetime) -> str:
    try:
        run = service.enqueue_profile_for_table_group(table_group=table_group, requested_by=SCHEDULE_REQUESTER)
    except ActiveRunExists as exc:
        active = exc.profile_run
        _record_skip(table_group, now, f"Run {active.pk} was still {active.status}; this slot was skipped.")
        return "skipped"
    except DatabricksNotConfigured as exc:  # its message says so: "Databricks is not configured: ..."
        _record_skip(table_group, now, str(exc))
        logger.error("Scheduled run of table group %s not started: %s", table_group.pk, exc)
        return "failed"
    logger.info("Scheduled run %s of table group %s queued", run.pk, table_group.pk)
    return "queued"


def _record_skip(table_group: TableGroup, now: datetime, reason: str) -> None:
    table_group.schedule_last_skipped_at, table_group.schedule_last_skip_reason = now, reason
    TableGroup.objects.filter(pk=table_group.pk).update(schedule_last_skipped_at=now, schedule_last_skip_reason=reason)
