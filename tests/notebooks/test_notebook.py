"""The notebook itself, end to end: as a script on local Spark (how the local Databricks stand-in runs it) and
the way Databricks runs it (cells executed with `spark` and `dbutils` predefined, no `__file__`)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notebooks.fake_testgen_api import FakeTestgenApi

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "profiling.py"
RUN_ID = "9d3b7a10-4444-4c1d-9a55-000000000004"
CELL_SEPARATOR = "\n# COMMAND ----------\n"


def write_tables(spark, root):
    """Three tables: `nb_ref.country` (listed explicitly), `nb_sales.orders` (matched by the mask) and
    `nb_sales.orders_tmp` (excluded)."""
    frames = {
        "nb_ref.country": spark.createDataFrame(
            [("FR", "France"), ("DE", None), ("IT", "Italy")], "code string, name string"
        ),
        "nb_sales.orders": spark.createDataFrame(
            # `currency` is constant: an anomaly the engine raises itself.
            [(i, f"C{i % 4}", float(i) * 1.5, "EUR") for i in range(1, 41)],
            "order_id int, customer string, amount double, currency string",
        ),
        "nb_sales.orders_tmp": spark.createDataFrame([(1,)], "id int"),
    }
    paths = {}
    for name, frame in frames.items():
        paths[name] = str(root / name)
        frame.write.parquet(paths[name])
    return paths


def manifest(catalog):
    return {
        "profile_run_id": RUN_ID,
        "table_group_id": 17,
        "catalog": catalog,
        "schema_name": "nb_sales",
        "include_mask": "order%",
        "exclude_mask": "%_tmp",
        "sample_percent": None,
        "sample_min_rows": None,
        "tables": [{"schema_name": "nb_ref", "table_name": "country"}],
        "thresholds": None,
        "previous_row_counts": {"nb_sales.orders": 400},
    }


def assert_profiled(document):
    assert document["status"] == "completed" and document["profile_run_id"] == RUN_ID
    assert [(t["schema_name"], t["table_name"], t["row_count"]) for t in document["tables"]] == [
        ("nb_ref", "country", 3),
        ("nb_sales", "orders", 40),
    ]
    assert document["row_count"] == 43
    assert document["anomaly_count"] == len(document["anomalies"])
    # The manifest still carries last run's row counts (contract section 3), but 40 rows against 400 is the
    # server's drift check now: the engine raises no row-count drop of its own.
    assert not any(a["anomaly_type"] == "row_count_drop" for a in document["anomalies"])
    assert ("nb_sales.orders", "currency", "constant_column") in {
        (a["table_name"], a["column_name"], a["anomaly_type"]) for a in document["anomalies"]
    }


def test_notebook_runs_as_a_script_on_local_spark(spark, tmp_path):
    table_paths = write_tables(spark, tmp_path / "data")
    payload_path = f"dbfs:/dq-profiles/17/{RUN_ID}.json"
    exit_file = tmp_path / "exit.json"
    with FakeTestgenApi(RUN_ID, manifest(catalog="main")) as api:
        environ = {
            **os.environ,
            "DQ_WIDGET_table_group_id": "17",
            "DQ_WIDGET_profile_run_id": RUN_ID,
            "DQ_WIDGET_payload_path": payload_path,
            "DQ_WIDGET_callback_url": api.callback_url,
            "DQ_WIDGET_callback_token": "run-token-abc",
            "DQ_LOCAL_DBFS_ROOT": str(tmp_path / "dbfs"),
            "DQ_LOCAL_TABLE_PATHS": json.dumps(table_paths),
            "DQ_NOTEBOOK_EXIT_FILE": str(exit_file),
            "DQ_SHUFFLE_PARTITIONS": "2",
        }
        finished = subprocess.run(
            [sys.executable, str(NOTEBOOK)], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=600
        )
        requests = list(api.requests)

    assert finished.returncode == 0, finished.stderr[-4000:]
    summary = json.loads(exit_file.read_text())
    assert finished.stdout.strip().splitlines()[-1] == exit_file.read_text()
    assert summary == {
        "profile_run_id": RUN_ID, "status": "completed", "table_count": 2, "row_count": 43,
        "anomaly_count": summary["anomaly_count"], "payload_path": payload_path, "payload_written": True,
        "callback_delivered": True, "manifest_source": "api",
    }
    assert [(request.method, request.path.rsplit("/", 1)[-1]) for request in requests] == [
        ("GET", "manifest"), ("POST", "complete"),
    ]
    assert all(request.headers["Authorization"] == "Bearer run-token-abc" for request in requests)
    payload = (tmp_path / "dbfs" / "dq-profiles" / "17" / f"{RUN_ID}.json").read_bytes()
    assert requests[1].body == payload
    document = json.loads(payload)
    assert_profiled(document)
    assert summary["anomaly_count"] == document["anomaly_count"] > 0
    assert "run-token-abc" not in finished.stdout + finished.stderr


class DatabricksLikeDbutils:
    """Just what the notebook touches of Databricks' dbutils; `fs.put` records instead of writing."""

    class _Widgets:
        def __init__(self, values):
            self.values, self.declared = values, []

        def text(self, name, default_value, label=None):
            self.declared.append(name)

        def get(self, name):
            return self.values.get(name, "")

    class _Fs:
        def __init__(self):
            self.puts = {}

        def put(self, path, contents, overwrite=False):
            self.puts[path] = (contents, overwrite)
            return True

    class _Notebook:
        exit_value = None

        def exit(self, value):
            self.exit_value = value

    def __init__(self, values):
        self.widgets = self._Widgets(values)
        self.fs = self._Fs()
        self.notebook = self._Notebook()


