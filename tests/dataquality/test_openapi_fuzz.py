"""Schemathesis against the project's own OpenAPI schema, in process through the WSGI app.

Every operation gets schema examples, boundary values (coverage phase: ids of 0 and 2**63, wrong types,
unknown fields) and random positive and negative data, sent with a REST token of each shipped role and of
a user without permissions in turn, against a fake Databricks that accepts everything. No answer may be a
server error: a 5xx is a bug, except the contract's 502/503 naming Databricks (a refusal, or a connection
whose secret is not set). The notebook's two endpoints are fuzzed apart, with a valid token of one run, so
that their bodies reach the payload parsing. Bounded by the number of examples: about 40 s of CPU.
"""

from __future__ import annotations

import itertools
import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token

from conversioncentral.wsgi import application
from dataquality.models import ProfileAnomaly, ProfileRun, Table, TableGroup
from dataquality.services.results.callback_tokens import make_callback_token
from tests.conftest import user_as

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12
ROLES = ["no permission", "dq_viewer", "dq_operator", "dq_admin", "staff"]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "database": "none"},
        # Coverage: boundary and out-of-range values of every parameter (how 2**63 ids are found).
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
    }
)


# Each example goes out with the next role's token in turn, so every role meets every kind of input.
ROLE_TURNS = itertools.cycle(ROLES)


@pytest.fixture
def tokens(django_user_model) -> dict[str, str]:
    """A REST token per role."""
    return {name: Token.objects.create(user=user_as(django_user_model, name)).key for name in ROLES}


@pytest.fixture
def stored(table_group):
    """Some rows for generated ids to find (the first ids are the likeliest)."""
    Table.objects.create(table_group=table_group, schema_name="sales", table_name="orders")
    run = ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9001")
    ProfileAnomaly.objects.create(
        profile_run=run, table_name="sales.orders", anomaly_type="x", severity="high", description="d", detected_at=timezone.now()
    )
    TableGroup.objects.create(dataset=table_group.dataset, name="second", schema_name="crm")


@pytest.fixture
def wsgi_app():
    """The real WSGI app, kept from closing the test's database connection after each request
    (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def databricks(workspace):
    workspace.ready()
    workspace.accepts("runs/cancel")
    workspace.accepts("delete")
    return workspace


# The schema `/api/schema` serves (test_the_served_schema_is_the_one_fuzzed), generated in process because
# serving it needs a login and the database is not open while tests are collected.
OPENAPI = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)
schema.app = application


def test_the_served_schema_is_the_one_fuzzed(viewer_client):
    assert viewer_client.get("/api/schema?format=json").json() == json.loads(json.dumps(OPENAPI))


@schemathesis.check
def no_server_error(ctx, response, case):
    if response.status_code < 500:
        return None
    detail = ""
    if response.headers.get("Content-Type", [""])[0].startswith("application/json"):
        detail = str(response.json().get("detail", ""))
    if response.status_code in (502, 503) and "Databricks" in detail:
        return None  # the contract's answers to a Databricks refusal or a missing configuration
    raise AssertionError(f"{response.status_code} {detail or response.text[:300]}")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
def test_no_input_makes_a_server_error(case, tokens, wsgi_app, databricks, stored):
    token = tokens[next(ROLE_TURNS)]
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[no_server_error])


@pytest.fixture
def notebook_run(table_group):
    """A running run whose callback token the notebook holds."""
    return ProfileRun.objects.create(table_group=table_group, status="running", databricks_run_id="9002")


@schema.include(path_regex="/testgen/").parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
def test_no_callback_body_makes_a_server_error(case, notebook_run, wsgi_app, databricks):
    """The notebook's endpoints with a valid run token, so the bodies reach the payload parsing."""
    case.path_parameters["profile_run_id"] = str(notebook_run.pk)
    token = make_callback_token(notebook_run.pk)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[no_server_error])
    ProfileRun.objects.filter(pk=notebook_run.pk).update(status="running")  # a completion ends it: reopen
