"""Celery tasks: short, idempotent interfaces to the services. They poll and return; they never wait on a run."""

from __future__ import annotations

from celery import shared_task

from dataquality.databricks import DatabricksRateLimited, DatabricksTransientError
from dataquality.models import ProfileRun
from dataquality.services.reconcile import poll_profile_run

POLL_TIME_LIMIT_SECONDS = 120


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
