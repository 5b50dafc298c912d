"""The stand-in's Unity Catalog tables API serves the tables of its warehouse folder."""

from tests.dataquality.emulator.conftest import Api


def _warehouse(emulator):
    root = emulator.config.warehouse_root / "main" / "shop"
    (root / "orders").mkdir(parents=True)
    (root / "customers.csv").write_text("id\n1\n")
    (root / "notes.txt").write_text("not a table")
    return root


def test_lists_the_tables_of_a_schema(emulator):
    _warehouse(emulator)

    answer = Api(emulator.url).get("/api/2.1/unity-catalog/tables", catalog_name="main", schema_name="SHOP")

    assert answer.status_code == 200
    assert [(t["name"], t["full_name"]) for t in answer.json()["tables"]] == [
        ("customers", "main.shop.customers"), ("orders", "main.shop.orders")]


def test_a_missing_schema_or_catalog_is_a_404_naming_it(emulator):
    _warehouse(emulator)
    api = Api(emulator.url)

    schema = api.get("/api/2.1/unity-catalog/tables", catalog_name="main", schema_name="nope")
    catalog = api.get("/api/2.1/unity-catalog/tables", catalog_name="other", schema_name="shop")

    assert (schema.status_code, schema.json()["error_code"]) == (404, "SCHEMA_DOES_NOT_EXIST")
    assert "main.nope" in schema.json()["message"]
    assert (catalog.status_code, catalog.json()["error_code"]) == (404, "CATALOG_DOES_NOT_EXIST")


def test_catalog_and_schema_are_required(emulator):
    assert Api(emulator.url).get("/api/2.1/unity-catalog/tables", catalog_name="main").status_code == 400
