"""Validating job settings as `jobs/create`, `jobs/reset` and `jobs/update` do, with Databricks' defaults."""

from __future__ import annotations

from typing import Any

from .errors import invalid_parameter

MAX_CONCURRENT_RUNS_LIMIT = 1000
_TYPES: dict[str, type] = {
    "name": str,
    "max_concurrent_runs": int,
    "timeout_seconds": int,
    "tags": dict,
    "tasks": list,
    "job_clusters": list,
    "parameters": list,
    "queue": dict,
    "git_source": dict,
}
_KEYED_LISTS = {"tasks": "task_key", "job_clusters": "job_cluster_key"}


def validated_settings(settings: Any, api_version: str) -> dict:
    """A copy of `settings` with Databricks' defaults; `INVALID_PARAMETER_VALUE` for what it would refuse.

    Jobs created or reset through API 2.2 queue by default; through 2.1 they do not.
    """
    if not isinstance(settings, dict):
        raise invalid_parameter("Job settings must be an object.")
    for name, kind in _TYPES.items():
        value = settings.get(name)
        if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
            raise invalid_parameter(f"Invalid value for {name}: expected {kind.__name__}.")
    result = {"name": "Untitled", "max_concurrent_runs": 1, "timeout_seconds": 0, "format": "MULTI_TASK", **settings}
    if api_version == "2.2" and "queue" not in settings:
        result["queue"] = {"enabled": True}
    if not 0 <= result["max_concurrent_runs"] <= MAX_CONCURRENT_RUNS_LIMIT:
        raise invalid_parameter(f"max_concurrent_runs must be between 0 and {MAX_CONCURRENT_RUNS_LIMIT}.")
    if result["timeout_seconds"] < 0:
        raise invalid_parameter("timeout_seconds cannot be negative.")
    _check_tasks(result.get("tasks") or [])
    _check_parameters(result.get("parameters") or [])
    if any(not isinstance(value, str) for value in (result.get("tags") or {}).values()):
        raise invalid_parameter("Tag values must be strings.")
    return result


def merged_settings(current: dict, new_settings: Any, fields_to_remove: Any) -> dict:
    """`jobs/update`: top-level fields replaced, tasks and job clusters merged by key, then removals applied."""
    if not isinstance(new_settings, dict) or not isinstance(fields_to_remove, list):
        raise invalid_parameter("new_settings must be an object and fields_to_remove a list.")
    merged = dict(current)
    for name, value in new_settings.items():
        key = _KEYED_LISTS.get(name)
        if key and isinstance(value, list):
            by_key = {item.get(key): item for item in merged.get(name) or []}
            by_key.update({item.get(key): item for item in value if isinstance(item, dict)})
            merged[name] = list(by_key.values())
        else:
            merged[name] = value
    for field in fields_to_remove:
        collection, _, item_key = str(field).partition("/")
        if item_key and collection in _KEYED_LISTS:
            key = _KEYED_LISTS[collection]
            merged[collection] = [item for item in merged.get(collection) or [] if item.get(key) != item_key]
        else:
            merged.pop(collection, None)
    return merged


def queue_enabled(settings: dict, run_now_queue: Any = None) -> bool:
    if isinstance(run_now_queue, dict) and "enabled" in run_now_queue:
        return bool(run_now_queue["enabled"])
    return bool((settings.get("queue") or {}).get("enabled"))


def _check_tasks(tasks: list) -> None:
    keys = []
    for task in tasks:
        if not isinstance(task, dict) or not isinstance(task.get("task_key"), str) or not task["task_key"]:
            raise invalid_parameter("Every task needs a task_key.")
        keys.append(task["task_key"])
    if len(keys) != len(set(keys)):
        raise invalid_parameter("Task keys must be unique within a job.")


def _check_parameters(parameters: list) -> None:
    names = []
    for parameter in parameters:
        if not isinstance(parameter, dict) or not parameter.get("name") or "default" not in parameter:
            raise invalid_parameter("Every job parameter needs a name and a default.")
        names.append(parameter["name"])
    if len(names) != len(set(names)):
        raise invalid_parameter("Job parameter names must be unique.")
