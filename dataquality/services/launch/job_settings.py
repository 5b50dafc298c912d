"""The settings of a table group's Databricks job, and their fingerprint.

The job is pushed again (`jobs/reset`) whenever the fingerprint of what we would push differs from the
one stored on the group, so a change of notebook path, compute, git source or timeout reaches Databricks.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings

from dataquality.databricks.errors import DatabricksNotConfigured
from dataquality.models import Connection, TableGroup

NOTEBOOK_RELATIVE_PATH = "notebooks/profiling"
JOB_CLUSTER_KEY = "profiling"
TASK_KEY = "profile"
TAG_TABLE_GROUP = "conversioncentral_table_group_id"
TAG_JOB_PREFIX = "conversioncentral_job_prefix"
TAG_JOB_MODE = "conversioncentral_job_mode"
POOLED = "pooled"
# The widgets the notebook reads (contract section 4), then the extras it needs without the API.
REQUIRED_PARAMETERS = ("table_group_id", "profile_run_id", "payload_path", "callback_url", "callback_token")
OPTIONAL_PARAMETERS = (
    "catalog", "schema_name", "include_mask", "exclude_mask", "callback_retry_minutes", "results_schema",
)


# DATABRICKS_PROFILE_JOB_VIEWERS entries are `kind:name`; the kinds map to the Jobs API's principal fields.
VIEWER_KINDS = {"user": "user_name", "group": "group_name", "service_principal": "service_principal_name"}


def job_access_control_list() -> list[dict]:
    """CAN_VIEW for the principals DATABRICKS_PROFILE_JOB_VIEWERS names, for `jobs/create`.

    A run's parameters carry its callback token, and anyone who may view the job's runs can read them, so
    nobody views them beyond the job's owner (the app's identity), the workspace admins and these principals.
    `jobs/reset` takes no ACL: the list applies when a job is created (see the README).
    """
    acl = []
    for entry in settings.DATABRICKS_PROFILE_JOB_VIEWERS:
        kind, _, name = entry.partition(":")
        if kind not in VIEWER_KINDS or not name.strip():
            raise DatabricksNotConfigured(
                f"DATABRICKS_PROFILE_JOB_VIEWERS: {entry!r} is not one of "
                f"{', '.join(f'{kind}:NAME' for kind in VIEWER_KINDS)}."
            )
        acl.append({VIEWER_KINDS[kind]: name.strip(), "permission_level": "CAN_VIEW"})
    return acl


def pooled_mode() -> bool:
    return settings.DATABRICKS_JOB_MODE == POOLED


def job_name(table_group: TableGroup) -> str:
    return f"{settings.DATABRICKS_PROFILE_JOB_PREFIX}-{table_group.pk}"


def pooled_job_name() -> str:
    return f"{settings.DATABRICKS_PROFILE_JOB_PREFIX}-{POOLED}"


def job_tags(table_group: TableGroup) -> dict[str, str]:
    return {TAG_TABLE_GROUP: str(table_group.pk), TAG_JOB_PREFIX: settings.DATABRICKS_PROFILE_JOB_PREFIX}


def pooled_job_tags() -> dict[str, str]:
    """No group id: the group is a run parameter, and the mode tag tells this job from a group's."""
    return {TAG_JOB_MODE: POOLED, TAG_JOB_PREFIX: settings.DATABRICKS_PROFILE_JOB_PREFIX}


def _notebook_task() -> tuple[dict, dict | None]:
    """The notebook task and, when the notebook comes from Git, the job's `git_source`."""
    if settings.DATABRICKS_PROFILE_GIT_URL:
        git_source = {
            "git_url": settings.DATABRICKS_PROFILE_GIT_URL,
            "git_provider": settings.DATABRICKS_PROFILE_GIT_PROVIDER,
            "git_branch": settings.DATABRICKS_PROFILE_GIT_BRANCH,
        }
        return {"notebook_path": NOTEBOOK_RELATIVE_PATH, "source": "GIT"}, git_source
    return {"notebook_path": "", "source": "WORKSPACE"}, None


def _compute(connection: Connection | None) -> tuple[dict, list[dict]]:
    """Task compute fields and job clusters: an existing cluster, else a new job cluster, else serverless."""
    cluster_id = (connection.cluster_id if connection else "") or settings.DATABRICKS_PROFILE_CLUSTER_ID
    if cluster_id:
        return {"existing_cluster_id": cluster_id}, []
    if settings.DATABRICKS_PROFILE_SPARK_VERSION and settings.DATABRICKS_PROFILE_NODE_TYPE_ID:
        new_cluster = {
            "spark_version": settings.DATABRICKS_PROFILE_SPARK_VERSION,
            "node_type_id": settings.DATABRICKS_PROFILE_NODE_TYPE_ID,
            "num_workers": settings.DATABRICKS_PROFILE_NUM_WORKERS,
        }
        policy_id = (connection.policy_id if connection else "") or settings.DATABRICKS_PROFILE_POLICY_ID
        if policy_id:
            new_cluster["policy_id"] = policy_id
        return {"job_cluster_key": JOB_CLUSTER_KEY}, [{"job_cluster_key": JOB_CLUSTER_KEY, "new_cluster": new_cluster}]
    return {}, []  # serverless: a notebook task without compute runs on serverless jobs compute


def build_job_settings(table_group: TableGroup) -> dict:
    """The full `settings` object for `jobs/create` and `jobs/reset`.

    A pooled job is shared by every group of the workspace, so it takes its notebook and compute from the
    settings alone (a connection's overrides would make the groups fight over one job's settings), and every
    per-group value, the group id included, comes from run-now's parameters."""
    pooled = pooled_mode()
    connection = None if pooled else table_group.connection
    notebook_task, git_source = _notebook_task()
    if not git_source:
        notebook_task["notebook_path"] = (
            connection.profiling_notebook_path if connection else ""
        ) or settings.DATABRICKS_PROFILE_NOTEBOOK_PATH
        if not notebook_task["notebook_path"]:
            raise DatabricksNotConfigured(
                "no profiling notebook: set DATABRICKS_PROFILE_NOTEBOOK_PATH, the connection's "
                "profiling_notebook_path, or DATABRICKS_PROFILE_GIT_URL"
            )
    task_compute, job_clusters = _compute(connection)
    job_settings: dict = {
        "name": pooled_job_name() if pooled else job_name(table_group),
        "tags": pooled_job_tags() if pooled else job_tags(table_group),
        "max_concurrent_runs": settings.DATABRICKS_POOLED_MAX_CONCURRENT_RUNS if pooled else 1,
        "timeout_seconds": settings.PROFILE_RUN_TIMEOUT_MINUTES * 60,
        "parameters": [{"name": "table_group_id", "default": "" if pooled else str(table_group.pk)}]
        + [{"name": name, "default": ""} for name in REQUIRED_PARAMETERS[1:] + OPTIONAL_PARAMETERS],
        "tasks": [{"task_key": TASK_KEY, "notebook_task": notebook_task, **task_compute}],
    }
    if job_clusters:
        job_settings["job_clusters"] = job_clusters
    if git_source:
        job_settings["git_source"] = git_source
    return job_settings


def fingerprint(job_settings: dict) -> str:
    canonical = json.dumps(job_settings, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
