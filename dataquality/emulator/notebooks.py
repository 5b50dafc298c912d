"""Which file a job's notebook task runs, and which widget values it gets.

A notebook path maps onto the repository from its `notebooks/` segment on, whatever comes before it:
`/Workspace/Repos/dq/conversioncentral/notebooks/profiling` (a workspace path) and `notebooks/profiling`
(relative to `git_source`) both run `<repository>/notebooks/profiling.py`.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

NOTEBOOKS_SEGMENT = "notebooks"


class NotebookUnavailable(ValueError):
    """The job's task cannot run here: not one notebook task, or no such notebook in the repository."""


def notebook_task(settings: dict) -> dict:
    tasks = settings.get("tasks") or []
    if len(tasks) != 1 or not isinstance(tasks[0].get("notebook_task"), dict):
        raise NotebookUnavailable(
            f"The emulator runs jobs made of exactly one notebook task; this job has {len(tasks)} task(s)."
        )
    return tasks[0]["notebook_task"]


def resolve_notebook(settings: dict, repository_root: Path) -> Path:
    path = str(notebook_task(settings).get("notebook_path") or "")
    parts = PurePosixPath(path).parts
    if ".." in parts:
        raise NotebookUnavailable(f"Notebook path {path!r} must not contain '..'.")
    if NOTEBOOKS_SEGMENT not in parts:
        raise NotebookUnavailable(f"Notebook path {path!r} has no '{NOTEBOOKS_SEGMENT}/' folder to map.")
    relative = parts[parts.index(NOTEBOOKS_SEGMENT):]
    candidate = repository_root.joinpath(*relative)
    for file in (candidate.with_name(candidate.name + ".py"), candidate):
        if file.is_file():
            return file
    raise NotebookUnavailable(f"Notebook {path!r} not found: no {'/'.join(relative)}.py in the repository.")


def job_parameter_values(settings: dict, parameters: dict) -> dict[str, tuple[str, str]]:
    """name -> (default, value) of the job's parameters, overridden by run-now `job_parameters`."""
    values = {
        str(item.get("name")): (str(item.get("default", "")), str(item.get("default", "")))
        for item in settings.get("parameters") or []
        if isinstance(item, dict) and item.get("name")
    }
    for name, value in (parameters.get("job_parameters") or {}).items():
        default = values.get(name, ("", ""))[0]
        values[name] = (default, "" if value is None else str(value))
    return values


def widget_values(settings: dict, parameters: dict) -> dict[str, str]:
    """The task's base parameters, then the job parameters, then run-now `notebook_params` (last one wins)."""
    widgets = {str(name): str(value) for name, value in (notebook_task(settings).get("base_parameters") or {}).items()}
    widgets.update({name: value for name, (_, value) in job_parameter_values(settings, parameters).items()})
    widgets.update({str(k): str(v) for k, v in (parameters.get("notebook_params") or {}).items()})
    return widgets
