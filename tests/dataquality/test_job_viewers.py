"""The job is created with an ACL: the run parameters carry callback tokens, so only the owner, the workspace
admins and the principals DATABRICKS_PROFILE_JOB_VIEWERS names may view its runs."""

import pytest

from dataquality.models import ProfileRun, TableGroup
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["staff_client", "operator_client", "dq_admin_client"])
def starter(request):
    return request.getfixturevalue(request.param)


def _start(client, table_group):
    return client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs")


def test_the_job_is_created_viewable_only_by_the_named_principals(starter, workspace, table_group, settings):
    settings.DATABRICKS_PROFILE_JOB_VIEWERS = [
        "user:ann@example.com", "group:dq-operators", "service_principal:6f1c2d3e-0000-4000-8000-000000000001",
    ]
    workspace.ready()

    assert _start(starter, table_group).status_code == 202

    (created,) = workspace.bodies("create")
    assert created["access_control_list"] == [
        {"user_name": "ann@example.com", "permission_level": "CAN_VIEW"},
        {"group_name": "dq-operators", "permission_level": "CAN_VIEW"},
        {"service_principal_name": "6f1c2d3e-0000-4000-8000-000000000001", "permission_level": "CAN_VIEW"},
    ]


def test_by_default_nobody_is_granted_anything_beyond_the_owner(starter, workspace, table_group, settings):
    settings.DATABRICKS_PROFILE_JOB_VIEWERS = []
    workspace.ready()

    assert _start(starter, table_group).status_code == 202

    (created,) = workspace.bodies("create")
    assert "access_control_list" not in created


def test_reset_never_carries_an_acl(starter, workspace, table_group, settings):
    """jobs/reset takes no access_control_list: the list applies when the job is created."""
    settings.DATABRICKS_PROFILE_JOB_VIEWERS = ["group:dq-operators"]
    TableGroup.objects.filter(pk=table_group.pk).update(
        profiling_job_id="101", profiling_job_host=HOST, job_settings_fingerprint="stale"
    )
    workspace.accepts("reset")
    workspace.accepts_run_now()

    assert _start(starter, table_group).status_code == 202

    (reset,) = workspace.bodies("reset")
    assert "access_control_list" not in reset and "access_control_list" not in reset["new_settings"]
    assert not workspace.calls_to("create")


@pytest.mark.parametrize("entry", ["ann@example.com", "role:admins", "group:", "user: "])
def test_a_malformed_viewer_is_503_naming_the_setting_to_staff_and_starts_nothing(
    starter, workspace, table_group, settings, entry
):
    settings.DATABRICKS_PROFILE_JOB_VIEWERS = [entry]

    response = _start(starter, table_group)

    assert response.status_code == 503
    named = "DATABRICKS_PROFILE_JOB_VIEWERS" in response.json()["detail"]
    assert named == response.wsgi_request.user.is_staff  # other users are not told the settings' names
    assert not ProfileRun.objects.exists()
    assert not workspace.mock.calls



@pytest.mark.parametrize("client", ["viewer_client", "api_client"])
def test_users_who_may_not_start_runs_create_no_job(request, workspace, table_group, settings, client):
    settings.DATABRICKS_PROFILE_JOB_VIEWERS = ["group:dq-operators"]

    response = _start(request.getfixturevalue(client), table_group)

    assert response.status_code == 403
    assert not workspace.mock.calls and not ProfileRun.objects.exists()
