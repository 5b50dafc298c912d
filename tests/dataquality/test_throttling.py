"""REST API throttles: API_THROTTLE_USER per user, API_THROTTLE_ANON per address; the notebook's endpoints are
not throttled per user."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.permissions import AllowAny
from rest_framework.throttling import SimpleRateThrottle

from dataquality.api.docs import SchemaView
from tests.dataquality.fixtures.callback import manifest_url, make_profile_run, run_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]


@pytest.fixture
def rates(monkeypatch):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    yield
    cache.clear()


def test_the_shipped_rates_are_generous_for_scripts_and_dashboards():
    # The suite raises them (tests/settings.py): read the project's settings as a deployment without them would.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("API_THROTTLE_")}
    shown = subprocess.run(
        [sys.executable, "-c", "from conversioncentral import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"],
        env=environment, capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert ast.literal_eval(shown) == {"anon": "60/min", "user": "2000/min"}


def test_a_user_past_the_rate_gets_429(rates, viewer_client):
    answers = [viewer_client.get("/data-quality/datasets").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_anonymous_callers_past_the_rate_get_429(rates, client, monkeypatch):
    # DRF throttles after the permission check: an anonymous caller is counted where it is let in, here the
    # schema as API_DOCS_PUBLIC=true serves it.
    monkeypatch.setattr(SchemaView, "permission_classes", [AllowAny])
    answers = [client.get("/api/schema").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_the_notebooks_endpoints_are_not_throttled_per_user(rates):
    run = make_profile_run()
    notebook = run_client(run)
    assert {notebook.get(manifest_url(run.pk)).status_code for _ in range(6)} == {200}
