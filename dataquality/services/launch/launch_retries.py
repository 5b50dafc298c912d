"""When a launch that met a transient Databricks error is tried again, and when it is given up.

A 429, a 5xx, a timeout or a dropped connection on `jobs/list`, `jobs/create`, `jobs/reset` or `run-now` says
nothing about the launch itself, so the run stays `queued` and the sweep tries again: after an exponential
backoff (`PROFILE_RUN_LAUNCH_RETRY_BASE_SECONDS`, doubling, at most `PROFILE_RUN_LAUNCH_RETRY_MAX_SECONDS`), or
after the Retry-After Databricks asked for when that is longer. A run still not accepted
`PROFILE_RUN_LAUNCH_DEADLINE_MINUTES` after it got its launch slot (time waiting for one does not count) gets one last attempt at that deadline, and fails
when that one meets a transient error too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from dataquality.databricks import DatabricksError


@dataclass(frozen=True)
class LaunchRetryPolicy:
    base: timedelta
    cap: timedelta
    deadline: timedelta

    @classmethod
    def from_settings(cls) -> LaunchRetryPolicy:
        return cls(
            base=timedelta(seconds=settings.PROFILE_RUN_LAUNCH_RETRY_BASE_SECONDS),
            cap=timedelta(seconds=settings.PROFILE_RUN_LAUNCH_RETRY_MAX_SECONDS),
            deadline=timedelta(minutes=settings.PROFILE_RUN_LAUNCH_DEADLINE_MINUTES),
        )

    def gives_up_at(self, clock_started_at: datetime) -> datetime:
        return clock_started_at + self.deadline

    def next_attempt_at(self, *, clock_started_at: datetime, attempts: int, error: DatabricksError, now: datetime) -> datetime | None:
        """When to try again after the `attempts`-th attempt met `error`; None once the deadline has passed."""
        gives_up_at = self.gives_up_at(clock_started_at)
        if now >= gives_up_at:
            return None
        backoff = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        asked_for = timedelta(seconds=error.retry_after or 0)
        return min(now + max(backoff, asked_for), gives_up_at)
