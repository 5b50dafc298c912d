"""Celery tasks: short, idempotent interfaces to the services. They poll and return; they never wait on a run."""

from __future__ import annotations

from celery import shared_task

from dataquality.databricks import DatabricksRateLimited, DatabricksTransientError
from dataquality.models import ProfileRun
from dataquality.services.reconcile import poll_profile_run
from dataquality.services.schedules import start_scheduled_profile_runs

POLL_TIME_LIMIT_SECONDS = 120
SCHEDULE_TIME_LIMIT_SECONDS = 600


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabricksTransientError, DatabricksRateLimited),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=POLL_TIME_LIMIT_SECONDS - 20,
    time_limit=POLL_TIME_LIMIT_SECONDS,
)
def poll_profile_run_task(profile_run_id: str) -> str:
    """Ask Databricks about one run and apply the answer (what the admin's reconcile action dispatches)."""
    profile_run = ProfileRun.objects.select_related("table_group__connection").filter(pk=profile_run_id).first()
    if profile_run is None:
        return "untouched (no such run)"
    return poll_profile_run(profile_run=profile_run)


# No soft time limit: raised inside one group's launch it would pass for that group's failure. Claimed slots are
# never started twice, so the hard limit is safe; a tick not started before the next one expires (beat options).
@shared_task(time_limit=SCHEDULE_TIME_LIMIT_SECONDS)
def start_scheduled_profile_runs_task() -> str:
    """Start every table group whose schedule is due (the beat entry "start-scheduled-profile-runs")."""
    return str(start_scheduled_profile_runs())
