"""Errors outside DRF's views answer JSON with a `detail` too; the admin keeps its own pages."""

import pytest
from django.test import Client

from dataquality.api import views

pytestmark = pytest.mark.django_db


def test_an_unknown_url_is_a_json_404(client):
    response = client.get("/data-quality/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unhandled_error_is_a_json_500(monkeypatch, viewer_user):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.DatasetViewSet, "list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(viewer_user)

    response = client.get("/data-quality/datasets")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error."}


def test_the_admin_keeps_its_html_404(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="admin", is_staff=True))

    response = client.get("/admin/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")



def _is_site_page(response) -> bool:
    html = response.content.decode()
    return response["Content-Type"].startswith("text/html") and 'class="topbar"' in html and "error-page" in html


def test_a_bad_run_id_in_the_report_url_is_a_404_page_in_the_sites_layout(client, viewer_user):
    client.force_login(viewer_user)
    for path in ("/data-quality/profile-runs/6f1c2a3e-1111-4222-8333-944455556666/report",
                 f"/data-quality/profile-runs/{'-' * 36}/report",
                 "/data-quality/profile-runs/not-a-run/report/"):
        response = client.get(path)

        assert response.status_code == 404
        assert _is_site_page(response), path
        assert "404 · Not found" in response.content.decode()


def test_an_unknown_page_outside_the_api_is_a_404_page(client, viewer_user):
    client.force_login(viewer_user)
    response = client.get("/no-such-page")

    assert response.status_code == 404 and _is_site_page(response)


def test_a_page_the_user_may_not_see_is_a_403_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="outsider"))

    response = client.get("/")

    assert response.status_code == 403 and _is_site_page(response)
    assert "outsider" in response.content.decode()  # the layout knows who is logged in


def test_an_unhandled_error_on_a_page_is_a_500_page(monkeypatch, viewer_user):
    from dataquality.reports import views as report_views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report_views, "latest_run_per_group", broken)
    client = Client(raise_request_exception=False)
    client.force_login(viewer_user)

    response = client.get("/")

    assert response.status_code == 500 and _is_site_page(response)
    assert "boom" not in response.content.decode()


def test_a_page_asked_for_on_an_unknown_host_is_a_400_page(client, settings):
    """A host outside ALLOWED_HOSTS is a 400 (Django's SuspiciousOperation); the page once raised a KeyError (a 500)."""
    settings.ALLOWED_HOSTS = ["known.example"]
    response = client.get("/", HTTP_HOST="unknown.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
