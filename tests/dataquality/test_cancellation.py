"""Canceling a run: Databricks first, then our row, whatever the launch is doing meanwhile."""

import pytest

from dataquality.models import ProfileRun, ProfileRunStatus
from dataquality.services.launch.cancellation import cancel_profile_run

pytestmark = pytest.mark.django_db


def test_a_run_submitted_while_the_cancel_was_on_its_way_is_canceled_on_databricks(workspace, table_group):
    seen_queued = ProfileRun.objects.create(table_group=table_group)
    # The launch stores the Databricks run id after the caller read the run as queued.
    ProfileRun.objects.filter(pk=seen_queued.pk).update(status=ProfileRunStatus.RUNNING, databricks_run_id="9001")
    workspace.accepts("runs/cancel")

    canceled = cancel_profile_run(profile_run=seen_queued, requested_by="ann")

    assert workspace.bodies("runs/cancel") == [{"run_id": 9001}]
    assert canceled.status == ProfileRunStatus.CANCELED


def test_a_queued_run_never_submitted_is_canceled_without_calling_databricks(workspace, table_group):
    run = ProfileRun.objects.create(table_group=table_group)

    canceled = cancel_profile_run(profile_run=run)

    assert len(workspace.mock.calls) == 0
    assert (canceled.status, canceled.error_message) == (ProfileRunStatus.CANCELED, "Canceled.")
