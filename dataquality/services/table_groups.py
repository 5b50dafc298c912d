"""Deleting a table group deletes its Databricks job too, so no orphan job keeps a schedule or a cost."""

from __future__ import annotations

from dataquality.databricks import DatabricksNotFound
from dataquality.models import TableGroup
from dataquality.services.workspaces import get_client


def delete_table_group(*, table_group: TableGroup, client_factory=get_client) -> None:
    if table_group.profiling_job_id:
        client = client_factory(table_group.connection)
        try:
            client.delete_job(table_group.profiling_job_id)
        except DatabricksNotFound:
            pass  # deleted on the Databricks side already
    table_group.delete()
