import json
import socket

import pytest

from notebooks.dq_profiler.runtime import PayloadNotDelivered, RuntimeSettings, run_profile_job
from notebooks.dq_profiler.runtime.http_client import RetryPolicy
from notebooks.dq_profiler.runtime.local_dbutils import LocalDbutils
from notebooks.dq_profiler.runtime.local_mode import register_local_tables
from notebooks.dq_profiler.runtime.parameters import JobParameters
from tests.notebooks.fake_testgen_api import Answer, FakeTestgenApi

RUN_ID = "5a0e6c1e-3333-4c1d-9a55-000000000003"
PAYLOAD_PATH = f"dbfs:/dq-profiles/17/{RUN_ID}.json"
MANIFEST = {
    "profile_run_id": RUN_ID,
    "table_group_id": 17,
    "catalog": "main",
    "schema_name": "sales",
    "include_mask": "order%",
    "exclude_mask": "%tmp",
    "sample_percent": 25,
    "sample_min_rows": 1000,
    "tables": [{"schema_name": "ref", "table_name": "country"}],
    "thresholds": {"null_ratio": 0.2},
    "previous_row_counts": {"ref.country": 250},
}
ENGINE_DOCUMENT = {
    "status": "completed",
    "row_count": 42,
    "anomaly_count": 1,
    "anomalies": [{"table_name": "ref.country", "column_name": "code", "anomaly_type": "null_ratio",
                   "severity": "medium", "description": "Null ratio exceeded 20%"}],
    "tables": [{"schema_name": "ref", "table_name": "country"}, {"schema_name": "sales", "table_name": "orders"}],
}


class FakeEngine:
    def __init__(self, document=ENGINE_DOCUMENT, error=None):
        self.document = document
        self.error = error
        self.calls = []

    def __call__(self, spark, sources, options):
        self.calls.append((list(sources), options))
        if self.error:
            raise self.error
        return self.document


class TableNameSpark:
    """Stands in for SparkSession where only the table name a source would load matters."""

    def table(self, name):
        return name


class NoWait:
    def __init__(self):
        self.delays = []

    def __call__(self, seconds):
        self.delays.append(seconds)


@pytest.fixture
def dbutils(tmp_path):
    return LocalDbutils({}, dbfs_root=str(tmp_path / "dbfs"), volumes_root=str(tmp_path / "volumes"))


def settings(**overrides):
    quick = RetryPolicy(attempts=3, base_delay_seconds=1.0)
    return RuntimeSettings(**{"manifest_retry": quick, "callback_retry": quick, "http_timeout_seconds": 5, **overrides})


def job_parameters(callback_url, **overrides):
    values = dict(table_group_id="17", profile_run_id=RUN_ID, payload_path=PAYLOAD_PATH, callback_url=callback_url,
                  callback_token="run-token-xyz")
    return JobParameters(**{**values, **overrides})


def unreachable_callback_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/data-quality/testgen/profile-runs/{RUN_ID}/complete"


def payload_text(dbutils):
    return dbutils.fs.local_path(PAYLOAD_PATH).read_text(encoding="utf-8")


def test_profiles_what_the_manifest_says_and_delivers_one_document_twice(dbutils):
    engine = FakeEngine()
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        summary = run_profile_job(
            TableNameSpark(), dbutils, job_parameters(api.callback_url), settings=settings(), profile=engine,
            list_tables=lambda catalog, schema: ["orders", "order_tmp", "customers"], sleep=NoWait(),
        )
        (callback,) = api.callbacks()

    (sources, options), = engine.calls
    assert [(s.schema_name, s.table_name) for s in sources] == [("ref", "country"), ("sales", "orders")]
    assert [s.load(TableNameSpark()) for s in sources] == ["`main`.`ref`.`country`", "`main`.`sales`.`orders`"]
    assert options.thresholds == {"null_ratio": 0.2}
    assert (options.sample_percent, options.sample_min_rows) == (25.0, 1000)

    assert callback.body == payload_text(dbutils).encode("utf-8")
    assert json.loads(callback.body) == {**ENGINE_DOCUMENT, "profile_run_id": RUN_ID}
    assert callback.headers["Authorization"] == "Bearer run-token-xyz"
    assert summary == {
        "profile_run_id": RUN_ID, "status": "completed", "table_count": 2, "row_count": 42, "anomaly_count": 1,
        "payload_path": PAYLOAD_PATH, "payload_written": True, "callback_delivered": True, "manifest_source": "api",
    }


