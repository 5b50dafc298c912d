"""Reconciling one active run with Databricks: for runs whose callback never came, or that never launched.

The sweep (`services/monitor/sweep.py`) calls `reconcile_profile_run` for each run it claims; `start_profile_run
--wait` calls `poll_profile_run`. Databricks is asked first, outside any transaction; the state then moves
forward in one conditional update, so a callback that lands meanwhile wins.

What happens to a run (contract sections 7 and 9):
- `queued` without a launch slot: left to the launcher (`launch_queue`), however long it waits;
- `queued` with a slot, past the grace period since it got it, or past the time its deferred launch set for the next attempt: submitted again
  with the same idempotency token (at most one Databricks run); a transient error defers it again
  (`launch_retries`), a refusal fails it;
- `running`: `jobs/runs/get` and `translate_state`; Databricks' `start_time` becomes `started_at`, so the timeout
  counts from when Databricks started the run. Success reads the payload from `payload_path` and completes
  the run as the callback would; a failed, canceled or skipped run takes that state with Databricks' reason; a
  run Databricks does not know fails; a live or unknown state leaves the run alone;
- past `PROFILE_RUN_TIMEOUT_MINUTES` and still live: canceled on Databricks, then failed (a late callback may
  still complete it).
With `dry_run`, Databricks is only read (runs/get, the payload) and nothing is written anywhere: the outcome
says what would have happened.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from dataquality.databricks import DatabricksClient, DatabricksNotFound, DatabricksPermanentError
from dataquality.models import ACTIVE_STATUSES, ProfileRun, ProfileRunStatus
from dataquality.services.monitor.alerts import alert_on_failure_streak
from dataquality.services.results.completion import RunCanceled, RunNoLongerActive, complete_profile_run
from dataquality.services.results.lineage import announce_run_end
from dataquality.services.results.payloads import parse_completion_payload, parse_json_document
from dataquality.services.launch.profiling import DataQualityProfilingService, LaunchFailed
from dataquality.services.monitor.run_states import start_time_of, translate_state
from dataquality.services.access.workspaces import get_client

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What reconciling did to a run; the words of the sweep's summary."""

    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"
    RELAUNCHED = "relaunched"
    UNTOUCHED = "untouched"


@dataclass(frozen=True)
class Reconciled:
    outcome: Outcome
    detail: str = ""
    databricks_error: bool = False  # left for a later sweep because Databricks could not answer

    def __str__(self) -> str:
        return f"{self.outcome} ({self.detail})" if self.detail else str(self.outcome)


@dataclass(frozen=True)
class Deadlines:
    """When an active run is due for each step, from the settings."""

    poll_after: timedelta
    timeout: timedelta
    queued_grace: timedelta

    @classmethod
    def from_settings(cls) -> Deadlines:
        return cls(
            poll_after=timedelta(minutes=settings.PROFILE_RUN_POLL_AFTER_MINUTES),
            timeout=timedelta(minutes=settings.PROFILE_RUN_TIMEOUT_MINUTES),
            queued_grace=timedelta(minutes=settings.PROFILE_RUN_QUEUED_GRACE_MINUTES),
        )

    def timed_out(self, profile_run: ProfileRun, now: datetime) -> bool:
        # A queued run has no started_at: its clock starts when it got its launch slot.
        return (profile_run.started_at or profile_run.launch_clock_started_at) <= now - self.timeout


# Unknown Databricks states are logged once per run and state, not at every sweep.
_unknown_states_logged: set[tuple[str, str]] = set()
_unknown_states_lock = threading.Lock()


