import json

import pytest

from notebooks.dq_profiler.runtime.local_dbutils import LocalDbutils, WidgetNotDefined
from notebooks.dq_profiler.runtime.local_mode import (
    local_dbutils_from_env,
    register_local_tables,
    start_local_mode,
    table_paths_from_env,
    table_source,
    warehouse_tables,
    widget_values_from_env,
)
from notebooks.dq_profiler.runtime.parameters import MissingJobParameter, read_job_parameters


def test_widgets_come_from_a_json_file_overridden_by_environment_variables(tmp_path):
    widgets_file = tmp_path / "widgets.json"
    widgets_file.write_text(json.dumps({"profile_run_id": "from-file", "catalog": "main", "sample": None}))
    environ = {"DQ_WIDGETS_FILE": str(widgets_file), "DQ_WIDGET_profile_run_id": "from-env", "OTHER": "x"}

    assert widget_values_from_env(environ) == {"profile_run_id": "from-env", "catalog": "main", "sample": ""}


def test_read_job_parameters_declares_every_widget_and_strips_values(tmp_path):
    dbutils = local_dbutils_from_env(
        {
            "DQ_WIDGET_table_group_id": "17",
            "DQ_WIDGET_profile_run_id": " run-1 ",
            "DQ_WIDGET_payload_path": "dbfs:/dq/17/run-1.json",
            "DQ_WIDGET_callback_token": "s3cr3t-value",
            "DQ_LOCAL_DBFS_ROOT": str(tmp_path),
        }
    )

    parameters = read_job_parameters(dbutils)

    assert parameters.profile_run_id == "run-1" and parameters.table_group_id == "17"
    assert parameters.callback_url == "" and parameters.include_mask == ""
    assert "s3cr3t-value" not in repr(parameters) and parameters.callback_token == "s3cr3t-value"


def test_missing_run_id_or_payload_path_is_an_error(tmp_path):
    dbutils = LocalDbutils({"payload_path": "dbfs:/x.json"}, dbfs_root=str(tmp_path), volumes_root=str(tmp_path))
    with pytest.raises(MissingJobParameter, match="profile_run_id"):
        read_job_parameters(dbutils)


def test_undeclared_widget_cannot_be_read(tmp_path):
    dbutils = LocalDbutils({}, dbfs_root=str(tmp_path), volumes_root=str(tmp_path))
    with pytest.raises(WidgetNotDefined):
        dbutils.widgets.get("profile_run_id")
    dbutils.widgets.text("profile_run_id", "default")
    assert dbutils.widgets.get("profile_run_id") == "default"


def test_fs_put_maps_dbfs_and_volumes_to_local_roots(tmp_path):
    dbutils = LocalDbutils({}, dbfs_root=str(tmp_path / "dbfs"), volumes_root=str(tmp_path / "volumes"))

    dbutils.fs.put("dbfs:/dq/17/run.json", "a", overwrite=True)
    dbutils.fs.put("/Volumes/main/dq/v/run.json", "b")

    assert (tmp_path / "dbfs/dq/17/run.json").read_text() == "a"
    assert (tmp_path / "volumes/main/dq/v/run.json").read_text() == "b"
    with pytest.raises(FileExistsError):
        dbutils.fs.put("dbfs:/dq/17/run.json", "c")
    with pytest.raises(ValueError):
        dbutils.fs.put("dbfs:/../outside.json", "d", overwrite=True)


def test_notebook_exit_prints_and_writes_the_exit_file(tmp_path, capsys):
    exit_file = tmp_path / "out" / "exit.json"
    dbutils = LocalDbutils({}, dbfs_root=str(tmp_path), volumes_root=str(tmp_path), exit_file=str(exit_file))

    dbutils.notebook.exit('{"status": "completed"}')

    assert capsys.readouterr().out.splitlines()[-1] == '{"status": "completed"}'
    assert exit_file.read_text() == '{"status": "completed"}'
    assert dbutils.notebook.exit_value == '{"status": "completed"}'


@pytest.mark.parametrize(
    "value", ['["a"]', '{"catalog.schema.table": "/p"}', '{"table": "/p"}', '{"s.t": 3}']
)
def test_table_paths_must_be_schema_table_to_path(value):
    with pytest.raises(ValueError):
        table_paths_from_env({"DQ_LOCAL_TABLE_PATHS": value})


def test_mapped_parquet_paths_become_tables_of_the_session_catalog(spark, tmp_path):
    path = str(tmp_path / "orders")
    spark.createDataFrame([(1, "a"), (2, "b")], "id int, code string").write.parquet(path)
    tables = table_paths_from_env({"DQ_LOCAL_TABLE_PATHS": json.dumps({"rt_local.orders": path})})

    register_local_tables(spark, tables)

    assert spark.table("`spark_catalog`.`rt_local`.`orders`").count() == 2
    assert [row["tableName"] for row in spark.sql("SHOW TABLES IN `spark_catalog`.`rt_local`").collect()] == ["orders"]


