"""Writing a run's results to the lakehouse (contract section 12.1), between profiling and the callback.

A failure to write never costs the run its callback: it is logged, and the document says so under `results` and
in its `warnings`, which the service keeps with the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..results_rows import RESULTS_SCHEMA_PATTERN, result_rows
from ..results_writers import DeltaRsWriter, ResultsWriter, SparkDeltaWriter, write_results

logger = logging.getLogger(__name__)


class InvalidResultsSchema(ValueError):
    """`results_schema` is not `catalog.schema`."""


def results_writer(spark: Any, results_schema: str, *, local_root: str = "") -> ResultsWriter:
    """Spark's Delta writer on Databricks; delta-rs under `local_root/<catalog>/<schema>` in local mode."""
    if not RESULTS_SCHEMA_PATTERN.match(results_schema):
        raise InvalidResultsSchema(f"results_schema must be catalog.schema, got {results_schema!r}")
    if local_root:
        return DeltaRsWriter(Path(local_root).joinpath(*results_schema.split(".")))
    return SparkDeltaWriter(spark, results_schema)


def write_run_results(
    document: dict[str, Any], *, spark: Any, results_schema: str, profile_run_id: str, table_group_id: str,
    local_root: str = "",
) -> dict[str, Any]:
    """The document with the outcome of writing its rows to `results_schema` (unchanged when none is set)."""
    if not results_schema:
        return document
    return record_results(
        document, lambda: results_writer(spark, results_schema, local_root=local_root), target=results_schema,
        profile_run_id=profile_run_id, table_group_id=table_group_id,
    )


def record_results(
    document: dict[str, Any], make_writer: Callable[[], ResultsWriter], *, target: str, profile_run_id: str,
    table_group_id: str | None,
) -> dict[str, Any]:
    """Write the document's rows with the writer `make_writer` gives; the document says how that went."""
    try:
        rows = result_rows(document, profile_run_id=profile_run_id, table_group_id=table_group_id)
        write_results(make_writer(), rows, profile_run_id=profile_run_id)
    except Exception as error:  # noqa: BLE001 - the callback must go out whatever the lakehouse did
        logger.exception("Could not write the results to %s", target)
        message = f"The results were not written to {target}: {type(error).__name__}: {error}"[:2000]
        return {
            **document,
            "results": {"schema": target, "written": False, "error": message},
            "warnings": [*(document.get("warnings") or []), message],
        }
    logger.info("Results written to %s", target)
    return {**document, "results": {"schema": target, "written": True, "error": None}}
