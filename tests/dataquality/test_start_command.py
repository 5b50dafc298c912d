"""`manage.py start_profile_run`: same service as the API; `--wait` polls until the run is final."""

import base64
import json

import pytest
from django.core.management import CommandError, call_command

from dataquality.models import ProfileRun
from tests.dataquality.workspace import HOST, JOBS

pytestmark = pytest.mark.django_db


def test_prints_the_summary(workspace, table_group, capsys):
    workspace.ready()
    call_command("start_profile_run", "--table-group", str(table_group.pk))
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["status"] == "running" and summary["databricks_run_id"] == "9001"


def test_wait_polls_until_the_run_is_final_and_applies_the_payload(workspace, table_group, capsys):
    workspace.ready()
    workspace.mock.get(f"{JOBS}/runs/get", json={"state": {"life_cycle_state": "RUNNING"}})
    workspace.mock.get(f"{JOBS}/runs/get", json={"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}})
    payload = {
        "status": "completed", "row_count": 42,
        "anomalies": [{"table_name": "sales.orders", "column_name": "id", "anomaly_type": "duplicate_key_values",
                       "severity": "high", "description": "2 duplicate values"}],
        "tables": [{"schema_name": "sales", "table_name": "orders", "row_count": 42, "column_count": 1, "error": None,
                    "columns": [{"column_name": "id", "data_type": "bigint", "ordinal_position": 1, "null_count": 0}]}],
    }
    encoded = base64.b64encode(json.dumps(payload).encode()).decode()
    workspace.mock.get(f"{HOST}/api/2.0/dbfs/read", json={"bytes_read": len(json.dumps(payload)), "data": encoded})

    call_command("start_profile_run", "--table-group", str(table_group.pk), "--wait", "--poll-seconds", "0")

    run = ProfileRun.objects.get()
    assert run.status == "completed" and run.row_count == 42 and run.anomaly_count == 1
    assert run.columns.get().column_name == "id"
    final = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert final["status"] == "completed" and final["anomaly_count"] == 1


def test_wait_reports_a_failed_databricks_run(workspace, table_group):
    workspace.ready()
    workspace.mock.get(
        f"{JOBS}/runs/get",
        json={"state": {"life_cycle_state": "INTERNAL_ERROR", "state_message": "Cluster did not start"}},
    )
    with pytest.raises(CommandError, match="failed"):
        call_command("start_profile_run", "--table-group", str(table_group.pk), "--wait", "--poll-seconds", "0")
    assert "Cluster did not start" in ProfileRun.objects.get().error_message


def test_unknown_group_and_active_run_are_command_errors(workspace, table_group):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("start_profile_run", "--table-group", "999")
    ProfileRun.objects.create(table_group=table_group, status="running")
    with pytest.raises(CommandError, match="already has an active run"):
        call_command("start_profile_run", "--table-group", str(table_group.pk))
