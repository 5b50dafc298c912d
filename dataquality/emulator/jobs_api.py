"""The Jobs API (2.1 and 2.2): jobs create/get/list/reset/update/delete/run-now, runs get/list/cancel/get-output."""

from __future__ import annotations

from collections.abc import Callable

from .errors import invalid_parameter, not_found
from .executor import RunExecutor
from .faults import FaultInjector
from .job_settings import merged_settings, queue_enabled, validated_settings
from .lifecycle import CONCURRENCY_SKIPPED, SKIPPED, TERMINAL_STATES, ended
from .params import ApiRequest, boolean, integer, mapping, page
from .shapes import job_shape, run_shape, task_run_shape
from .store import UNFINISHED_STATES, Store

MAX_TOKEN_LENGTH = 64
NOTEBOOK_RESULT_LIMIT = 5 * 1024 * 1024  # Databricks returns the first 5 MB of a notebook's exit value


class JobsApi:
    def __init__(self, store: Store, executor: RunExecutor, faults: FaultInjector) -> None:
        self._store = store
        self._executor = executor
        self._faults = faults

    def routes(self) -> dict[tuple[str, str], Callable[[ApiRequest], dict]]:
        return {
            ("POST", "create"): self.create,
            ("GET", "get"): self.get,
            ("GET", "list"): self.list,
            ("POST", "reset"): self.reset,
            ("POST", "update"): self.update,
            ("POST", "delete"): self.delete,
            ("POST", "run-now"): self.run_now,
            ("GET", "runs/get"): self.get_run,
            ("GET", "runs/list"): self.list_runs,
            ("POST", "runs/cancel"): self.cancel_run,
            ("GET", "runs/get-output"): self.get_run_output,
        }

    # --- Jobs -------------------------------------------------------------------------------------

    def create(self, request: ApiRequest) -> dict:
        body = dict(request.body)
        # Permissions are part of the create request, not of the job's settings; the emulator enforces none.
        if not isinstance(body.pop("access_control_list", []), list):
            raise invalid_parameter("access_control_list must be a list.")
        settings = validated_settings(body, request.version)
        return {"job_id": self._store.create_job(settings)["job_id"]}

    def get(self, request: ApiRequest) -> dict:
        return job_shape(self._job(request))

    def list(self, request: ApiRequest) -> dict:
        params = request.query
        jobs = self._store.list_jobs()
        name = params.get("name")
        if name:
            jobs = [job for job in jobs if str(job["settings"].get("name", "")).lower() == name.lower()]
        chunk, paging = page(jobs, params, default_limit=20, max_limit=100)
        expand = boolean(params, "expand_tasks")
        answer = {"jobs": [job_shape(job, expand_tasks=expand) for job in chunk]} if chunk else {}
        return {**answer, **paging}

    def reset(self, request: ApiRequest) -> dict:
        job = self._job(request)
        if "new_settings" not in request.body:
            raise invalid_parameter("Missing required field: new_settings")
        settings = validated_settings(request.body["new_settings"], request.version)
        self._store.replace_job_settings(job["job_id"], settings)
        return {}

    def update(self, request: ApiRequest) -> dict:
        job = self._job(request)
        merged = merged_settings(
            job["settings"], request.body.get("new_settings") or {}, request.body.get("fields_to_remove") or []
        )
        self._store.replace_job_settings(job["job_id"], validated_settings(merged, request.version))
        return {}

    def delete(self, request: ApiRequest) -> dict:
        job = self._job(request)
        self._store.delete_job(job["job_id"])
        return {}

    def run_now(self, request: ApiRequest) -> dict:
        job = self._job(request)
        body = request.body
        token = body.get("idempotency_token")
        if token is not None and (not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH):
            raise invalid_parameter(f"idempotency_token must be a string of at most {MAX_TOKEN_LENGTH} characters.")
        parameters = {"job_parameters": mapping(body, "job_parameters"), "notebook_params": mapping(body, "notebook_params")}
        queued = queue_enabled(job["settings"], body.get("queue"))
        run, _ = self._store.trigger_run(
            job,
            idempotency_token=token,
            parameters=parameters,
            initial_fields=lambda active: self._first_state(job["settings"], active, queued),
        )
        return {"run_id": run["run_id"], "number_in_job": run["run_id"]}

    # --- Runs -------------------------------------------------------------------------------------

    def get_run(self, request: ApiRequest) -> dict:
        run_id = integer(request.query, "run_id")
        run = self._store.get_run(run_id)
        if run is not None:
            return run_shape(run, request.base_url)
        return task_run_shape(self._task_run(run_id, request.version), request.base_url)

    def list_runs(self, request: ApiRequest) -> dict:
        params = request.query
        job_id = integer(params, "job_id", default=0) or None
        active_only, completed_only = boolean(params, "active_only"), boolean(params, "completed_only")
        if active_only and completed_only:
            raise invalid_parameter("active_only and completed_only cannot both be true.")
        states = UNFINISHED_STATES if active_only else TERMINAL_STATES if completed_only else None
        runs = self._store.list_runs(job_id, states)
        chunk, paging = page(runs, params, default_limit=20, max_limit=25)
        expand = boolean(params, "expand_tasks")
        answer = {"runs": [run_shape(run, request.base_url, include_tasks=expand) for run in chunk]} if chunk else {}
        return {**answer, **paging}

    def cancel_run(self, request: ApiRequest) -> dict:
        run_id = integer(request.body, "run_id")
        if self._store.get_run(run_id) is None:
            raise not_found("Run", run_id, request.version)
        self._executor.cancel(run_id)
        return {}

    def get_run_output(self, request: ApiRequest) -> dict:
        """Only a task run has output: Databricks refuses the job run's own id, even with a single task."""
        run_id = integer(request.query, "run_id")
        if self._store.get_run(run_id) is not None:
            raise invalid_parameter(
                "Retrieving the output of runs with multiple tasks is not supported. "
                "Please retrieve the output of each individual task run instead."
            )
        run = self._task_run(run_id, request.version)
        output: dict = {"metadata": task_run_shape(run, request.base_url)}
        if run["notebook_result"] is not None:
            result = run["notebook_result"]
            truncated = len(result.encode("utf-8")) > NOTEBOOK_RESULT_LIMIT
            output["notebook_output"] = {
                "result": result.encode("utf-8")[:NOTEBOOK_RESULT_LIMIT].decode("utf-8", "ignore"),
                "truncated": truncated,
            }
        if run["error"]:
            output["error"] = run["error"]
            output["error_trace"] = run["error_trace"] or ""
        return output

    # --- Helpers ----------------------------------------------------------------------------------

    def _job(self, request: ApiRequest) -> dict:
        job_id = integer(request.params, "job_id")
        job = self._store.get_job(job_id)
        if job is None:
            raise not_found("Job", job_id, request.version)
        return job

    def _task_run(self, run_id: int, version: str) -> dict:
        run = self._store.get_run_by_task_run_id(run_id)
        if run is None:
            raise not_found("Run", run_id, version)
        return run

    def _first_state(self, settings: dict, active_runs: int, queued: bool) -> dict:
        """A new run starts PENDING, waits QUEUED, or is SKIPPED when its job is at its concurrency limit."""
        plan = self._faults.plan_run()
        planned = {"forced_result": plan.forced_result or None, "drop_callback": int(plan.drop_callback)}
        if plan.forced_result == "SKIPPED":
            return {**planned, **ended(SKIPPED, "Run skipped (emulator fault injection).")}
        limit = settings.get("max_concurrent_runs", 1)
        if active_runs < limit:
            return {**planned, "life_cycle_state": "PENDING"}
        if queued:
            message = f"Queued: the job already has {active_runs} active run(s), its max_concurrent_runs limit."
            return {**planned, "life_cycle_state": "QUEUED", "state_message": message}
        message = f"Skipping this run because the limit of {limit} maximum concurrent runs has been reached."
        return {**planned, **ended(CONCURRENCY_SKIPPED, message)}

