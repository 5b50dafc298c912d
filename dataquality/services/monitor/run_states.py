"""`translate_state`: a `jobs/runs/get` answer to our run state (contract section 7).

It reads the newer `status` object (`status.state`, `status.termination_details`) and the older `state`
object (`life_cycle_state`, `result_state`, `state_message`). A state it does not know means the run is
still going: the sweep asks again later rather than failing a run on a new Databricks value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from dataquality.models import ProfileRunStatus

_SUCCESS = {"SUCCESS", "SUCCESS_WITH_FAILURES"}
_CANCELED = {"CANCELED", "UPSTREAM_CANCELED"}
# In the newer `status` object a person's cancel is USER_CANCELED, while CANCELED is the platform's doing (the job's
# `timeout_seconds`, for one): a failure for us, not a cancellation.
_CANCELED_CODES = {"USER_CANCELED"}
# Terminal life cycle states of the older `state` object; the newer `status.state` uses TERMINATED.
_TERMINAL_LIFE_CYCLES = {"TERMINATED", "SKIPPED", "INTERNAL_ERROR"}
# The states of a live run, old and new objects alike; any other value is one Databricks added since.
_LIVE_LIFE_CYCLES = {"QUEUED", "PENDING", "RUNNING", "TERMINATING", "BLOCKED", "WAITING_FOR_RETRY", "WAITING"}


@dataclass(frozen=True)
class TranslatedState:
    status: str
    error_message: str = ""
    life_cycle: str = ""
    recognized: bool = True  # False for a life cycle state this code does not know (treated as running)

    @property
    def is_final(self) -> bool:
        return self.status != ProfileRunStatus.RUNNING


def _describe(life_cycle: str, result: str, message: str) -> str:
    parts = [f"Databricks state {life_cycle or 'unknown'}"]
    if result:
        parts.append(f"result {result}")
    text = ", ".join(parts)
    return f"{text}: {message}" if message else text


def _read(run: dict) -> tuple[str, str, str, set[str]]:
    """(life cycle state, result, message, the results that mean canceled), preferring the newer `status` object."""
    status = run.get("status") or {}
    if status.get("state"):
        details = status.get("termination_details") or {}
        # The newer API reports the outcome as a termination code (SUCCESS, USER_CANCELED, RUN_EXECUTION_ERROR, ...).
        code = (details.get("code") or "").upper()
        return status["state"].upper(), code, details.get("message") or "", _CANCELED_CODES
    state = run.get("state") or {}
    return (
        (state.get("life_cycle_state") or "").upper(),
        (state.get("result_state") or "").upper(),
        state.get("state_message") or "",
        _CANCELED,
    )


def translate_state(run: dict) -> TranslatedState:
    life_cycle, result, message, canceled = _read(run or {})
    if life_cycle not in _TERMINAL_LIFE_CYCLES:
        return TranslatedState(ProfileRunStatus.RUNNING, life_cycle=life_cycle, recognized=life_cycle in _LIVE_LIFE_CYCLES)
    if life_cycle == "TERMINATED" and result in _SUCCESS:
        return TranslatedState(ProfileRunStatus.COMPLETED)
    if life_cycle == "TERMINATED" and result in canceled:
        return TranslatedState(ProfileRunStatus.CANCELED, _describe(life_cycle, result, message))
    return TranslatedState(ProfileRunStatus.FAILED, _describe(life_cycle, result, message))


def start_time_of(run: dict) -> datetime | None:
    """When Databricks started the run (`start_time`, epoch milliseconds), or None when the answer does not say."""
    start_time = (run or {}).get("start_time")
    if not isinstance(start_time, int | float) or isinstance(start_time, bool) or start_time <= 0:
        return None
    return datetime.fromtimestamp(start_time / 1000, tz=timezone.utc)
