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

