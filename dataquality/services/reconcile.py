"""Polling one run on Databricks and applying what it says (for runs whose callback never came).

The beat sweep calls this for each run it claims; the admin action and `start_profile_run --wait` call
it directly. Databricks is asked first, outside any transaction; the state then moves forward in one
conditional update, so a callback that lands meanwhile wins.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from rest_framework.exceptions import ValidationError

from dataquality.databricks import DatabricksNotFound
from dataquality.models import ACTIVE_STATUSES, ProfileRun, ProfileRunStatus
from dataquality.services.completion import RunCanceled, complete_profile_run
from dataquality.services.payloads import parse_json_document
from dataquality.services.run_states import translate_state
from dataquality.services.workspaces import get_client

logger = logging.getLogger(__name__)


def _finish(profile_run: ProfileRun, status: str, error_message: str) -> bool:
    moved = ProfileRun.objects.filter(pk=profile_run.pk, status__in=ACTIVE_STATUSES).update(
        status=status, error_message=error_message[:10_000], completed_at=timezone.now()
    )
    profile_run.refresh_from_db()
    return bool(moved)


def _apply_payload(client, profile_run: ProfileRun) -> str:
    try:
        payload = parse_json_document(client.read_payload(profile_run.payload_path))
        complete_profile_run(profile_run_id=profile_run.pk, payload=payload, source="poll")
    except DatabricksNotFound:
        _finish(profile_run, ProfileRunStatus.FAILED, f"The Databricks run succeeded but wrote no payload at {profile_run.payload_path}.")
        return "failed"
    except RunCanceled:
        return "untouched (canceled meanwhile)"
    except (ValueError, ValidationError) as exc:  # not JSON we can store (MalformedPayload), or not a valid payload
        _finish(profile_run, ProfileRunStatus.FAILED, f"The payload at {profile_run.payload_path} is malformed: {exc}")
        return "failed"
    profile_run.refresh_from_db()
    return profile_run.status


def poll_profile_run(*, profile_run: ProfileRun, client_factory=get_client) -> str:
    """Ask Databricks about one run and move it on. Returns what happened, e.g. "running" or "completed"."""
    if profile_run.is_final:
        return f"untouched (already {profile_run.status})"
    if not profile_run.databricks_run_id:
        return "untouched (not submitted yet)"
    client = client_factory(profile_run.table_group.connection)
    answer = client.get_run(profile_run.databricks_run_id)
    ProfileRun.objects.filter(pk=profile_run.pk).update(last_polled_at=timezone.now())
    state = translate_state(answer)
    if state.status == ProfileRunStatus.RUNNING:
        return "running"
    if state.status == ProfileRunStatus.COMPLETED:
        return _apply_payload(client, profile_run)
    _finish(profile_run, state.status, state.error_message)
    logger.info("Profile run %s is %s on Databricks: %s", profile_run.pk, state.status, state.error_message)
    return state.status

