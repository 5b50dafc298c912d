import pytest
import responses

from dataquality.databricks.client import DatabricksClient

HOST = "https://adb-1234.5.azuredatabricks.net"
PAT = "dapi-personal-access-token-0001"


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api():
    """Every registered answer must be used, and any request that matches none fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def make_client(clock: FakeClock, retry_max_seconds: float = 30, **credentials) -> DatabricksClient:
    return DatabricksClient(
        HOST,
        timeout=5,
        retry_max_seconds=retry_max_seconds,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        random=lambda: 0.5,
        **(credentials or {"token": PAT}),
    )


@pytest.fixture
def client(clock) -> DatabricksClient:
    return make_client(clock)
