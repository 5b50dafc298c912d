"""The runs page, the group page and the report's trends and triage, in headless Chromium."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dataquality.models import ProfileAnomaly
from tests.conftest import user_as
from tests.dataquality.fixtures.callback import make_table_group
from tests.dataquality.monitoring.series import complete_at, payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONSTANT = {"table_name": "sales.orders", "column_name": "note", "anomaly_type": "constant_column",
            "severity": "low", "description": "one value"}


@pytest.fixture
def history():
    """Eight daily runs of a group; the last one's rows and distinct counts fall, and `note` creeps in nulls."""
    group = make_table_group("orders")
    start = timezone.now() - timedelta(days=8)
    runs = [complete_at(group, payload(rows=1000 + 10 * day, note_nulls=10, anomalies=[CONSTANT]), start + timedelta(days=day))
            for day in range(7)]
    runs.append(complete_at(group, payload(rows=400, customers=400, note_nulls=40, anomalies=[CONSTANT]), timezone.now()))
    return group, runs


def keep(browser, name: str) -> None:
    """A screenshot in the test's folder and, with DQ_SCREENSHOTS_DIR set, where the docs take theirs from."""
    path = browser.screenshot(name)
    if os.environ.get("DQ_SCREENSHOTS_DIR"):
        shutil.copy(path, os.path.join(os.environ["DQ_SCREENSHOTS_DIR"], f"{name}.png"))


def test_the_runs_page_lists_filters_and_links_every_run(browser, history, django_user_model):
    group, runs = history
    browser.log_in(user_as(django_user_model, "dq_viewer"))
    browser.open(reverse("runs-page") + "?q=ord")
    keep(browser, "runs")
    rows = browser.driver.find_elements("css selector", "table.runs-table tbody tr")
    assert len(rows) == 8 and browser.console_errors() == [] and browser.foreign_requests() == []
    browser.open(reverse("runs-page") + "?q=nothing-like-it")
    assert "No run matches." in browser.driver.page_source


def test_the_group_page_draws_its_trends(browser, history, django_user_model):
    group, runs = history
    browser.log_in(user_as(django_user_model, "dq_viewer"))
    browser.open(reverse("table-group-page", args=[group.pk]))
    keep(browser, "table-group")
    lines = browser.driver.find_elements("css selector", "#trends svg.spark")
    assert len(lines) == 2  # open anomalies, and the one table's rows
    assert "Rows over the last 8 runs: 1,000, 1,010" in lines[1].get_attribute("aria-label")
    assert browser.console_errors() == []


def test_a_report_shows_trends_and_an_operator_dismisses_an_anomaly(browser, history, django_user_model):
    group, runs = history
    run = runs[-1]
    browser.log_in(user_as(django_user_model, "dq_operator"))
    browser.open(reverse("profile-run-report", args=[run.pk]))
    keep(browser, "report-trends")
    assert browser.driver.find_elements("css selector", ".table-header svg.spark")
    assert browser.driver.find_element("css selector", "a[rel=prev]").get_attribute("href").endswith(
        reverse("profile-run-report", args=[runs[-2].pk]))
    open_before = int(browser.driver.find_element("css selector", ".open-count").text)
    target = run.anomalies.get(anomaly_type="null_share_outside_baseline")
    row = browser.driver.find_element("css selector", f"#anomaly-{target.pk}")
    row.find_element("css selector", "select[name=disposition] option[value=dismissed]").click()
    row.find_element("css selector", "input[name=note]").send_keys("backfill, expected")
    row.find_element("css selector", "form.triage button").click()
    browser.wait_for(lambda: "set to" in browser.driver.page_source or "dismissed." in browser.driver.page_source)

    row = browser.driver.find_element("css selector", f"#anomaly-{target.pk}")
    assert row.get_attribute("data-disposition") == "dismissed"
    assert int(browser.driver.find_element("css selector", ".open-count").text) == open_before - 1
    keep(browser, "report-triage")
    assert ProfileAnomaly.objects.get(pk=target.pk).disposition_note == "backfill, expected"
    assert browser.console_errors() == []


def test_a_viewer_sees_no_triage_form(browser, history, django_user_model):
    group, runs = history
    browser.log_in(user_as(django_user_model, "dq_viewer"))
    browser.open(reverse("profile-run-report", args=[runs[-1].pk]))
    assert browser.driver.find_elements("css selector", "form.triage") == []
    assert browser.driver.find_elements("css selector", ".standing")
