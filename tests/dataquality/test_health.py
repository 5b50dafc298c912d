import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_without_auth(anonymous_client):
    response = anonymous_client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_names_what_is_down(anonymous_client, monkeypatch):
    from dataquality.api import health

    monkeypatch.setattr(health, "_broker_ok", lambda: False)
    response = anonymous_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
