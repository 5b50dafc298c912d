"""The five result tables (contract section 12.1), written with delta-rs and read back with it."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest
from deltalake import DeltaTable

from notebooks.dq_profiler.results_rows import COLUMN_METRICS, RESULT_TABLES, parse_timestamp, result_rows
from notebooks.dq_profiler.results_writers import DeltaRsWriter, SparkDeltaWriter, spark_schema, write_results
from notebooks.dq_profiler.runtime.results import write_run_results

GOLDEN = Path(__file__).parent / "golden" / "seed_table_payload.json"
RUN_A = "0b7c3d1e-0000-4000-8000-00000000000a"
RUN_B = "0b7c3d1e-0000-4000-8000-00000000000b"
PII_COLUMNS = {"contact", "email"}  # flagged potential_pii in the golden table


def engine_payload() -> dict:
    """A whole run's document around the engine's golden table, as the engine emits it (PII withheld)."""
    table = json.loads(GOLDEN.read_text(encoding="utf-8"))
    anomalies = [{**anomaly, "detected_at": "2026-01-02T03:04:59Z"} for anomaly in table.pop("anomalies")]
    return {
        "status": "completed", "row_count": table["row_count"], "anomaly_count": len(anomalies),
        "anomalies": anomalies, "tables": [table], "error_message": None, "started_at": "2026-01-02T03:04:05Z",
        "completed_at": "2026-01-02T03:05:00Z", "profile_version": "test", "sampled": False,
    }


def read(root: Path, name: str) -> list[dict]:
    return DeltaTable(str(root / name)).to_pyarrow_table().to_pylist()


def rows_of(root: Path, name: str, run_id: str) -> list[dict]:
    return [row for row in read(root, name) if row["profile_run_id"] == run_id]


def write(root: Path, payload: dict, run_id: str) -> None:
    writer = DeltaRsWriter(root)
    write_results(writer, result_rows(payload, profile_run_id=run_id, table_group_id="7"), profile_run_id=run_id)


def test_the_five_tables_hold_the_payload(tmp_path):
    payload = engine_payload()
    table = payload["tables"][0]

    write(tmp_path, payload, RUN_A)

    assert sorted(entry.name for entry in tmp_path.iterdir()) == sorted(table.name for table in RESULT_TABLES)
    [run] = read(tmp_path, "dq_profile_runs")
    assert run == {
        "profile_run_id": RUN_A, "table_group_id": "7", "status": "completed",
        "started_at": parse_timestamp("2026-01-02T03:04:05Z"), "completed_at": parse_timestamp("2026-01-02T03:05:00Z"),
        "row_count": table["row_count"], "table_count": 1, "column_count": table["column_count"],
        "anomaly_count": len(payload["anomalies"]), "profile_version": "test",
    }
    columns = {row["column_name"]: row for row in read(tmp_path, "dq_profile_columns")}
    assert list(columns) == [column["column_name"] for column in table["columns"]]
    for column in table["columns"]:
        stored = columns[column["column_name"]]
        assert stored["table_name"] == "golden.seed_table" and stored["data_type"] == column["data_type"]
        for metric, _ in COLUMN_METRICS:
            expected = column.get(metric)
            assert stored[metric] == (str(expected) if metric.endswith("_value") and expected is not None else expected)
    values = read(tmp_path, "dq_profile_column_values")
    expected_values = [
        (column["column_name"], kind, rank, entry["count"])
        for column in table["columns"]
        for kind, key in (("value", "top_values"), ("pattern", "top_patterns"))
        for rank, entry in enumerate(column[key], start=1)
    ]
    assert [(row["column_name"], row["kind"], row["rank"], row["count"]) for row in values] == expected_values
    anomalies = read(tmp_path, "dq_profile_anomalies")
    assert [(row["column_name"], row["anomaly_type"], row["severity"]) for row in anomalies] == [
        (anomaly["column_name"], anomaly["anomaly_type"], anomaly["severity"]) for anomaly in payload["anomalies"]
    ]
    metrics = {(row["column_name"], row["metric"]): row["value"] for row in read(tmp_path, "dq_profile_metrics")}
    assert metrics[(None, "row_count")] == table["row_count"]
    assert metrics[("id", "null_count")] == next(c for c in table["columns"] if c["column_name"] == "id")["null_count"]


def test_pii_columns_keep_no_values_in_the_tables(tmp_path):
    write(tmp_path, engine_payload(), RUN_A)

    columns = {row["column_name"]: row for row in read(tmp_path, "dq_profile_columns")}
    for name in PII_COLUMNS:
        assert {columns[name][metric] for metric in ("min_value", "max_value", "p25", "p50", "p75")} == {None}
    kinds = {(row["column_name"], row["kind"]) for row in read(tmp_path, "dq_profile_column_values")}
    assert {name for name, kind in kinds if kind == "value"} & PII_COLUMNS == set()
    assert {name for name, kind in kinds if kind == "pattern"} >= PII_COLUMNS  # patterns are kept
    metric_names = {(row["column_name"], row["metric"]) for row in read(tmp_path, "dq_profile_metrics")}
    assert not {(name, metric) for name in PII_COLUMNS for metric in ("p25", "p50", "p75")} & metric_names


def test_a_rerun_of_the_same_run_replaces_its_rows_and_keeps_other_runs(tmp_path):
    payload = engine_payload()
    write(tmp_path, payload, RUN_A)
    write(tmp_path, payload, RUN_B)
    first = {table.name: len(rows_of(tmp_path, table.name, RUN_A)) for table in RESULT_TABLES}

    smaller = {**payload, "anomalies": payload["anomalies"][:1], "anomaly_count": 1}
    write(tmp_path, smaller, RUN_A)

    again = {table.name: len(rows_of(tmp_path, table.name, RUN_A)) for table in RESULT_TABLES}
    assert again == {**first, "dq_profile_anomalies": 1}
    assert len(rows_of(tmp_path, "dq_profile_runs", RUN_A)) == 1
    assert {table.name: len(rows_of(tmp_path, table.name, RUN_B)) for table in RESULT_TABLES} == first


def _write_in_a_process(root: str, run_id: str) -> None:
    write(Path(root), engine_payload(), run_id)


def test_two_runs_written_at_once_are_both_kept(tmp_path):
    write(tmp_path, engine_payload(), "seed-run")  # the tables exist: both writers replace, neither creates
    context = multiprocessing.get_context("spawn")  # two notebooks, as on a cluster: separate processes
    processes = [context.Process(target=_write_in_a_process, args=(str(tmp_path), run)) for run in (RUN_A, RUN_B)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0

    expected = {table.name: len(rows_of(tmp_path, table.name, "seed-run")) for table in RESULT_TABLES}
    for run in (RUN_A, RUN_B):
        assert {table.name: len(rows_of(tmp_path, table.name, run)) for table in RESULT_TABLES} == expected


def test_a_table_that_cannot_be_written_is_reported_in_the_document(tmp_path):
    blocker = tmp_path / "file-not-a-directory"
    blocker.write_text("x")

    document = write_run_results(
        engine_payload(), spark=None, results_schema="lake.dq", profile_run_id=RUN_A, table_group_id="7",
        local_root=str(blocker),
    )

    assert document["results"]["written"] is False and "lake.dq" in document["results"]["error"]
    assert document["warnings"] == [document["results"]["error"]]
    assert document["tables"] == engine_payload()["tables"]  # the results themselves are untouched


@pytest.mark.parametrize("schema", ["lake", "lake.dq.extra", "lake.d-q", "lake.`dq`", ".dq"])
def test_a_results_schema_that_is_not_catalog_dot_schema_is_reported(tmp_path, schema):
    document = write_run_results(
        engine_payload(), spark=None, results_schema=schema, profile_run_id=RUN_A, table_group_id="7",
        local_root=str(tmp_path),
    )

    assert document["results"]["written"] is False and "catalog.schema" in document["results"]["error"]
    assert not any(tmp_path.iterdir())


class FakeSpark:
    """Records what SparkDeltaWriter asks of Spark's Delta writer (its jars cannot be fetched here)."""

    def __init__(self, existing=()):
        self.existing = set(existing)
        self.calls = []
        self.catalog = self

    def tableExists(self, name):  # noqa: N802 - Spark's name
        return name in self.existing

    def createDataFrame(self, rows, schema):  # noqa: N802 - Spark's name
        self.calls.append(("createDataFrame", len(rows), schema))
        return self

    @property
    def write(self):
        return self

    def format(self, name):
        self.calls.append(("format", name))
        return self

    def mode(self, name):
        self.calls.append(("mode", name))
        return self

    def option(self, key, value):
        self.calls.append(("option", key, value))
        return self

    def saveAsTable(self, name):  # noqa: N802 - Spark's name
        self.calls.append(("saveAsTable", name))
        self.existing.add(name)


def test_the_spark_writer_creates_then_replaces_where_the_run_id_is(tmp_path):
    spark = FakeSpark()
    rows = result_rows(engine_payload(), profile_run_id=RUN_A, table_group_id="7")
    runs = RESULT_TABLES[0]

    SparkDeltaWriter(spark, "lake.dq").write(runs, rows[runs.name], profile_run_id=RUN_A)
    SparkDeltaWriter(spark, "lake.dq").write(runs, rows[runs.name], profile_run_id=RUN_A)

    name = "`lake`.`dq`.`dq_profile_runs`"
    created = ("createDataFrame", 1, spark_schema(runs))
    assert spark.calls == [
        created, ("format", "delta"), ("saveAsTable", name),
        created, ("format", "delta"), ("mode", "overwrite"),
        ("option", "replaceWhere", f"profile_run_id = '{RUN_A}'"), ("saveAsTable", name),
    ]
    assert spark_schema(runs).startswith("`profile_run_id` STRING, `table_group_id` STRING, `status` STRING, "
                                         "`started_at` TIMESTAMP")
