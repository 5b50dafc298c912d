"""The demo's seeded history: earlier runs through the callback, and the next run judged against them."""

import copy
import json

import pytest

from dataquality.demo import history
from dataquality.models import ProfileRun
from tests.dataquality.fixtures.callback import make_profile_run, make_table_group, run_client
from tests.dataquality.monitoring.series import payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]


class StoredPayload:
    """The workspace's file system, holding the source run's payload."""

    def __init__(self, content: bytes):
        self.content = content

    def read_payload(self, path: str) -> bytes:
        return self.content


def through_the_test_client(url, *, json, headers, timeout):
    run_id = url.rstrip("/").split("/")[-2]
    response = run_client(ProfileRun.objects.get(pk=run_id)).post(url.removeprefix("http://demo"), json, format="json")
    response.raise_for_status = lambda: None if response.status_code == 200 else pytest.fail(response.content)
    return response


def test_seeded_runs_come_before_the_real_one_and_the_next_run_meets_its_baseline(monkeypatch):
    group = make_table_group()
    source = make_profile_run(group, payload_path="dbfs:/demo/source.json")
    body = {**payload(note_nulls=100), "profile_run_id": str(source.pk)}  # as the notebook writes it
    run_client(source).post(f"/data-quality/testgen/profile-runs/{source.pk}/complete", body, format="json")
    source.refresh_from_db()
    monkeypatch.setattr(history, "get_client", lambda: StoredPayload(json.dumps(body).encode()))
    assert history.needs_history(group.pk)

    seeded, planted = history.seed_history("http://demo", str(source.pk), post=through_the_test_client)

    assert (seeded, planted) == (7, "sales.orders.note")
    seeds = ProfileRun.objects.filter(requested_by=history.SEEDED_BY).order_by("created_at")
    assert seeds.count() == 7 and all(run.status == "completed" for run in seeds)
    assert seeds.last().created_at < source.created_at and seeds.last().completed_at < source.completed_at
    assert not history.needs_history(group.pk)
    second = make_profile_run(group)
    run_client(second).post(f"/data-quality/testgen/profile-runs/{second.pk}/complete", {**copy.deepcopy(body), "profile_run_id": str(second.pk)},
                              format="json")
    assert second.anomalies.filter(anomaly_type="null_share_outside_baseline", column_name="note").exists()
