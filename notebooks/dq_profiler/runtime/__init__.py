"""What the profiling notebook runs around the engine: parameters, manifest, table discovery, payload delivery.

Pure standard library + PySpark, so it runs unchanged on Databricks and on local Spark. The notebook calls
`read_job_parameters` and `run_profile_job`; `local_mode` documents how to run the notebook as a script.
"""

from __future__ import annotations

import logging
import sys

from .job import PayloadNotDelivered, run_profile_job
from .parameters import JobParameters, MissingJobParameter, read_job_parameters
from .settings import RuntimeSettings

_PACKAGE_LOGGER = __name__.rsplit(".", 1)[0]  # dq_profiler, or notebooks.dq_profiler: the engine's logs too


def configure_logging(level: int = logging.INFO) -> None:
    """Send the profiler's logs to stderr, which the notebook shows (stdout is kept for the exit value locally)."""
    logger = logging.getLogger(_PACKAGE_LOGGER)
    if not any(getattr(handler, "_dq_runtime", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._dq_runtime = True  # type: ignore[attr-defined]  # marks ours, so reruns add no duplicate
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


__all__ = [
    "JobParameters",
    "MissingJobParameter",
    "PayloadNotDelivered",
    "RuntimeSettings",
    "configure_logging",
    "read_job_parameters",
    "run_profile_job",
]