def reconcile_profile_run(
    *,
    profile_run: ProfileRun,
    dry_run: bool = False,
    client_factory=get_client,
    deadlines: Deadlines | None = None,
    now: datetime | None = None,
) -> Reconciled:
    """Move one run on according to Databricks. Databricks errors propagate, with the run unchanged."""
    deadlines = deadlines or Deadlines.from_settings()
    now = now or timezone.now()
    if profile_run.is_final:
        return Reconciled(Outcome.UNTOUCHED, f"already {profile_run.status}")
    if profile_run.status == ProfileRunStatus.QUEUED:
        return _reconcile_queued(profile_run, dry_run, client_factory, deadlines, now)
    client = client_factory(profile_run.table_group.connection)
    try:
        answer = client.get_run(profile_run.databricks_run_id)
    except DatabricksNotFound:
        reason = f"Databricks does not know run {profile_run.databricks_run_id} (any more)."
        return _finish(profile_run, ProfileRunStatus.FAILED, reason, dry_run)
    _adopt_start_time(profile_run, answer, dry_run)
    state = translate_state(answer)
    if state.status == ProfileRunStatus.COMPLETED:
        return _apply_payload(client, profile_run, dry_run)
    if state.status != ProfileRunStatus.RUNNING:
        return _finish(profile_run, state.status, state.error_message, dry_run)
    if deadlines.timed_out(profile_run, now):
        return _time_out(client, profile_run, state.life_cycle, deadlines, dry_run)
    if not state.recognized:
        _log_unknown_state_once(profile_run, state.life_cycle)
        return Reconciled(Outcome.UNTOUCHED, f"unknown Databricks state {state.life_cycle or '(none)'}")
    return Reconciled(Outcome.UNTOUCHED, f"{state.life_cycle.lower() or 'running'} on Databricks")


def poll_profile_run(*, profile_run: ProfileRun, client_factory=get_client) -> str:
    """Reconcile one run now, whatever its deadlines say (for `start_profile_run --wait`); what happened, as text."""
    if profile_run.status == ProfileRunStatus.QUEUED and profile_run.next_launch_at is None:
        return "untouched (not submitted yet)"
    result = reconcile_profile_run(profile_run=profile_run, client_factory=client_factory)
    ProfileRun.objects.filter(pk=profile_run.pk).update(last_polled_at=timezone.now())
    return str(result)


