"""Every page answers a strict Content-Security-Policy (its own scripts only, nothing inline), and every page and
API answer `Cache-Control: no-store`; static files keep their own caching."""

import pytest
from django.test import Client

from dataquality.models import ProfileRun
from tests.dataquality.fixtures.callback import make_table_group
from tests.dataquality.test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

PAGES_AND_ANSWERS = sorted({route for route, method in MATRIX if method in ("GET", "ANY")} - {"/admin/"}) + [
    "/admin/", "/admin/dataquality/profilerun/", "/admin/login/", "/data-quality/no-such-endpoint",
]


def _directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.fixture
def staff_session(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("route", PAGES_AND_ANSWERS)
def test_every_answer_has_a_strict_csp_and_no_store(route, staff_session):
    run = ProfileRun.objects.create(table_group=make_table_group("orders"), status="completed")
    path = route.replace("{pk}", str(run.pk)).replace("{profile_run_id}", str(run.pk)).replace("{table_name}", "s.t")

    response = staff_session.get(path)

    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "no inline or foreign script on any page"
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "no-store" in response["Cache-Control"], path


def test_only_the_redoc_page_allows_inline_styles(staff_session):
    assert "'unsafe-inline'" in _directives(staff_session.get("/api/redoc")["Content-Security-Policy"])["style-src"]
    assert _directives(staff_session.get("/")["Content-Security-Policy"])["style-src"] == ["'self'"]


def test_static_files_keep_their_caching(client):
    response = client.get("/static/dataquality/report.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
