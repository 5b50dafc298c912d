import logging

import pytest

from notebooks.dq_profiler.local_spark import local_spark_session


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole run, so the suite stays fast.

    Code generation must not fall back: a generated method past the JVM's 64 KB limit fails the test instead of
    quietly running the stage interpreted (and logging a compile error on every run)."""
    session = local_spark_session("dq-profiler-tests", cores="2", **{"spark.sql.codegen.fallback": "false"})
    yield session
    session.stop()
    # py4j logs from finalizers after pytest has closed its streams; keep that noise out of the output.
    logging.getLogger("py4j").setLevel(logging.WARNING)


def pytest_collection_modifyitems(items):
    # Every test under tests/notebooks runs on local Spark (CI runs these on the SQLite pass only).
    for item in items:
        if "tests/notebooks" in str(item.fspath):
            item.add_marker(pytest.mark.spark)