def _reconcile_queued(profile_run, dry_run, client_factory, deadlines: Deadlines, now) -> Reconciled:
    if profile_run.admitted_at is None:  # the launcher's, in its turn (launch_queue)
        return Reconciled(Outcome.UNTOUCHED, "queued, waiting for a launch slot")
    if deadlines.timed_out(profile_run, now):
        minutes = int(deadlines.timeout.total_seconds() // 60)
        reason = f"Timed out: Databricks did not accept the run within {minutes} minutes."
        return _finish(profile_run, ProfileRunStatus.FAILED, reason, dry_run)
    if profile_run.next_launch_at is not None and profile_run.next_launch_at > now:
        return Reconciled(Outcome.UNTOUCHED, f"queued, next launch attempt at {profile_run.next_launch_at:%H:%M:%S} UTC")
    if profile_run.next_launch_at is None and profile_run.admitted_at > now - deadlines.queued_grace:
        return Reconciled(Outcome.UNTOUCHED, "queued, launch still in progress")
    if dry_run:
        return Reconciled(Outcome.RELAUNCHED, "would submit again with the same idempotency token")
    try:
        result = DataQualityProfilingService(client_factory).relaunch(profile_run)
    except LaunchFailed as exc:  # refused, or still not accepted at the launch deadline: the run is failed
        return Reconciled(Outcome.FAILED, str(exc))
    run = result.profile_run
    if run.status == ProfileRunStatus.QUEUED:  # a transient error again: the service set the next attempt
        return Reconciled(Outcome.UNTOUCHED, run.error_message, databricks_error=True)
    if run.status != ProfileRunStatus.RUNNING:  # canceled (or completed) while we were submitting
        return Reconciled(Outcome.UNTOUCHED, f"{run.status} meanwhile")
    logger.info("Profile run %s was stuck in queued; relaunched as Databricks run %s", run.pk, run.databricks_run_id)
    return Reconciled(Outcome.RELAUNCHED, f"Databricks run {run.databricks_run_id}")


def _adopt_start_time(profile_run: ProfileRun, answer: dict, dry_run: bool) -> None:
    """`started_at` is when Databricks started the run, which an earlier, lost launch attempt may have done."""
    started_at = start_time_of(answer)
    if started_at is None or started_at == profile_run.started_at:
        return
    profile_run.started_at = started_at
    if not dry_run:
        ProfileRun.objects.filter(pk=profile_run.pk, status=ProfileRunStatus.RUNNING).update(started_at=started_at)


def _apply_payload(client: DatabricksClient, profile_run: ProfileRun, dry_run: bool) -> Reconciled:
    path = profile_run.payload_path
    try:
        document = client.read_payload(path)
        payload = parse_json_document(document)  # NaN, 1e999 or deep nesting: MalformedPayload, a ValueError
        if dry_run:
            data = parse_completion_payload(payload, profile_run_id=profile_run.pk)
            return Reconciled(Outcome(data["status"]), f"would apply the payload at {path}")
        run = complete_profile_run(profile_run_id=profile_run.pk, payload=payload, source="poll", only_if_active=True)
    except DatabricksNotFound:
        return _finish(profile_run, ProfileRunStatus.FAILED, f"The Databricks run succeeded but wrote no payload at {path}.", dry_run)
    except DatabricksPermanentError as exc:
        if exc.error_code != "INVALID_PAYLOAD_PATH":
            raise
        return _finish(profile_run, ProfileRunStatus.FAILED, f"The Databricks run succeeded but its payload path is unreadable: {exc}", dry_run)
    except RunCanceled:
        return Reconciled(Outcome.UNTOUCHED, "canceled meanwhile")
    except (ValueError, ValidationError) as exc:  # not JSON the app can store, or not a valid payload
        detail = exc.detail if isinstance(exc, ValidationError) else exc
        return _finish(profile_run, ProfileRunStatus.FAILED, f"The payload at {path} is malformed: {detail}", dry_run)
    except RunNoLongerActive as exc:  # the callback got there first
        return Reconciled(Outcome.UNTOUCHED, f"{exc.profile_run.status} meanwhile")
    return Reconciled(Outcome(run.status), f"payload read from {path}")


def _time_out(client: DatabricksClient, profile_run: ProfileRun, life_cycle: str, deadlines: Deadlines, dry_run: bool) -> Reconciled:
    minutes = int(deadlines.timeout.total_seconds() // 60)
    reason = (
        f"Timed out: still {life_cycle or 'running'} on Databricks after {minutes} minutes "
        f"(PROFILE_RUN_TIMEOUT_MINUTES); the Databricks run was canceled."
    )
    if not dry_run:
        try:
            client.cancel_run(profile_run.databricks_run_id)
        except DatabricksNotFound:
            pass  # gone already: nothing left to stop
    return _finish(profile_run, ProfileRunStatus.FAILED, reason, dry_run)


def _finish(profile_run: ProfileRun, status: str, error_message: str, dry_run: bool) -> Reconciled:
    """Move an active run to a final state, unless something (a callback, a user) finished it meanwhile."""
    if dry_run:
        return Reconciled(Outcome(status), f"would be marked {status}: {error_message}")
    moved = ProfileRun.objects.filter(pk=profile_run.pk, status__in=ACTIVE_STATUSES).update(
        status=status, error_message=error_message[:10_000], completed_at=timezone.now()
    )
    profile_run.refresh_from_db()
    if not moved:
        return Reconciled(Outcome.UNTOUCHED, f"{profile_run.status} meanwhile")
    logger.info("Profile run %s is %s: %s", profile_run.pk, status, error_message)
    announce_run_end(profile_run)
    if status == ProfileRunStatus.FAILED:
        alert_on_failure_streak(profile_run)
    return Reconciled(Outcome(status), error_message)


def _log_unknown_state_once(profile_run: ProfileRun, life_cycle: str) -> None:
    key = (str(profile_run.pk), life_cycle)
    with _unknown_states_lock:
        if key in _unknown_states_logged:
            return
        _unknown_states_logged.add(key)
    logger.warning(
        "Databricks reports run %s of profile run %s in a state this service does not know (%r); left as running",
        profile_run.databricks_run_id, profile_run.pk, life_cycle,
    )
