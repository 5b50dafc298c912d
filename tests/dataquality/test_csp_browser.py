"""Under the strict Content-Security-Policy every page still works in Chromium: a blocked script, style or
worker shows as a console error, and there is none."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from tests.dataquality.fixtures.callback import load_payload, make_table_group
from tests.dataquality.reports.conftest import completed_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="root", email="root@example.com", password=None)


def test_no_page_breaks_the_policy(browser, superuser):
    run = completed_run(make_table_group("orders"), load_payload("engine_payload"))
    browser.log_in(superuser)
    pages = [
        "/", reverse("profile-run-report", args=[run.pk]), reverse("admin:index"),
        reverse("admin:dataquality_profilerun_change", args=[run.pk]), reverse("admin:dataquality_tablegroup_changelist"),
        "/api/docs", "/api/redoc",
    ]
    errors = {}
    for path in pages:
        browser.open(path)
        time.sleep(1.0)  # Swagger UI and Redoc draw after load
        errors[path] = [entry["message"] for entry in browser.console_errors() if not _redocs_cdn_logo(entry)]
    assert errors == {path: [] for path in pages}


def _redocs_cdn_logo(entry: dict) -> bool:
    """Redoc's sidebar credit draws its logo from Redocly's CDN, with no option to leave it out: the policy
    blocks it, as it should (nothing loads from a CDN), and the browser reports the block."""
    return "https://cdn.redoc.ly/redoc/logo-mini.svg" in entry["message"] and "Content Security Policy" in entry["message"]


def test_the_login_page_works_under_the_policy(browser):
    browser.open(reverse("login"))
    assert browser.console_errors() == []
