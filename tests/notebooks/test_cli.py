"""python -m notebooks.dq_profiler on local parquet and CSV files."""

import json

import pytest

from notebooks.dq_profiler import cli


@pytest.fixture(scope="module")
def files(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    df = spark.range(50).selectExpr("id AS order_id", "CASE WHEN id % 5 = 0 THEN NULL ELSE id * 2.5 END AS amount")
    df.write.parquet(str(root / "orders.parquet"))
    csv_file = root / "people.csv"
    csv_file.write_text("person_id,team\n" + "".join(f"{index},t{index % 3}\n" for index in range(9)), encoding="utf-8")
    return root


def test_profiles_parquet_and_csv_into_one_payload(spark, files, capsys):
    output = files / "out" / "payload.json"
    argv = ["--table", f"sales.orders={files / 'orders.parquet'}", "--table", f"people={files / 'people.csv'}", "--output", str(output)]

    assert cli.main(argv, spark=spark) == 0

    payload = json.loads(output.read_text(encoding="utf-8"))
    assert (payload["status"], payload["row_count"]) == ("completed", 59)
    orders, people = payload["tables"]
    assert (orders["schema_name"], orders["table_name"], orders["row_count"]) == ("sales", "orders", 50)
    assert orders["columns"][1]["null_count"] == 10
    assert (people["schema_name"], people["table_name"], people["row_count"]) == ("default", "people", 9)
    assert [column["data_type"] for column in people["columns"]] == ["int", "string"]  # inferSchema
    assert people["columns"][1]["top_values"] == [{"value": "t0", "count": 3}, {"value": "t1", "count": 3}, {"value": "t2", "count": 3}]
    assert "completed: 2 tables, 59 rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--table", "orders", "--output", "x.json"], "expected NAME=PATH"),
        (["--table", "orders=/no/such/file.parquet", "--output", "x.json"], "no such file or directory"),
        (["--output", "x.json"], "--table"),
        (["--table", "t=.", "--output", "x.json", "--sample-percent", "0"], "greater than 0"),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code != 0
    assert message in capsys.readouterr().err


def test_results_dir_gets_the_result_tables_and_a_rerun_replaces_its_rows(spark, files, tmp_path):
    from deltalake import DeltaTable

    lake = tmp_path / "lake"
    argv = ["--table", f"sales.orders={files / 'orders.parquet'}", "--output", str(tmp_path / "p.json"),
            "--results-dir", str(lake), "--profile-run-id", "run-1"]

    assert cli.main(argv, spark=spark) == 0
    assert cli.main(argv, spark=spark) == 0

    payload = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert payload["results"] == {"schema": str(lake), "written": True, "error": None}
    runs = DeltaTable(str(lake / "dq_profile_runs")).to_pyarrow_table().to_pylist()
    assert [(run["profile_run_id"], run["row_count"]) for run in runs] == [("run-1", 50)]
    columns = DeltaTable(str(lake / "dq_profile_columns")).to_pyarrow_table().to_pylist()
    assert sorted(column["column_name"] for column in columns) == ["amount", "order_id"]