def test_callback_retries_send_the_same_body(dbutils):
    sleep = NoWait()
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        api.callback_answers.extend([Answer(503), Answer(503)])
        summary = run_profile_job(
            TableNameSpark(), dbutils, job_parameters(api.callback_url), settings=settings(), profile=FakeEngine(),
            list_tables=lambda catalog, schema: [], sleep=sleep,
        )
        bodies = [request.body for request in api.callbacks()]

    assert len(bodies) == 3 and len(set(bodies)) == 1
    assert bodies[0] == payload_text(dbutils).encode("utf-8")
    assert sleep.delays == [1.0, 2.0]
    assert summary["callback_delivered"] is True


def test_unreachable_api_falls_back_to_widgets_and_still_writes_the_payload(dbutils):
    engine = FakeEngine()
    listed = []

    def list_tables(catalog, schema):
        listed.append((catalog, schema))
        return ["orders", "orders_tmp", "customers"]

    parameters = job_parameters(
        unreachable_callback_url(), catalog="hive_metastore", schema_name="sales", include_mask="ord%",
        exclude_mask="%_tmp",
    )
    summary = run_profile_job(
        TableNameSpark(), dbutils, parameters, settings=settings(), profile=engine, list_tables=list_tables,
        sleep=NoWait(),
    )

    (sources, options), = engine.calls
    assert listed == [("hive_metastore", "sales")]
    assert [s.load(TableNameSpark()) for s in sources] == ["`hive_metastore`.`sales`.`orders`"]
    assert options.thresholds is None
    assert summary["manifest_source"] == "widgets"
    assert summary["callback_delivered"] is False and summary["payload_written"] is True
    assert json.loads(payload_text(dbutils)) == {**ENGINE_DOCUMENT, "profile_run_id": RUN_ID}


def test_an_engine_crash_is_reported_as_failed_then_raised(dbutils):
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        with pytest.raises(RuntimeError, match="executor lost"):
            run_profile_job(
                TableNameSpark(), dbutils, job_parameters(api.callback_url), settings=settings(),
                profile=FakeEngine(error=RuntimeError("executor lost")), list_tables=lambda c, s: [], sleep=NoWait(),
            )
        (callback,) = api.callbacks()

    document = json.loads(callback.body)
    assert document["status"] == "failed" and document["error_message"] == "RuntimeError: executor lost"
    assert callback.body == payload_text(dbutils).encode("utf-8")
    # The API's own validation accepts it, for this run.
    from dataquality.services.results.payloads import parse_completion_payload

    assert parse_completion_payload(document, profile_run_id=RUN_ID)["status"] == "failed"


def test_nothing_to_profile_is_a_failed_run_without_an_exception(dbutils):
    engine = FakeEngine()
    with FakeTestgenApi(RUN_ID, {**MANIFEST, "tables": [], "include_mask": "nomatch%"}) as api:
        summary = run_profile_job(
            TableNameSpark(), dbutils, job_parameters(api.callback_url), settings=settings(), profile=engine,
            list_tables=lambda c, s: ["orders"], sleep=NoWait(),
        )
        (callback,) = api.callbacks()

    assert engine.calls == []
    assert json.loads(callback.body)["status"] == "failed"
    assert summary["status"] == "failed" and summary["table_count"] == 0 and summary["callback_delivered"]


