"""Celery tasks: short, idempotent interfaces to the services. They poll and return; they never wait on a run."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from dataquality.databricks import DatabricksRateLimited, DatabricksTransientError
from dataquality.services.sweep import reconcile_profile_runs


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
