"""Cancel, timeout, max_concurrent_runs with and without a queue, and state that survives restarts."""

import os
import re
import time

from tests.dataquality.emulator.conftest import Api


def sleeping_job(api, **settings):
    return api.create_job(parameters=[{"name": "mode", "default": "sleep"}, {"name": "seconds", "default": "60"}],
                          **settings)


def child_pid(emulator, run_id, timeout=20.0):
    """The pid of the child process the sleeping notebook started (from its log)."""
    log = emulator.config.runs_root / str(run_id) / "notebook.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"child pid (\d+)", log.read_text() if log.exists() else "")
        if match:
            return int(match.group(1))
        time.sleep(0.05)
    raise AssertionError("the notebook never started its child")


def is_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead for our purpose
        return stat.read().split(")")[-1].split()[0] != "Z"


def wait_dead(pid, timeout=10.0):
    deadline = time.monotonic() + timeout
    while is_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not is_alive(pid)


def test_cancel_kills_the_whole_process_group_and_ends_canceled(api, emulator):
    run_id = api.run_now(sleeping_job(api))
    api.wait_for(run_id, states=("RUNNING",))
    child = child_pid(emulator, run_id)

    answer = api.post("/api/2.2/jobs/runs/cancel", {"run_id": run_id})
    run = api.wait_for(run_id)

    assert answer.status_code == 200 and answer.json() == {}
    assert run["state"] == {
        "life_cycle_state": "TERMINATED", "result_state": "CANCELED", "state_message": "Run cancelled by the user.",
        "user_cancelled_or_timedout": True,
    }
    assert run["status"]["termination_details"]["code"] == "USER_CANCELED"
    assert wait_dead(child)
    assert api.post("/api/2.2/jobs/runs/cancel", {"run_id": run_id}).status_code == 200  # again: a no-op
    assert api.run(run_id)["state"]["result_state"] == "CANCELED"


def test_a_run_past_its_timeout_is_killed_and_ends_timedout(api, emulator):
    run_id = api.run_now(sleeping_job(api, timeout_seconds=1))
    api.wait_for(run_id, states=("RUNNING",))
    child = child_pid(emulator, run_id)

    run = api.wait_for(run_id, timeout=20)

    assert run["state"]["result_state"] == "TIMEDOUT" and run["state"]["user_cancelled_or_timedout"] is True
    # Databricks' newer status calls a timeout a cancel by the platform.
    assert run["status"]["termination_details"]["code"] == "CANCELED"
    assert "timed out after 1 seconds" in run["state"]["state_message"]
    assert wait_dead(child)


def test_a_task_timeout_shorter_than_the_jobs_applies(api):
    job_id = api.create_job(
        parameters=[{"name": "mode", "default": "sleep"}],
        timeout_seconds=600,
        tasks=[{"task_key": "profile", "timeout_seconds": 1, "notebook_task": {"notebook_path": "notebooks/tiny"}}],
    )

    assert api.wait_for(api.run_now(job_id), timeout=20)["state"]["result_state"] == "TIMEDOUT"


def test_with_a_queue_extra_runs_wait_queued_then_run(api):
    job_id = sleeping_job(api, max_concurrent_runs=1, queue={"enabled": True})
    first = api.run_now(job_id, job_parameters={"seconds": "1"})
    api.wait_for(first, states=("RUNNING",))

    second = api.run_now(job_id, job_parameters={"mode": "ok"})
    queued = api.run(second)

    assert queued["state"]["life_cycle_state"] == "QUEUED" and queued["status"]["state"] == "QUEUED"
    assert queued["status"]["queue_details"]["code"] == "ACTIVE_RUNS_LIMIT_REACHED"
    assert api.wait_for(first)["state"]["result_state"] == "SUCCESS"
    assert api.wait_for(second)["state"]["result_state"] == "SUCCESS"


def test_without_a_queue_extra_runs_are_skipped(api):
    job_id = sleeping_job(api, max_concurrent_runs=1, queue={"enabled": False})
    first = api.run_now(job_id)
    second = api.run_now(job_id)

    skipped = api.run(second)

    assert skipped["state"]["life_cycle_state"] == "SKIPPED" and "result_state" not in skipped["state"]
    assert skipped["state"]["state_message"] == (
        "Skipping this run because the limit of 1 maximum concurrent runs has been reached."
    )
    assert skipped["status"]["termination_details"]["code"] == "MAX_CONCURRENT_RUNS_EXCEEDED"
    assert api.run(first)["state"]["life_cycle_state"] in ("PENDING", "RUNNING")
    api.post("/api/2.2/jobs/runs/cancel", {"run_id": first})


def test_a_queued_run_can_be_canceled_before_it_starts(api):
    job_id = sleeping_job(api, queue={"enabled": True})
    first = api.run_now(job_id)
    second = api.run_now(job_id)

    api.post("/api/2.2/jobs/runs/cancel", {"run_id": second})

    assert api.run(second)["state"]["result_state"] == "CANCELED"
    api.post("/api/2.2/jobs/runs/cancel", {"run_id": first})
    assert api.wait_for(first)["state"]["result_state"] == "CANCELED"


def test_jobs_and_runs_survive_a_restart(make_emulator):
    first = make_emulator()
    api = Api(first.url)
    job_id = api.create_job()
    run_id = api.wait_for(api.run_now(job_id, idempotency_token="t-1"))["run_id"]
    first.stop()

    second = make_emulator()
    api = Api(second.url)

    assert api.get("/api/2.2/jobs/get", job_id=job_id).json()["settings"]["name"] == "emulator-test"
    assert api.run(run_id)["state"]["result_state"] == "SUCCESS"
    assert api.run_now(job_id, idempotency_token="t-1") == run_id  # the token is remembered too
    assert api.create_job() > job_id


def test_a_run_active_when_the_emulator_died_ends_internal_error_and_its_process_is_killed(make_emulator, monkeypatch):
    first = make_emulator()
    api = Api(first.url)
    job_id = sleeping_job(api, queue={"enabled": True})
    running = api.run_now(job_id)
    api.wait_for(running, states=("RUNNING",))
    queued = api.run_now(job_id, job_parameters={"mode": "ok"})
    child = child_pid(first, running)
    # The emulator dies without cleaning up: its supervisor stops, but nothing is killed and no state changes.
    def crash():
        first.executor._stopping.set()
        first.executor._thread.join()

    monkeypatch.setattr(first.executor, "stop", crash)
    first.stop()
    assert is_alive(child)

    second = make_emulator()
    api = Api(second.url)
    run = api.run(running)

    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    assert run["status"]["termination_details"]["code"] == "INTERNAL_ERROR"
    assert "the emulator stopped while it was active" in run["state"]["state_message"]
    assert wait_dead(child)
    assert api.wait_for(queued)["state"]["result_state"] == "SUCCESS"  # a queued run simply runs later


def test_stopping_the_emulator_kills_its_runs(make_emulator):
    emulator = make_emulator()
    api = Api(emulator.url)
    run_id = api.run_now(sleeping_job(api))
    api.wait_for(run_id, states=("RUNNING",))
    child = child_pid(emulator, run_id)

    emulator.stop()

    assert wait_dead(child)
    assert Api(make_emulator().url).run(run_id)["state"]["life_cycle_state"] == "INTERNAL_ERROR"