def test_an_unwritable_payload_is_fine_when_the_callback_gets_through(dbutils, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        summary = run_profile_job(
            TableNameSpark(), dbutils, job_parameters(api.callback_url, payload_path=str(blocker / "run.json")),
            settings=settings(), profile=FakeEngine(), list_tables=lambda c, s: [], sleep=NoWait(),
        )
    assert summary["payload_written"] is False and summary["callback_delivered"] is True


def test_results_that_reach_neither_the_file_nor_the_callback_fail_the_job(dbutils, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    parameters = job_parameters(unreachable_callback_url(), payload_path=str(blocker / "run.json"), schema_name="s")
    with pytest.raises(PayloadNotDelivered):
        run_profile_job(
            TableNameSpark(), dbutils, parameters, settings=settings(), profile=FakeEngine(),
            list_tables=lambda c, s: ["t"], sleep=NoWait(),
        )


def test_local_mode_catalog_override_with_the_real_engine_and_mask_discovery(spark, dbutils, tmp_path):
    spark.createDataFrame([(1, "FR"), (2, None), (3, "DE")], "id int, code string").write.parquet(str(tmp_path / "a"))
    spark.createDataFrame([(1,)], "id int").write.parquet(str(tmp_path / "b"))
    register_local_tables(
        spark, {("rt_job", "orders"): str(tmp_path / "a"), ("rt_job", "orders_tmp"): str(tmp_path / "b")}
    )
    parameters = job_parameters(
        unreachable_callback_url(), catalog="main", schema_name="rt_job", include_mask="ORD%", exclude_mask="%_tmp"
    )

    summary = run_profile_job(
        spark, dbutils, parameters, settings=settings(catalog_override="spark_catalog"), sleep=NoWait()
    )

    document = json.loads(payload_text(dbutils))
    assert document["status"] == "completed" and document["row_count"] == 3
    tables = [(t["schema_name"], t["table_name"], t["row_count"]) for t in document["tables"]]
    assert tables == [("rt_job", "orders", 3)]
    assert summary["status"] == "completed" and summary["table_count"] == 1 and summary["row_count"] == 3


def test_a_dropped_callback_still_fetches_the_manifest_and_writes_the_payload(dbutils):
    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        summary = run_profile_job(
            TableNameSpark(), dbutils, job_parameters(api.callback_url), settings=settings(drop_callback=True),
            profile=FakeEngine(), list_tables=lambda catalog, schema: ["orders"], sleep=NoWait(),
        )

    assert len(api.manifest_requests()) == 1 and api.callbacks() == []
    assert json.loads(payload_text(dbutils)) == {**ENGINE_DOCUMENT, "profile_run_id": RUN_ID}
    assert summary["callback_delivered"] is False and summary["payload_written"] is True
    assert summary["manifest_source"] == "api"


def test_result_tables_are_written_before_the_callback_which_says_so(dbutils, tmp_path):
    from deltalake import DeltaTable

    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        run_profile_job(
            TableNameSpark(), dbutils, job_parameters(api.callback_url, results_schema="lake.dq"),
            settings=settings(results_root=str(tmp_path / "lakehouse")), profile=FakeEngine(),
            list_tables=lambda catalog, schema: [], sleep=NoWait(),
        )
        (callback,) = api.callbacks()

    assert json.loads(callback.body)["results"] == {"schema": "lake.dq", "written": True, "error": None}
    runs = DeltaTable(str(tmp_path / "lakehouse" / "lake" / "dq" / "dq_profile_runs")).to_pyarrow_table().to_pylist()
    assert [(run["profile_run_id"], run["table_group_id"], run["row_count"]) for run in runs] == [(RUN_ID, "17", 42)]


def test_result_tables_that_cannot_be_written_never_cost_the_callback(dbutils, tmp_path):
    not_a_directory = tmp_path / "lakehouse"
    not_a_directory.write_text("a file where the lakehouse should be")

    with FakeTestgenApi(RUN_ID, MANIFEST) as api:
        summary = run_profile_job(
            TableNameSpark(), dbutils, job_parameters(api.callback_url, results_schema="lake.dq"),
            settings=settings(results_root=str(not_a_directory)), profile=FakeEngine(),
            list_tables=lambda catalog, schema: [], sleep=NoWait(),
        )
        (callback,) = api.callbacks()

    document = json.loads(callback.body)
    assert summary["callback_delivered"] is True and document["status"] == "completed"
    assert document["results"]["written"] is False
    assert document["warnings"] == [document["results"]["error"]] and "lake.dq" in document["warnings"][0]
    assert document["tables"] == ENGINE_DOCUMENT["tables"]
