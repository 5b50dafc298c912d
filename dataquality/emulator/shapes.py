"""Jobs and runs as the Jobs API answers them (`jobs/get`, `jobs/list`, `jobs/runs/get`, `jobs/runs/list`)."""

from __future__ import annotations

from .lifecycle import state_object, status_object
from .notebooks import job_parameter_values
from .store import now_ms

CREATOR = "emulator@localhost"


def job_shape(job: dict, *, expand_tasks: bool = True) -> dict:
    settings = dict(job["settings"])
    if not expand_tasks:
        settings.pop("tasks", None)
        settings.pop("job_clusters", None)
    return {
        "job_id": job["job_id"],
        "creator_user_name": CREATOR,
        "run_as_user_name": CREATOR,
        "created_time": job["created_time"],
        "settings": settings,
    }


def run_page_url(base_url: str, run: dict) -> str:
    return f"{base_url}/jobs/{run['job_id']}/runs/{run['run_id']}"


def _timing(run: dict) -> dict:
    started = run["execution_start_time"]
    finished = run["end_time"]
    execution = (finished or now_ms()) - started if started else 0
    return {
        "start_time": run["start_time"],
        "end_time": finished or 0,
        "setup_duration": 0,
        "execution_duration": execution,
        "cleanup_duration": 0,
        "run_duration": (finished or now_ms()) - run["start_time"],
        "queue_duration": (started or finished or now_ms()) - run["start_time"],
    }


def task_shape(run: dict, base_url: str) -> dict:
    task = dict((run["settings"].get("tasks") or [{}])[0])
    return {
        **task,
        "run_id": run["task_run_id"],
        "attempt_number": 0,
        "state": state_object(run),
        "status": status_object(run),
        "run_page_url": run_page_url(base_url, run),
        **_timing(run),
    }


def run_shape(run: dict, base_url: str, *, include_tasks: bool = True) -> dict:
    settings = run["settings"]
    shape = {
        "job_id": run["job_id"],
        "run_id": run["run_id"],
        "number_in_job": run["run_id"],
        "original_attempt_run_id": run["run_id"],
        "creator_user_name": CREATOR,
        "run_name": settings.get("name", ""),
        "run_type": "JOB_RUN",
        "trigger": "ONE_TIME",
        "format": "MULTI_TASK",
        "attempt_number": 0,
        "state": state_object(run),
        "status": status_object(run),
        "run_page_url": run_page_url(base_url, run),
        "job_parameters": [
            {"name": name, "default": default, "value": value}
            for name, (default, value) in job_parameter_values(settings, run["parameters"]).items()
        ],
        **_timing(run),
    }
    if settings.get("git_source"):
        shape["git_source"] = settings["git_source"]
    if include_tasks:
        shape["tasks"] = [task_shape(run, base_url)]
    return shape


def task_run_shape(run: dict, base_url: str) -> dict:
    """A task run as `runs/get` answers for a task's own run id."""
    shape = run_shape(run, base_url)
    shape.update({"run_id": run["task_run_id"], "task_key": shape["tasks"][0].get("task_key", "")})
    shape["parent_run_id"] = run["run_id"]
    return shape