@pytest.fixture
def forget_notebook_imports():
    """The cells import the package as top-level `dq_profiler`, as on Databricks; drop that second copy after."""
    yield
    for name in [name for name in sys.modules if name == "dq_profiler" or name.startswith("dq_profiler.")]:
        del sys.modules[name]
    logging.getLogger("dq_profiler").handlers.clear()  # its handler holds this test's captured stderr


def test_notebook_cells_run_the_databricks_way(spark, tmp_path, monkeypatch, forget_notebook_imports):
    source = NOTEBOOK.read_text()
    assert source.startswith("# Databricks notebook source\n")
    cells = source.split(CELL_SEPARATOR)
    assert len(cells) >= 5
    table_paths = write_tables(spark, tmp_path / "data")
    from notebooks.dq_profiler.runtime.local_mode import register_local_tables

    register_local_tables(spark, {tuple(name.split(".")): path for name, path in table_paths.items()})
    monkeypatch.chdir(NOTEBOOK.parent)  # Databricks starts a repo notebook in its own folder
    monkeypatch.setattr(sys, "path", list(sys.path))
    payload_path = f"dbfs:/dq-profiles/17/{RUN_ID}.json"

    with FakeTestgenApi(RUN_ID, manifest(catalog="")) as api:
        dbutils = DatabricksLikeDbutils({
            "table_group_id": "17", "profile_run_id": RUN_ID, "payload_path": payload_path,
            "callback_url": api.callback_url, "callback_token": "run-token-abc",
        })
        namespace = {"spark": spark, "dbutils": dbutils, "__name__": "__main__"}
        for number, cell in enumerate(cells):
            exec(compile(cell, f"profiling.py cell {number}", "exec"), namespace)
        (callback,) = api.callbacks()

    contents, overwrite = dbutils.fs.puts[payload_path]
    assert overwrite is True and callback.body == contents.encode("utf-8")
    assert_profiled(json.loads(contents))
    assert set(dbutils.widgets.declared) >= {"table_group_id", "profile_run_id", "payload_path", "callback_url",
                                             "callback_token", "catalog", "schema_name", "include_mask", "exclude_mask"}
    summary = json.loads(dbutils.notebook.exit_value)
    assert summary["status"] == "completed" and summary["callback_delivered"] is True
    assert summary["table_count"] == 2 and summary["manifest_source"] == "api"
