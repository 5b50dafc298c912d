"""The shared rate limit on Databricks calls (DATABRICKS_MAX_CALLS_PER_SECOND, docs/launch-control.md)."""

import pytest
import responses

from dataquality.databricks import DatabricksClient, DatabricksRateLimited
from dataquality.models import WorkspaceLaunchGate
from dataquality.services.access.workspaces import get_client
from dataquality.services.launch.call_pacing import CallPacer
from tests.dataquality.workspace import HOST, JOBS

pytestmark = pytest.mark.django_db


class FrozenClock:
    """Time stands still unless a caller sleeps: the waits pacers ask for are what is measured."""

    def __init__(self):
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def pacer(clock: FrozenClock, rate: float = 10, max_wait: float = 1.0, host: str = HOST) -> CallPacer:
    return CallPacer(host, rate, max_wait, clock=clock.time, sleep=clock.sleep)


def test_calls_are_spaced_one_interval_apart_across_pacers_of_one_workspace():
    clock = FrozenClock()
    first_process, second_process = pacer(clock), pacer(clock)  # two processes' pacers share the database row

    for call in range(4):
        (first_process if call % 2 else second_process)()

    assert clock.slept == [0.1, 0.2, 0.3]  # the first call goes at once, each next one 100 ms after the last


def test_workspaces_have_separate_budgets():
    clock = FrozenClock()
    pacer(clock)()
    pacer(clock, host="https://other.cloud.databricks.com")()
    assert clock.slept == []
    assert WorkspaceLaunchGate.objects.count() == 2


def test_a_slot_further_off_than_the_longest_wait_is_refused_and_not_taken():
    clock = FrozenClock()
    paced = pacer(clock, rate=2, max_wait=1.0)
    paced(), paced(), paced()  # slots at 0, 0.5 and 1.0 s
    taken = WorkspaceLaunchGate.objects.get().next_call_us

    with pytest.raises(DatabricksRateLimited) as refused:
        paced()  # its slot would be 1.5 s away

    assert refused.value.retry_after == pytest.approx(1.5)
    assert "DATABRICKS_MAX_CALLS_PER_SECOND" in str(refused.value)
    assert WorkspaceLaunchGate.objects.get().next_call_us == taken


def test_time_passing_frees_the_budget():
    clock = FrozenClock()
    paced = pacer(clock, rate=10)
    paced(), paced()
    clock.now += 5
    paced()
    assert clock.slept == [0.1]


def test_no_limit_makes_no_pacer(settings):
    settings.DATABRICKS_MAX_CALLS_PER_SECOND = 0
    assert CallPacer.from_settings(HOST) is None


def test_the_client_paces_every_attempt_retries_included():
    paced = []
    client = DatabricksClient(
        HOST, token="dapi-x", retry_max_seconds=30, sleep=lambda _: None, pace=lambda: paced.append(1)
    )
    with responses.RequestsMock() as mock:
        mock.get(f"{JOBS}/runs/get", status=503, json={})
        mock.get(f"{JOBS}/runs/get", json={"run_id": 1})
        client.get_run(1)
    assert len(paced) == 2


def test_a_refused_slot_stops_the_call_before_it_is_sent():
    def refuse():
        raise DatabricksRateLimited("no slot", retry_after=3)

    client = DatabricksClient(HOST, token="dapi-x", pace=refuse)
    with responses.RequestsMock() as mock, pytest.raises(DatabricksRateLimited):
        client.get_run(1)
    assert len(mock.calls) == 0


def test_the_app_s_clients_share_the_workspace_s_pace(databricks_settings):
    databricks_settings.DATABRICKS_MAX_CALLS_PER_SECOND = 1000
    client = get_client()
    with responses.RequestsMock() as mock:
        mock.get(f"{JOBS}/runs/get", json={"run_id": 1})
        client.get_run(1)
    gate = WorkspaceLaunchGate.objects.get(workspace_host=HOST)
    assert gate.next_call_us > 0
