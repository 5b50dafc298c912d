"""A finished run cannot be rewritten: the first completion wins, and a run's token does not outlive it.

Through the real callback, then read back through `/results` and the run endpoint by a staff and a non-staff
REST user, who must both see the first outcome.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from dataquality.models import ProfileColumn, ProfileRun, ProfileRunStatus
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, manifest_url, run_client, wide_payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]

FAILED_AND_EMPTY = {"status": "failed", "error_message": "overwritten", "tables": []}


@pytest.fixture(params=["staff_client", "viewer_client", "operator_client", "dq_admin_client"])
def reader(request):
    return request.getfixturevalue(request.param)


def _post(profile_run: ProfileRun, payload: dict):
    return run_client(profile_run).post(complete_url(profile_run.pk), payload, format="json")


def _seen_by(reader, profile_run: ProfileRun) -> tuple[str, int, str]:
    run = reader.get(f"/data-quality/profile-runs/{profile_run.pk}").json()
    results = reader.get(f"/data-quality/profile-runs/{profile_run.pk}/results").json()
    columns = sum(len(table["columns"]) for table in results["tables"])
    return run["status"], columns, run["error_message"]


def test_a_completed_run_answers_200_to_a_second_callback_and_changes_nothing(reader):
    profile_run = make_profile_run()
    assert _post(profile_run, wide_payload(2, 3, tag="first")).status_code == 200
    completed_at = ProfileRun.objects.get(pk=profile_run.pk).completed_at

    response = _post(profile_run, FAILED_AND_EMPTY)

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert _seen_by(reader, profile_run) == ("completed", 6, "")
    assert ProfileRun.objects.get(pk=profile_run.pk).completed_at == completed_at
    assert set(ProfileColumn.objects.values_list("min_value", flat=True)) == {"first-min"}


def test_a_malformed_repeat_of_a_completed_run_changes_nothing_either(reader):
    profile_run = make_profile_run()
    _post(profile_run, wide_payload(1, 2, tag="first"))

    response = _post(profile_run, {"status": "finished"})

    assert response.status_code == 200
    assert _seen_by(reader, profile_run) == ("completed", 2, "")


@pytest.mark.parametrize("status", [ProfileRunStatus.QUEUED, ProfileRunStatus.RUNNING, ProfileRunStatus.FAILED])
def test_queued_running_and_failed_runs_accept_a_completion(reader, status):
    profile_run = make_profile_run(status=status, error_message="Timed out." if status == "failed" else "")

    assert _post(profile_run, wide_payload(1, 4)).status_code == 200

    assert _seen_by(reader, profile_run) == ("completed", 4, "")


def test_a_canceled_run_is_409(reader):
    profile_run = make_profile_run(status=ProfileRunStatus.CANCELED, completed_at=timezone.now(), error_message="Canceled.")

    response = _post(profile_run, wide_payload(1, 4))

    assert response.status_code == 409
    assert _seen_by(reader, profile_run) == ("canceled", 0, "Canceled.")


# --- the token of a run that never finishes ---------------------------------------------------------------


@pytest.fixture
def lifetimes(settings):
    settings.PROFILE_RUN_TIMEOUT_MINUTES = 180
    settings.PROFILE_CALLBACK_GRACE_HOURS = 24
    return timedelta(minutes=180) + timedelta(hours=24)


def _calls(profile_run: ProfileRun):
    client = run_client(profile_run)
    return [
        client.get(manifest_url(profile_run.pk)),
        client.post(complete_url(profile_run.pk), wide_payload(1, 1), format="json"),
    ]


def test_the_token_of_a_run_that_never_finishes_expires_after_the_timeout_and_the_grace(reader, lifetimes):
    profile_run = make_profile_run(started_at=timezone.now() - lifetimes - timedelta(minutes=1))

    for response in _calls(profile_run):
        assert response.status_code == 401
        assert "expired" in response.json()["detail"]
    assert _seen_by(reader, profile_run) == ("running", 0, "")


def test_the_token_of_a_run_never_accepted_counts_from_when_it_was_written(lifetimes):
    profile_run = make_profile_run(status=ProfileRunStatus.QUEUED, databricks_run_id=None)
    ProfileRun.objects.filter(pk=profile_run.pk).update(created_at=timezone.now() - lifetimes - timedelta(minutes=1))

    assert [response.status_code for response in _calls(profile_run)] == [401, 401]


def test_the_token_of_a_long_run_works_until_then(reader, lifetimes):
    profile_run = make_profile_run(started_at=timezone.now() - lifetimes + timedelta(minutes=5))

    assert [response.status_code for response in _calls(profile_run)] == [200, 200]
    assert _seen_by(reader, profile_run) == ("completed", 1, "")
