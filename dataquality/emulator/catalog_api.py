"""Unity Catalog's tables API, `GET /api/2.1/unity-catalog/tables?catalog_name=..&schema_name=..`, over the
warehouse folder: `<warehouse>/<catalog>/<schema>/<table>` (a directory, or a `.parquet` or `.csv` file whose
suffix is not part of the name). Catalog and schema names match case-insensitively, as Spark's identifiers do.
One page holds every table; a missing catalog or schema is a 404 in Databricks' words."""

from __future__ import annotations

from pathlib import Path

from .errors import ApiError, invalid_parameter
from .params import ApiRequest

TABLES_PATH = "/api/2.1/unity-catalog/tables"
TABLE_FILE_SUFFIXES = (".parquet", ".csv")


class CatalogApi:
    def __init__(self, warehouse_root: Path) -> None:
        self._root = warehouse_root

    def list_tables(self, request: ApiRequest) -> dict:
        catalog = request.query.get("catalog_name", "").strip()
        schema = request.query.get("schema_name", "").strip()
        if not catalog or not schema:
            raise invalid_parameter("Missing required parameters: catalog_name and schema_name.")
        catalog_dir = _child(self._root, catalog)
        if catalog_dir is None:
            raise ApiError(404, "CATALOG_DOES_NOT_EXIST", f"Catalog '{catalog}' does not exist.")
        schema_dir = _child(catalog_dir, schema)
        if schema_dir is None:
            raise ApiError(404, "SCHEMA_DOES_NOT_EXIST", f"Schema '{catalog}.{schema}' does not exist.")
        names = sorted(_table_name(entry) for entry in schema_dir.iterdir() if _is_table(entry))
        return {"tables": [
            {"name": name, "catalog_name": catalog_dir.name, "schema_name": schema_dir.name,
             "full_name": f"{catalog_dir.name}.{schema_dir.name}.{name}", "table_type": "EXTERNAL"}
            for name in names
        ]}


def _child(parent: Path, name: str) -> Path | None:
    if not parent.is_dir():
        return None
    return next((entry for entry in parent.iterdir() if entry.is_dir() and entry.name.lower() == name.lower()), None)


def _is_table(entry: Path) -> bool:
    return entry.is_dir() or (entry.is_file() and entry.suffix.lower() in TABLE_FILE_SUFFIXES)


def _table_name(entry: Path) -> str:
    return entry.stem if entry.is_file() else entry.name
