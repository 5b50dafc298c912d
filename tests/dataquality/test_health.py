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


@pytest.mark.django_db
def test_healthz_asks_the_projects_broker(anonymous_client, monkeypatch):
    """The check reaches the broker the project configured (here, one nothing listens for)."""
    from celery import current_app

    for variable in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL"):  # Celery prefers these to its conf
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setitem(current_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(current_app.conf, "broker_write_url", None)
    response = anonymous_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
