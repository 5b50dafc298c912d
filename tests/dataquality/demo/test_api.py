"""The demo's REST client against the real API on a live server (Databricks faked at its HTTP boundary)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from dataquality.demo.api import DemoApi
from dataquality.models import Dataset, ProfileRun, TableGroup


@pytest.fixture
def demo_api(live_server, workspace, django_user_model) -> DemoApi:
    workspace.mock.add_passthru(live_server.url)
    user = django_user_model.objects.create_superuser(username="demo", password="unused-password-x1")
    return DemoApi(live_server.url, Token.objects.create(user=user).key)


def test_set_up_is_found_again_not_made_twice(demo_api):
    dataset = demo_api.ensure_dataset()
    group = demo_api.ensure_table_group(dataset["id"], catalog="main", schema_name="shop")

    assert demo_api.ensure_dataset()["id"] == dataset["id"]
    assert demo_api.ensure_table_group(dataset["id"], catalog="main", schema_name="shop")["id"] == group["id"]
    assert Dataset.objects.count() == 1 and TableGroup.objects.count() == 1
    assert (group["catalog"], group["schema_name"]) == ("main", "shop")


def test_a_run_left_active_by_an_interrupted_demo_is_canceled_before_the_new_one(demo_api, workspace):
    workspace.ready()
    workspace.accepts("runs/cancel")
    dataset = demo_api.ensure_dataset()
    group = demo_api.ensure_table_group(dataset["id"], catalog="main", schema_name="shop")
    stale = demo_api.start_run(group["id"])

    fresh = demo_api.start_run(group["id"])

    assert fresh["profile_run_id"] != stale["profile_run_id"]
    assert ProfileRun.objects.get(pk=stale["profile_run_id"]).status == "canceled"
    assert ProfileRun.objects.get(pk=fresh["profile_run_id"]).status == "running"
    assert len(workspace.calls_to("runs/cancel")) == 1
