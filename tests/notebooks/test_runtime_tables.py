import json

import pytest

from notebooks.dq_profiler.runtime.local_mode import register_local_tables
from notebooks.dq_profiler.runtime.manifest import SOURCE_API, Manifest, TableRef
from notebooks.dq_profiler.runtime.tables import (
    NoTablesToProfile,
    qualified_name,
    resolve_tables,
    spark_table_lister,
)


class FakeLister:
    def __init__(self, names=(), error=None):
        self.names = list(names)
        self.error = error
        self.calls = []

    def __call__(self, catalog, schema_name):
        self.calls.append((catalog, schema_name))
        if self.error:
            raise self.error
        return self.names


def manifest(**fields):
    return Manifest(profile_run_id="r", table_group_id="1", source=SOURCE_API, **fields)


def test_qualified_name_quotes_each_part_and_skips_a_blank_catalog():
    assert qualified_name("main", "sales", "orders") == "`main`.`sales`.`orders`"
    assert qualified_name("", "sales", "orders") == "`sales`.`orders`"
    assert qualified_name("main", "odd`schema", "t") == "`main`.`odd``schema`.`t`"


def test_explicit_tables_plus_the_tables_the_masks_select():
    lister = FakeLister(["orders", "order_tmp", "customers", "Customers_2"])
    chosen = resolve_tables(
        manifest(catalog="main", schema_name="sales", include_mask="order%,customers%", exclude_mask="%tmp",
                 tables=(TableRef("ref", "country"), TableRef("sales", "customers"))),
        lister,
    )

    assert lister.calls == [("main", "sales")]
    assert chosen == [
        TableRef("ref", "country"),
        TableRef("sales", "customers"),  # explicit and matched: once
        TableRef("sales", "orders"),
        TableRef("sales", "Customers_2"),
    ]


def test_explicit_tables_only_when_no_include_mask():
    lister = FakeLister(["orders"])
    chosen = resolve_tables(manifest(schema_name="sales", tables=(TableRef("sales", "a"),)), lister)
    assert chosen == [TableRef("sales", "a")] and lister.calls == []


def test_exclude_mask_filters_discovery_but_not_explicit_tables():
    chosen = resolve_tables(
        manifest(schema_name="s", include_mask="%", exclude_mask="tmp%", tables=(TableRef("s", "tmp_keep"),)),
        FakeLister(["tmp_keep", "tmp_drop", "real"]),
    )
    assert chosen == [TableRef("s", "tmp_keep"), TableRef("s", "real")]


def test_no_explicit_tables_and_no_mask_profiles_the_whole_schema():
    assert resolve_tables(manifest(schema_name="s"), FakeLister(["a", "b"])) == [TableRef("s", "a"), TableRef("s", "b")]


def test_unlistable_schema_is_tolerated_when_explicit_tables_remain():
    chosen = resolve_tables(
        manifest(schema_name="gone", include_mask="%", tables=(TableRef("s", "a"),)),
        FakeLister(error=RuntimeError("SCHEMA_NOT_FOUND")),
    )
    assert chosen == [TableRef("s", "a")]


@pytest.mark.parametrize(
    ("fields", "lister"),
    [
        ({"schema_name": "gone"}, FakeLister(error=RuntimeError("SCHEMA_NOT_FOUND"))),
        ({"schema_name": "s", "include_mask": "x%"}, FakeLister(["a"])),
        ({}, FakeLister(["a"])),
    ],
)
def test_nothing_to_profile_is_an_error(fields, lister):
    with pytest.raises(NoTablesToProfile):
        resolve_tables(manifest(**fields), lister)


def test_a_failed_run_names_the_catalog_schema_and_masks():
    with pytest.raises(NoTablesToProfile) as empty:
        resolve_tables(manifest(catalog="main", schema_name="shop", include_mask="zzz%"), FakeLister(["orders"]))
    spark_error = RuntimeError("[SCHEMA_NOT_FOUND] The schema `no_such` cannot be found.\nTo tolerate the error on "
                               "drop use DROP SCHEMA IF EXISTS.")
    with pytest.raises(NoTablesToProfile) as missing:
        resolve_tables(manifest(catalog="main", schema_name="no_such"), FakeLister(error=spark_error))

    assert "`main`.`shop` (catalog 'main', schema 'shop', include mask 'zzz%', exclude mask" in str(empty.value)
    assert "catalog 'main', schema 'no_such'" in str(missing.value)
    assert "schema does not exist or cannot be read ([SCHEMA_NOT_FOUND]" in str(missing.value)
    assert "DROP SCHEMA" not in str(missing.value)


def test_spark_lister_lists_schema_tables_and_views_but_not_temp_views(spark, tmp_path):
    for name in ("orders", "order_lines"):
        spark.range(3).write.parquet(str(tmp_path / name))
    register_local_tables(spark, {("rt_listing", name): str(tmp_path / name) for name in ("orders", "order_lines")})
    spark.sql("CREATE OR REPLACE VIEW rt_listing.order_summary AS SELECT 1 AS one")
    spark.range(1).createOrReplaceTempView("rt_listing_temp_view")

    lister = spark_table_lister(spark)

    assert lister("", "rt_listing") == ["order_lines", "order_summary", "orders"]
    assert lister("spark_catalog", "rt_listing") == ["order_lines", "order_summary", "orders"]
    assert json.dumps(lister("spark_catalog", "rt_listing"))  # plain strings
