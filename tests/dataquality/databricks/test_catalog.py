"""Listing a schema's tables through Unity Catalog, for the tables check: every page, one attempt each."""

import pytest
from responses import matchers

from dataquality.databricks import DatabricksNotFound, DatabricksTransientError

from .conftest import HOST

UC_TABLES = f"{HOST}/api/2.1/unity-catalog/tables"


def test_lists_the_names_of_every_page(api, client):
    api.get(UC_TABLES, json={"tables": [{"name": "orders"}], "next_page_token": "p2"},
            match=[matchers.query_param_matcher({"catalog_name": "main", "schema_name": "shop"})])
    api.get(UC_TABLES, json={"tables": [{"name": "customers"}]},
            match=[matchers.query_param_matcher({"catalog_name": "main", "schema_name": "shop", "page_token": "p2"})])

    assert client.list_table_names("main", "shop") == ["orders", "customers"]


def test_a_missing_schema_is_not_found(api, client):
    api.get(UC_TABLES, status=404, json={"error_code": "SCHEMA_DOES_NOT_EXIST", "message": "Schema 'main.x' does not exist."})

    with pytest.raises(DatabricksNotFound, match="main.x"):
        client.list_table_names("main", "x")


def test_a_busy_workspace_is_asked_once_not_retried(api, client, clock):
    api.get(UC_TABLES, status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"})

    with pytest.raises(DatabricksTransientError):
        client.list_table_names("main", "shop")
    assert clock.sleeps == [] and len(api.calls) == 1
