import pytest


def pytest_collection_modifyitems(items):
    # Every test under tests/notebooks runs on local Spark (CI runs these on the SQLite pass only).
    for item in items:
        if "tests/notebooks" in str(item.fspath):
            item.add_marker(pytest.mark.spark)
