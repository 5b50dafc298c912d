# Databricks notebook source
# MAGIC %md
# MAGIC # Data quality profiling
# MAGIC
# MAGIC Run by the table group's Databricks job (`jobs/run-now`), one run per profile run. It reads the widgets
# MAGIC `table_group_id`, `profile_run_id`, `payload_path`, `callback_url`, `callback_token` (and optionally
# MAGIC `catalog`, `schema_name`, `include_mask`, `exclude_mask`), fetches the run's manifest from the API,
# MAGIC profiles the tables with `dq_profiler`, writes the result document to `payload_path`, posts the same
# MAGIC document to `callback_url`, and exits with a short JSON summary.
# MAGIC
# MAGIC The logic lives in `dq_profiler/runtime/`, next to this notebook. Run as a plain script
# MAGIC (`python notebooks/profiling.py`), it uses local Spark and takes its widgets from `DQ_WIDGET_<name>`
# MAGIC environment variables: see `dq_profiler/runtime/local_mode.py`.

# COMMAND ----------

# Make the dq_profiler package beside this notebook importable, wherever the notebook runs.
import os
import sys


def _notebook_directories() -> list[str]:
    candidates = []
    if "__file__" in globals():  # run as a script
        candidates.append(os.path.dirname(os.path.abspath(__file__)))
    if "dbutils" in globals():  # on Databricks: the notebook's workspace path, as a file-system path
        try:
            notebook_path = dbutils.notebook.entry_point.getDbutils().notebook().getContext().notebookPath().get()
            workspace_path = notebook_path if notebook_path.startswith("/Workspace/") else "/Workspace" + notebook_path
            candidates.append(os.path.dirname(workspace_path))
        except Exception:  # noqa: BLE001 - not every compute exposes the context; the working directory remains
            pass
    candidates.append(os.getcwd())  # Repos and workspace files start a notebook in its own folder
    return candidates


_notebook_directory = next(
    (directory for directory in _notebook_directories() if os.path.isdir(os.path.join(directory, "dq_profiler"))),
    None,
)
if _notebook_directory is None:
    raise ImportError(f"dq_profiler not found beside the notebook (looked in {_notebook_directories()})")
if _notebook_directory not in sys.path:
    sys.path.insert(0, _notebook_directory)

# COMMAND ----------

import json

from dq_profiler.runtime import RuntimeSettings, configure_logging, read_job_parameters, run_profile_job

configure_logging()
if "dbutils" in globals():  # on Databricks, `spark` and `dbutils` are predefined
    runtime_settings = RuntimeSettings()
else:  # run as a script: local Spark and a stand-in dbutils, configured from DQ_* environment variables
    from dq_profiler.runtime.local_mode import start_local_mode

    _local = start_local_mode()
    spark, dbutils, runtime_settings = _local.spark, _local.dbutils, _local.settings

# COMMAND ----------

parameters = read_job_parameters(dbutils)

# COMMAND ----------

summary = run_profile_job(spark, dbutils, parameters, settings=runtime_settings)

# COMMAND ----------

dbutils.notebook.exit(json.dumps(summary))
