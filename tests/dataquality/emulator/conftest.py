"""An emulator served on a free port of 127.0.0.1 in a thread, over a repository whose `notebooks/` holds a tiny
script, so that most tests run real subprocesses without Spark."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import requests

from dataquality.emulator.config import EmulatorConfig
from dataquality.emulator.faults import FaultSettings
from dataquality.emulator.server import EmulatorServer

TOKEN = "dapi-emulator-test-token"
TINY_NOTEBOOK = Path(__file__).with_name("tiny_notebook.py")
TERMINAL = ("TERMINATED", "SKIPPED", "INTERNAL_ERROR")


@pytest.fixture
def repository(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(TINY_NOTEBOOK, root / "notebooks" / "tiny.py")
    return root


def emulator_config(tmp_path: Path, repository: Path, **overrides) -> EmulatorConfig:
    values = dict(
        data_dir=tmp_path / "emulator",
        token=TOKEN,
        port=0,
        repository_root=repository,
        poll_interval_seconds=0.05,
        kill_grace_seconds=2.0,
    )
    return EmulatorConfig(**{**values, **overrides})


@pytest.fixture
def make_emulator(tmp_path, repository):
    """Starts emulators (several in a row share the data dir, like restarts) and stops them all at the end."""
    started: list[EmulatorServer] = []

    def make(faults: FaultSettings | None = None, **overrides) -> EmulatorServer:
        config = emulator_config(tmp_path, repository, faults=faults or FaultSettings(), **overrides)
        server = EmulatorServer(config).start()
        started.append(server)
        return server

    yield make
    for server in started:
        if not server.stopped:
            server.stop()


@pytest.fixture
def emulator(make_emulator) -> EmulatorServer:
    return make_emulator()


class Api:
    """Plain `requests` calls with the bearer token, and the few waits the tests need."""

    def __init__(self, base_url: str, token: str = TOKEN) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, endpoint: str, **params) -> requests.Response:
        return self.session.get(f"{self.base_url}{endpoint}", params=params, timeout=10)

    def post(self, endpoint: str, body: dict | None = None) -> requests.Response:
        return self.session.post(f"{self.base_url}{endpoint}", json=body or {}, timeout=10)

    def create_job(self, version: str = "2.2", notebook_path: str = "/Workspace/Repos/me/repo/notebooks/tiny",
                   **settings) -> int:
        body = {
            "name": "emulator-test",
            "tasks": [{"task_key": "profile", "notebook_task": {"notebook_path": notebook_path}}],
            **settings,
        }
        answer = self.post(f"/api/{version}/jobs/create", body)
        assert answer.status_code == 200, answer.text
        return answer.json()["job_id"]

    def run_now(self, job_id: int, **body) -> int:
        answer = self.post("/api/2.2/jobs/run-now", {"job_id": job_id, **body})
        assert answer.status_code == 200, answer.text
        return answer.json()["run_id"]

    def run(self, run_id: int) -> dict:
        answer = self.get("/api/2.2/jobs/runs/get", run_id=run_id)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def wait_for(self, run_id: int, states=TERMINAL, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            run = self.run(run_id)
            if run["state"]["life_cycle_state"] in states:
                return run
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run_id} still {run['state']} after {timeout} s")
            time.sleep(0.05)


@pytest.fixture
def api(emulator) -> Api:
    return Api(emulator.url)
