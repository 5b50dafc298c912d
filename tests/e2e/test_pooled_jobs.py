"""Pooled job mode end to end: two groups share one job on the stand-in, each run profiling its own tables."""

from __future__ import annotations

from dataquality.demo.warehouse import CATALOG, SCHEMA
from dataquality.models import PooledJob


def _group(rest_api, name: str, include_mask: str) -> int:
    dataset = rest_api.post("/data-quality/datasets", {"name": f"Shop {name}"})
    assert dataset.status_code == 201, dataset.text
    group = rest_api.post("/data-quality/table-groups", {
        "dataset": dataset.json()["id"], "name": name, "catalog": CATALOG, "schema_name": SCHEMA,
        "include_mask": include_mask,
    })
    assert group.status_code == 201, group.text
    return group.json()["id"]


def test_two_groups_share_one_pooled_job_and_each_run_reads_its_own_tables(rest_api, workspace, app_settings):
    app_settings.DATABRICKS_JOB_MODE = "pooled"
    app_settings.DATABRICKS_POOLED_MAX_CONCURRENT_RUNS = 2
    customers, orders = _group(rest_api, "customers", "customers"), _group(rest_api, "orders", "orders")

    first, second = rest_api.start_run(customers), rest_api.start_run(orders)

    (pooled,) = PooledJob.objects.all()
    assert first["databricks_job_id"] == second["databricks_job_id"] == pooled.job_id
    for summary, table in ((first, "customers"), (second, "orders")):
        run = rest_api.wait_until_final(summary["profile_run_id"])
        assert run["status"] == "completed", run
        results = rest_api.get(f"/data-quality/profile-runs/{summary['profile_run_id']}/results").json()
        assert {t["table_name"] for t in results["tables"]} == {table}
    assert len(workspace.runs_of_job(pooled.job_id)) == 2
    # max_concurrent_runs 2: the second run executed while the first was still going, not queued behind it.
    ended = [workspace.wait_until_ended(summary["databricks_run_id"]) for summary in (first, second)]
    second_began = ended[1]["start_time"] + ended[1]["queue_duration"]
    assert second_began < ended[0]["end_time"]