def _warehouse(root):
    """main.sales.{orders (parquet dir), refunds.parquet (file), customers.csv}; other.ref.country.csv; litter."""
    (root / "main/sales/orders").mkdir(parents=True)
    (root / "main/sales/orders/part-0.parquet").write_bytes(b"")
    (root / "main/sales/refunds.parquet").write_bytes(b"")
    (root / "main/sales/customers.csv").write_text("id,name\n1,Ann\n")
    (root / "main/sales/notes.txt").write_text("not a table")
    (root / "main/sales/_SUCCESS").write_text("")
    (root / "other/ref").mkdir(parents=True)
    (root / "other/ref/country.csv").write_text("code\nFR\n")


def test_warehouse_layout_maps_catalog_schema_table_and_drops_file_suffixes(tmp_path):
    _warehouse(tmp_path)

    tables = warehouse_tables(str(tmp_path))

    assert tables == {
        ("sales", "customers"): str(tmp_path / "main/sales/customers.csv"),
        ("sales", "orders"): str(tmp_path / "main/sales/orders"),
        ("sales", "refunds"): str(tmp_path / "main/sales/refunds.parquet"),
        ("ref", "country"): str(tmp_path / "other/ref/country.csv"),
    }
    assert set(warehouse_tables(str(tmp_path), catalog="OTHER")) == {("ref", "country")}
    assert warehouse_tables(str(tmp_path / "missing")) == {} and warehouse_tables("") == {}


def test_the_same_table_in_two_catalogs_needs_the_catalog_widget(tmp_path):
    _warehouse(tmp_path)
    (tmp_path / "other/sales").mkdir()
    (tmp_path / "other/sales/Orders.csv").write_text("id\n1\n")

    with pytest.raises(ValueError, match="catalogs main and other"):
        warehouse_tables(str(tmp_path))
    assert set(warehouse_tables(str(tmp_path), catalog="main")) == {
        ("sales", "customers"), ("sales", "orders"), ("sales", "refunds")
    }


def test_csv_files_and_directories_of_them_are_read_as_csv_everything_else_as_parquet(tmp_path):
    _warehouse(tmp_path)
    (tmp_path / "csv_dir").mkdir()
    (tmp_path / "csv_dir/a.csv").write_text("x\n1\n")

    assert table_source(str(tmp_path / "main/sales/customers.csv"))[0] == "csv"
    assert table_source(str(tmp_path / "csv_dir")) == ("csv", {"header": "true", "inferSchema": "true"})
    assert table_source(str(tmp_path / "main/sales/orders")) == ("parquet", {})
    assert table_source(str(tmp_path / "main/sales/refunds.parquet")) == ("parquet", {})


def test_local_mode_registers_the_warehouse_and_reads_the_drop_callback_switch(spark, tmp_path):
    warehouse = tmp_path / "warehouse"
    spark.createDataFrame([(1, "a"), (2, "b"), (3, "c")], "id int, code string").write.parquet(
        str(warehouse / "main/wh_sales/orders")
    )
    spark.createDataFrame([(10,)], "amount int").coalesce(1).write.parquet(str(tmp_path / "single"))
    (part,) = (tmp_path / "single").glob("part-*.parquet")
    part.rename(warehouse / "main/wh_sales/refunds.parquet")
    (warehouse / "main/wh_ref").mkdir(parents=True)
    (warehouse / "main/wh_ref/country.csv").write_text("code,population\nFR,68\nDE,84\n")

    local = start_local_mode(
        {"DQ_LOCAL_WAREHOUSE_ROOT": str(warehouse), "DQ_LOCAL_DROP_CALLBACK": "1", "DQ_WIDGET_catalog": "main",
         "DQ_LOCAL_DBFS_ROOT": str(tmp_path / "dbfs")}
    )

    assert local.settings.drop_callback is True and local.settings.catalog_override == "spark_catalog"
    assert spark.table("`spark_catalog`.`wh_sales`.`orders`").count() == 3
    assert spark.table("`spark_catalog`.`wh_sales`.`refunds`").collect()[0]["amount"] == 10
    country = spark.table("`spark_catalog`.`wh_ref`.`country`")
    assert dict(country.dtypes) == {"code": "string", "population": "int"}
    assert sorted(row["tableName"] for row in spark.sql("SHOW TABLES IN `spark_catalog`.`wh_sales`").collect()) == [
        "orders", "refunds"
    ]
    assert start_local_mode({"DQ_LOCAL_DBFS_ROOT": str(tmp_path / "dbfs")}).settings.drop_callback is False
