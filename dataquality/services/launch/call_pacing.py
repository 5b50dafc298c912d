"""One rate limit on Databricks calls per workspace, shared by every web and worker process
(`DATABRICKS_MAX_CALLS_PER_SECOND`, docs/launch-control.md).

The workspace's `WorkspaceLaunchGate` row holds the time of its next free call slot. A caller takes the slot with a
compare-and-set update (of two callers reading the same slot, one update matches and the other reads again), moves
it on by one interval, and sleeps until its slot comes. So calls leave at the rate whatever the number of processes,
without a lock held across a call. A caller whose slot would be more than `DATABRICKS_CALL_MAX_WAIT_SECONDS` away
takes none and gets `DatabricksRateLimited` with that wait: a launch then stays queued for a later attempt, as it
would after a 429 from Databricks, and no web request waits long.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from dataquality.databricks import DatabricksRateLimited
from dataquality.models import WorkspaceLaunchGate

# Compare-and-set attempts before giving up on a slot: only reached when many callers race for every slot.
_MAX_TRIES = 50


@dataclass(frozen=True)
class CallPacer:
    """Waits for the workspace's next call slot; called by the Databricks client before every HTTP attempt."""

    workspace_host: str
    calls_per_second: float
    max_wait_seconds: float
    clock: Callable[[], float] = field(default=time.time, compare=False)
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    @classmethod
    def from_settings(cls, workspace_host: str) -> CallPacer | None:
        """The pacer for a workspace, or None when the settings set no limit."""
        if not settings.DATABRICKS_MAX_CALLS_PER_SECOND:
            return None
        return cls(workspace_host, settings.DATABRICKS_MAX_CALLS_PER_SECOND, settings.DATABRICKS_CALL_MAX_WAIT_SECONDS)

    def __call__(self) -> None:
        wait = self.take_slot()
        if wait > 0:
            self.sleep(wait)

    def take_slot(self) -> float:
        """Take the next free call slot; the seconds until it comes."""
        interval_us = round(1_000_000 / self.calls_per_second)
        gate, _ = WorkspaceLaunchGate.objects.get_or_create(workspace_host=self.workspace_host)
        for _ in range(_MAX_TRIES):
            now_us = round(self.clock() * 1_000_000)
            slot_us = max(gate.next_call_us, now_us)
            wait = (slot_us - now_us) / 1_000_000
            if wait > self.max_wait_seconds:
                raise self._too_busy(wait)
            taken = WorkspaceLaunchGate.objects.filter(pk=gate.pk, next_call_us=gate.next_call_us).update(
                next_call_us=slot_us + interval_us
            )
            if taken:
                return wait
            gate.refresh_from_db(fields=["next_call_us"])
        raise self._too_busy(self.max_wait_seconds)

    def _too_busy(self, wait: float) -> DatabricksRateLimited:
        return DatabricksRateLimited(
            f"this app's own limit of {self.calls_per_second:g} calls a second to {self.workspace_host} "
            f"(DATABRICKS_MAX_CALLS_PER_SECOND) has no free slot for {wait:.1f} s",
            retry_after=wait,
        )
