"""The whole job end to end: the REST API on a live server, the local Databricks stand-in, and the real notebook
on local Spark over a small generated warehouse.

One stand-in serves the whole session (its notebooks run as subprocesses, as on the demo); each test gets a job
prefix of its own, so no test ever adopts or queues behind another test's job, and its fault settings are reset
after it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict

import pytest
import requests

from dataquality.demo.warehouse import CATALOG, SCHEMA, generate_warehouse
from dataquality.emulator.config import EmulatorConfig
from dataquality.emulator.faults import FaultSettings
from dataquality.emulator.server import EmulatorServer
from tests.workspace_settings import pointed_at_workspace

# 600 customers, 20 products, 1,500 orders, 1,200 payments: enough dirt for most anomaly types, seconds to profile.
SCALE = 0.01
EMULATOR_TOKEN = "dapi-e2e-" + uuid.uuid4().hex
NOTEBOOK_PATH = "/Workspace/Repos/e2e/conversioncentral/notebooks/profiling"
RUN_TIMEOUT_SECONDS = 300  # the machine is shared: a notebook's JVM can take a while to start
FINAL = ("completed", "failed", "canceled")
TERMINAL_LIFE_CYCLES = ("TERMINATED", "SKIPPED", "INTERNAL_ERROR")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def e2e_data_dir(spark, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("e2e-databricks")
    generate_warehouse(data_dir, scale=SCALE, spark=spark)
    return data_dir


@pytest.fixture(scope="session")
def emulator(e2e_data_dir):
    server = EmulatorServer(
        EmulatorConfig(data_dir=e2e_data_dir, token=EMULATOR_TOKEN, port=0, poll_interval_seconds=0.1,
                       kill_grace_seconds=3.0)
    ).start()
    yield server
    server.stop()


class Workspace:
    """The stand-in as a test sees it: its fault switches and its own view of runs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {EMULATOR_TOKEN}"

    def faults(self, **values) -> dict:
        response = self.session.post(f"{self.url}/emulator/faults", json=values, timeout=10)
        response.raise_for_status()
        return response.json()

    def fault_settings(self) -> dict:
        response = self.session.get(f"{self.url}/emulator/faults", timeout=10)
        response.raise_for_status()
        return response.json()

    def update_job(self, job_id: str, **new_settings) -> None:
        response = self.session.post(f"{self.url}/api/2.1/jobs/update",
                                     json={"job_id": int(job_id), "new_settings": new_settings}, timeout=10)
        response.raise_for_status()

    def runs_of_job(self, job_id: str) -> list[dict]:
        response = self.session.get(f"{self.url}/api/2.1/jobs/runs/list", params={"job_id": job_id}, timeout=10)
        response.raise_for_status()
        return response.json().get("runs", [])

    def run(self, run_id: str) -> dict:
        response = self.session.get(f"{self.url}/api/2.1/jobs/runs/get", params={"run_id": run_id}, timeout=10)
        response.raise_for_status()
        return response.json()

    def wait_until_ended(self, run_id: str) -> dict:
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while (run := self.run(run_id))["state"]["life_cycle_state"] not in TERMINAL_LIFE_CYCLES:
            assert time.monotonic() < deadline, f"Databricks run {run_id} still {run['state']}"
            time.sleep(0.5)
        return run

    def wait_until_running(self, run_id: str) -> dict:
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while (run := self.run(run_id))["state"]["life_cycle_state"] != "RUNNING":
            assert time.monotonic() < deadline, f"Databricks run {run_id} never ran: {run['state']}"
            time.sleep(0.2)
        return run


class RestApi:
    """Our REST API over real HTTP, as a consumer with a DRF token calls it."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def get(self, path: str, **params) -> requests.Response:
        return self.session.get(f"{self.base_url}{path}", params=params, timeout=30)

    def post(self, path: str, body: dict | None = None) -> requests.Response:
        return self.session.post(f"{self.base_url}{path}", json=body, timeout=60)

    def create_table_group(self) -> dict:
        dataset = self.post("/data-quality/datasets", {"name": "Shop"})
        assert dataset.status_code == 201, dataset.text
        group = self.post("/data-quality/table-groups", {
            "dataset": dataset.json()["id"], "name": "shop", "catalog": CATALOG, "schema_name": SCHEMA,
        })
        assert group.status_code == 201, group.text
        return group.json()

    def start_run(self, table_group_id: int) -> dict:
        response = self.post(f"/data-quality/table-groups/{table_group_id}/profile-runs")
        assert response.status_code == 202, response.text
        return response.json()

    def run(self, profile_run_id: str) -> dict:
        response = self.get(f"/data-quality/profile-runs/{profile_run_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def wait_until_final(self, profile_run_id: str) -> dict:
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while (run := self.run(profile_run_id))["status"] not in FINAL:
            assert time.monotonic() < deadline, f"profile run {profile_run_id} still {run['status']}"
            time.sleep(0.5)
        return run


@pytest.fixture
def workspace(emulator):
    workspace = Workspace(emulator.url)
    yield workspace
    workspace.faults(**asdict(FaultSettings()))


@pytest.fixture
def app_settings(settings, emulator, live_server):
    """The app pointed at the stand-in, with the live server as the notebook's callback address."""
    with pointed_at_workspace(
        settings,
        host=emulator.url,
        token=EMULATOR_TOKEN,
        notebook_path=NOTEBOOK_PATH,
        callback_url=live_server.url,
        callback_secret="e2e-callback-secret",
        retry_max_seconds=20.0,
        DATABRICKS_PROFILE_JOB_PREFIX=f"e2e-{uuid.uuid4().hex[:8]}",
    ):
        yield settings


@pytest.fixture
def rest_api(app_settings, live_server, django_user_model) -> RestApi:
    from rest_framework.authtoken.models import Token

    user = django_user_model.objects.create_superuser(username="e2e", password="unused-" + uuid.uuid4().hex)
    return RestApi(live_server.url, Token.objects.create(user=user).key)


@pytest.fixture
def table_group(rest_api) -> dict:
    return rest_api.create_table_group()
