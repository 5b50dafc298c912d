"""A fake Databricks workspace at the HTTP boundary (`responses`), for service and API tests."""

from __future__ import annotations

import json

import responses

HOST = "https://adb-1234.5.azuredatabricks.net"
JOBS = f"{HOST}/api/2.2/jobs"


class FakeWorkspace:
    """Registers Jobs API answers and records what was sent."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.next_job_id = 100
        self.next_run_id = 9000

    def calls_to(self, path: str) -> list:
        return [call for call in self.mock.calls if call.request.url.split("?")[0] == f"{JOBS}/{path}"]

    def bodies(self, path: str) -> list[dict]:
        return [json.loads(call.request.body) for call in self.calls_to(path)]

    def no_existing_jobs(self) -> None:
        self.mock.get(f"{JOBS}/list", json={"jobs": [], "has_more": False})

    def existing_job(self, job_id: int, settings: dict) -> None:
        self.mock.get(f"{JOBS}/list", json={"jobs": [{"job_id": job_id, "settings": settings}], "has_more": False})

    def accepts_create(self) -> None:
        def create(request):
            self.next_job_id += 1
            return 200, {}, json.dumps({"job_id": self.next_job_id})

        self.mock.add_callback(responses.POST, f"{JOBS}/create", callback=create)

    def accepts_run_now(self) -> None:
        def run_now(request):
            self.next_run_id += 1
            return 200, {}, json.dumps({"run_id": self.next_run_id, "number_in_job": 1})

        self.mock.add_callback(responses.POST, f"{JOBS}/run-now", callback=run_now)

    def accepts(self, path: str, answer: dict | None = None) -> None:
        self.mock.post(f"{JOBS}/{path}", json=answer or {})

    def refuses(self, path: str, status: int, error_code: str, message: str) -> None:
        self.mock.post(f"{JOBS}/{path}", status=status, json={"error_code": error_code, "message": message})

    def ready(self) -> "FakeWorkspace":
        """The happy path: no job yet, create and run-now accepted."""
        self.no_existing_jobs()
        self.accepts_create()
        self.accepts_run_now()
        return self
