"""The real profiling notebook, run by the emulator on local Spark over tables of its warehouse layout, with a
fake of the app's two testgen endpoints: what `make demo` and the end-to-end tests rely on."""

import json
import time

import pytest
import requests

from dataquality.databricks.client import DatabricksClient
from dataquality.emulator.config import REPOSITORY_ROOT
from dataquality.emulator.faults import FaultSettings
from tests.dataquality.emulator.conftest import TOKEN
from tests.notebooks.fake_testgen_api import FakeTestgenApi

pytestmark = pytest.mark.spark

RUN_ID = "6f1c2e3d-5555-4c1d-9a55-00000000e2e1"
PARAMETERS = ("table_group_id", "profile_run_id", "payload_path", "callback_url", "callback_token", "catalog",
              "schema_name", "include_mask", "exclude_mask")


def manifest(schema_name):
    return {
        "profile_run_id": RUN_ID, "table_group_id": 17, "catalog": "main", "schema_name": schema_name,
        "include_mask": "%", "exclude_mask": "", "sample_percent": None, "sample_min_rows": None, "tables": [],
        "thresholds": None, "previous_row_counts": {},
    }


def profile(emulator, api, payload_path, schema_name):
    """Create the job as the app does, start it with the app's parameters, and wait for the end."""
    client = DatabricksClient(emulator.url, token=TOKEN, timeout=30, retry_max_seconds=5)
    job_id = client.create_job({
        "name": "conversioncentral-17",
        "max_concurrent_runs": 1,
        "timeout_seconds": 600,
        "parameters": [{"name": name, "default": ""} for name in PARAMETERS],
        "tasks": [{"task_key": "profile", "notebook_task": {
            "notebook_path": "/Workspace/Repos/dq/conversioncentral/notebooks/profiling", "source": "WORKSPACE"}}],
    })
    run_id = client.run_now(job_id, {
        "table_group_id": "17", "profile_run_id": RUN_ID, "payload_path": payload_path,
        "callback_url": api.callback_url, "callback_token": "run-token-e2e", "catalog": "main",
        "schema_name": schema_name,
    }, idempotency_token=RUN_ID)["run_id"]
    deadline = time.monotonic() + 300
    while (run := client.get_run(run_id))["status"]["state"] != "TERMINATED":
        assert time.monotonic() < deadline, f"the notebook did not finish: {run['state']}"
        time.sleep(0.5)
    return client, run


def test_the_profiling_notebook_profiles_a_parquet_table_and_delivers_its_payload(make_emulator, spark):
    emulator = make_emulator(repository_root=REPOSITORY_ROOT)
    orders = [(i, f"C{i % 5}", float(i) * 2.5 if i % 10 else None) for i in range(1, 201)]
    spark.createDataFrame(orders, "order_id int, customer string, amount double").write.parquet(
        str(emulator.config.warehouse_root / "main" / "e2e_sales" / "orders")
    )
    payload_path = f"dbfs:/conversioncentral/profiles/17/{RUN_ID}.json"

    with FakeTestgenApi(RUN_ID, manifest("e2e_sales")) as api:
        client, run = profile(emulator, api, payload_path, "e2e_sales")
        (callback,) = api.callbacks()

    assert run["state"]["result_state"] == "SUCCESS", run["state"]
    assert callback.headers["Authorization"] == "Bearer run-token-e2e"
    document = json.loads(client.read_payload(payload_path))
    assert callback.body == client.read_payload(payload_path)
    assert document["status"] == "completed" and document["row_count"] == 200
    (table,) = document["tables"]
    assert (table["schema_name"], table["table_name"], table["row_count"]) == ("e2e_sales", "orders", 200)
    summary = json.loads(client.get_run_output(run["tasks"][0]["run_id"])["notebook_output"]["result"])
    assert summary["callback_delivered"] is True and summary["manifest_source"] == "api"
    page = requests.get(run["run_page_url"], timeout=10).text
    assert "TERMINATED / SUCCESS" in page and "Profiling 1 table(s)" in page
    assert "run-token-e2e" not in page


def test_with_the_callback_dropped_a_csv_table_is_profiled_and_only_the_payload_tells(make_emulator):
    emulator = make_emulator(FaultSettings(drop_callback=True), repository_root=REPOSITORY_ROOT)
    csv = emulator.config.warehouse_root / "main" / "e2e_ref" / "country.csv"
    csv.parent.mkdir(parents=True)
    csv.write_text("code,name,population\nFR,France,68\nDE,,84\nIT,Italy,59\n")
    payload_path = f"/Volumes/main/dq/payloads/17/{RUN_ID}.json"

    with FakeTestgenApi(RUN_ID, manifest("e2e_ref")) as api:
        client, run = profile(emulator, api, payload_path, "e2e_ref")

    assert run["state"]["result_state"] == "SUCCESS", run["state"]
    assert api.callbacks() == [] and len(api.manifest_requests()) == 1
    document = json.loads(client.read_payload(payload_path))
    assert document["profile_run_id"] == RUN_ID and document["row_count"] == 3
    (table,) = document["tables"]
    columns = {column["column_name"]: column for column in table["columns"]}
    assert columns["population"]["data_type"] == "int" and columns["name"]["null_count"] == 1
