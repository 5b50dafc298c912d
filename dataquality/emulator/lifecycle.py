"""How runs end, and how a run looks in `jobs/runs/get`: the older `state` object and the newer `status` one.

Databricks reports an ended run twice: `state` {life_cycle_state, result_state, state_message} and
`status` {state, termination_details {code, type, message}}. The pairs below follow its documentation
(e.g. a run past its timeout is `TIMEDOUT` in `state` but code `CANCELED` in `status`, "canceled by the
platform"; a run skipped for the concurrency limit is life cycle `SKIPPED`, code
`MAX_CONCURRENT_RUNS_EXCEEDED`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .store import now_ms


@dataclass(frozen=True)
class Outcome:
    life_cycle_state: str
    result_state: str | None
    termination_code: str
    termination_type: str
    user_cancelled_or_timedout: bool = False


SUCCESS = Outcome("TERMINATED", "SUCCESS", "SUCCESS", "SUCCESS")
FAILED = Outcome("TERMINATED", "FAILED", "RUN_EXECUTION_ERROR", "CLIENT_ERROR")
CANCELED = Outcome("TERMINATED", "CANCELED", "USER_CANCELED", "SUCCESS", user_cancelled_or_timedout=True)
TIMEDOUT = Outcome("TERMINATED", "TIMEDOUT", "CANCELED", "CLIENT_ERROR", user_cancelled_or_timedout=True)
INTERNAL_ERROR = Outcome("INTERNAL_ERROR", "FAILED", "INTERNAL_ERROR", "INTERNAL_ERROR")
INVALID_CONFIGURATION = Outcome("TERMINATED", "FAILED", "INVALID_RUN_CONFIGURATION", "CLIENT_ERROR")
SKIPPED = Outcome("SKIPPED", None, "SKIPPED", "SUCCESS")
CONCURRENCY_SKIPPED = Outcome("SKIPPED", None, "MAX_CONCURRENT_RUNS_EXCEEDED", "CLIENT_ERROR")

FORCEABLE = {"FAILED": FAILED, "INTERNAL_ERROR": INTERNAL_ERROR, "SKIPPED": SKIPPED}
TERMINAL_STATES = ("TERMINATED", "SKIPPED", "INTERNAL_ERROR")
QUEUE_CODE = "ACTIVE_RUNS_LIMIT_REACHED"


def ended(outcome: Outcome, message: str = "", **extra) -> dict:
    """The run fields of a run that ended with `outcome`."""
    return {
        "life_cycle_state": outcome.life_cycle_state,
        "result_state": outcome.result_state,
        "termination_code": outcome.termination_code,
        "termination_type": outcome.termination_type,
        "user_cancelled_or_timedout": int(outcome.user_cancelled_or_timedout),
        "state_message": message,
        "end_time": now_ms(),
        **extra,
    }


def is_terminal(run: dict) -> bool:
    return run["life_cycle_state"] in TERMINAL_STATES


def state_object(run: dict) -> dict:
    state = {
        "life_cycle_state": run["life_cycle_state"],
        "state_message": run["state_message"] or "",
        "user_cancelled_or_timedout": bool(run["user_cancelled_or_timedout"]),
    }
    if run["result_state"]:
        state["result_state"] = run["result_state"]
    if run["life_cycle_state"] == "QUEUED":
        state["queue_reason"] = run["state_message"]
    return state


def status_object(run: dict) -> dict:
    if is_terminal(run):
        details = {
            "code": run["termination_code"],
            "type": run["termination_type"],
            "message": run["state_message"] or "",
        }
        return {"state": "TERMINATED", "termination_details": details}
    status = {"state": run["life_cycle_state"]}
    if run["life_cycle_state"] == "QUEUED":
        status["queue_details"] = {"code": QUEUE_CODE, "message": run["state_message"]}
    return status
