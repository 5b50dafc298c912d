"""Celery tasks: short, idempotent interfaces to the services. They poll and return; they never wait on a run."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from dataquality.databricks import DatabricksRateLimited, DatabricksTransientError
from dataquality.services.launch.launch_queue import launch_queued_profile_runs
from dataquality.services.monitor.schedules import start_scheduled_profile_runs
from dataquality.services.monitor.sweep import reconcile_profile_runs
from dataquality.services.results.retention import prune_profile_data

# The lineage task lives beside what it sends; imported here so that the worker's autodiscovery registers it.
from dataquality.services.results.lineage import send_lineage_event_task  # noqa: F401

SCHEDULE_TIME_LIMIT_SECONDS = 600
# A first prune of a large backlog may not finish in a day's run: it goes on the next day where it stopped.
PRUNE_TIME_LIMIT_SECONDS = 6 * 3600


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # The sweep leaves a run Databricks could not answer for the next sweep itself; these only reach here
    # from outside the per-run step, and are worth one more try before the next beat.
    autoretry_for=(DatabricksTransientError, DatabricksRateLimited),
    retry_backoff=True,
    max_retries=2,
    soft_time_limit=settings.PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS - 30,
    time_limit=settings.PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS,
    expires=settings.PROFILE_RUN_SWEEP_INTERVAL_SECONDS * 0.8,
)
def reconcile_profile_runs_task() -> dict[str, int]:
    """The beat sweep (`CELERY_BEAT_SCHEDULE["reconcile-profile-runs"]`): reconcile the due active runs."""
    return reconcile_profile_runs().counts()


# No soft time limit: raised inside one launch it would pass for that run's failure. A run admitted but not
# launched when the hard limit strikes is launched by the sweep with the same idempotency token.
@shared_task(time_limit=settings.PROFILE_RUN_SWEEP_TIME_LIMIT_SECONDS)
def launch_queued_profile_runs_task() -> dict[str, int]:
    """Admit waiting runs into their workspace's free launch slots, oldest first, and launch them (the beat entry
    "launch-queued-profile-runs", and after each schedule tick)."""
    return launch_queued_profile_runs().counts()


# No soft time limit: raised inside one group's step it would pass for that group's failure. Claimed slots are
# never started twice, so the hard limit is safe; a tick not started before the next one expires (beat options).
@shared_task(time_limit=SCHEDULE_TIME_LIMIT_SECONDS)
def start_scheduled_profile_runs_task() -> str:
    """Queue a run of every table group whose schedule is due (the beat entry "start-scheduled-profile-runs"),
    then set the launcher on them at once rather than at its next beat."""
    summary = start_scheduled_profile_runs()
    if summary.queued:
        launch_queued_profile_runs_task.delay()
    return str(summary)


@shared_task(time_limit=PRUNE_TIME_LIMIT_SECONDS)
def prune_profile_data_task() -> dict[str, int]:
    """The daily beat entry "prune-profile-data": delete stored results past their retention (docs/retention.md).
    Stopped by its time limit, it has lost nothing: every batch is committed and the next prune goes on."""
    return dict(prune_profile_data().rows)
