"""`complete_profile_run` without HTTP, as the monitor sweep calls it with a payload read from storage."""

import uuid

import pytest
from rest_framework.exceptions import ValidationError

from dataquality.models import ProfileAnomaly, ProfileRun, ProfileRunStatus
from dataquality.services.results.completion import RunCanceled, complete_profile_run
from tests.dataquality.fixtures.callback import load_payload, make_profile_run

pytestmark = pytest.mark.django_db


def test_a_payload_read_from_storage_completes_the_run(caplog):
    profile_run = make_profile_run()

    with caplog.at_level("INFO", logger="dataquality.services.results.completion"):
        completed = complete_profile_run(
            profile_run_id=str(profile_run.pk), payload=load_payload("full_payload"), source="payload_file"
        )

    assert completed.pk == profile_run.pk
    profile_run.refresh_from_db()
    assert (profile_run.status, profile_run.table_count, profile_run.anomaly_count) == ("completed", 3, 2)
    assert "via payload_file" in caplog.text


def test_an_invalid_payload_raises_field_errors_before_writing_anything(django_assert_num_queries):
    profile_run = make_profile_run()

    # One query: the run's state is read first, as a completed run needs no payload at all.
    with django_assert_num_queries(1), pytest.raises(ValidationError) as raised:
        complete_profile_run(profile_run_id=profile_run.pk, payload={"status": "finished", "anomalies": [{}]})

    assert set(raised.value.detail) == {"status", "anomalies"}
    assert ProfileRun.objects.get(pk=profile_run.pk).status == ProfileRunStatus.RUNNING


def test_a_payload_naming_another_run_is_refused():
    profile_run = make_profile_run()
    payload = {**load_payload("seed_payload"), "profile_run_id": str(uuid.uuid4())}

    with pytest.raises(ValidationError) as raised:
        complete_profile_run(profile_run_id=profile_run.pk, payload=payload)

    assert "profile_run_id" in raised.value.detail
    assert not ProfileAnomaly.objects.exists()


def test_a_payload_naming_its_own_run_is_accepted():
    profile_run = make_profile_run()
    payload = {**load_payload("seed_payload"), "profile_run_id": str(profile_run.pk)}
    assert complete_profile_run(profile_run_id=profile_run.pk, payload=payload).status == ProfileRunStatus.COMPLETED


def test_an_unknown_run_raises_does_not_exist():
    with pytest.raises(ProfileRun.DoesNotExist):
        complete_profile_run(profile_run_id=uuid.uuid4(), payload=load_payload("seed_payload"))
    assert not ProfileAnomaly.objects.exists()


def test_a_canceled_run_raises_and_keeps_its_state():
    profile_run = make_profile_run(status=ProfileRunStatus.CANCELED)

    with pytest.raises(RunCanceled):
        complete_profile_run(profile_run_id=profile_run.pk, payload=load_payload("seed_payload"))

    assert ProfileRun.objects.get(pk=profile_run.pk).status == ProfileRunStatus.CANCELED
    assert not ProfileAnomaly.objects.exists()
