"""Locust users of `bench/scale.py`'s callback phase: each completes queued-up running runs, one per second.

Run by `bench/scale.py` (not by hand): it writes the runs to complete, one `run_id token` pair a line, to the file
named by SCALE_BENCH_RUNS, the payload to SCALE_BENCH_PAYLOAD, and reads every request's time back from
SCALE_BENCH_SAMPLES (`started_at seconds status` a line) to cut the run into its rate steps.
"""

from __future__ import annotations

import os
import time
from itertools import count

from locust import HttpUser, LoadTestShape, constant_throughput, events, task

STEP_SECONDS = float(os.environ.get("SCALE_BENCH_STEP_SECONDS", "15"))
RATES = [int(rate) for rate in os.environ.get("SCALE_BENCH_RATES", "2,4,8").split(",")]
with open(os.environ["SCALE_BENCH_RUNS"]) as runs_file:
    RUNS = [line.split() for line in runs_file if line.strip()]
with open(os.environ["SCALE_BENCH_PAYLOAD"], "rb") as payload_file:
    PAYLOAD = payload_file.read()
_next_run = count()
_samples: list[str] = []


class Callback(HttpUser):
    wait_time = constant_throughput(1)  # users = rate: each user completes one run a second at most

    @task
    def complete_a_run(self):
        place = next(_next_run)
        if place >= len(RUNS):  # every prepared run is completed: the step's rate could not be reached
            return
        run_id, token = RUNS[place]
        started = time.time()
        with self.client.post(f"/data-quality/testgen/profile-runs/{run_id}/complete", data=PAYLOAD,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                              name="callback", catch_response=True) as response:
            _samples.append(f"{started:.3f} {time.time() - started:.4f} {response.status_code}")
            if response.status_code != 200:
                response.failure(response.text[:200])


class Steps(LoadTestShape):
    """One step per rate, STEP_SECONDS each; users arrive at once at the start of a step."""

    def tick(self):
        step = int(self.get_run_time() // STEP_SECONDS)
        return (RATES[step], RATES[step]) if step < len(RATES) else None


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    with open(os.environ["SCALE_BENCH_SAMPLES"], "w") as samples_file:
        samples_file.write("\n".join(_samples))
