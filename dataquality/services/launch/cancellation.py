"""Canceling a run: on Databricks first, then here, so a canceled run never keeps computing."""

from __future__ import annotations

import logging

from django.utils import timezone

from dataquality.databricks import DatabricksClient, DatabricksNotFound
from dataquality.models import ACTIVE_STATUSES, ProfileRun, ProfileRunStatus
from dataquality.services.results.lineage import announce_run_end
from dataquality.services.access.workspaces import get_client

logger = logging.getLogger(__name__)


class RunAlreadyFinal(Exception):
    def __init__(self, profile_run: ProfileRun):
        super().__init__(f"Profile run {profile_run.pk} is already {profile_run.status}.")
        self.profile_run = profile_run


def cancel_profile_run(*, profile_run: ProfileRun, requested_by: str = "", client_factory=get_client) -> ProfileRun:
    """Cancel on Databricks (when submitted), then mark canceled. Databricks errors propagate, run unchanged.

    A launch may store the Databricks run id after the caller read the run; once the run is marked canceled
    no launch can store one any more, so the run id read back then is the last word, and is canceled too.
    """
    if profile_run.is_final:
        raise RunAlreadyFinal(profile_run)
    canceled_run_id = profile_run.databricks_run_id
    if canceled_run_id:
        _cancel_on_databricks(client_factory(profile_run.table_group.connection), profile_run)
    who = f" by {requested_by}" if requested_by else ""
    moved = ProfileRun.objects.filter(pk=profile_run.pk, status__in=ACTIVE_STATUSES).update(
        status=ProfileRunStatus.CANCELED, completed_at=timezone.now(), error_message=f"Canceled{who}."
    )
    profile_run.refresh_from_db()
    if not moved:  # it finished while we were canceling
        raise RunAlreadyFinal(profile_run)
    announce_run_end(profile_run)
    if profile_run.databricks_run_id and profile_run.databricks_run_id != canceled_run_id:
        _cancel_on_databricks(client_factory(profile_run.table_group.connection), profile_run)
    return profile_run


def _cancel_on_databricks(client: DatabricksClient, profile_run: ProfileRun) -> None:
    try:
        client.cancel_run(profile_run.databricks_run_id)
    except DatabricksNotFound:
        logger.info("Databricks run %s of profile run %s is gone already", profile_run.databricks_run_id, profile_run.pk)
