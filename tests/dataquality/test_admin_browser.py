"""The admin in headless Chromium: the anomaly list filters by severity, the runs list fits 1,400 px."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dataquality.models import TableGroup
from tests.dataquality.fixtures.callback import load_payload, make_table_group
from tests.dataquality.reports.conftest import completed_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="root", email="root@example.com", password=None)


@pytest.fixture
def run(db):
    return completed_run(make_table_group("customer-orders-eu"), load_payload("engine_payload"))


def test_the_anomaly_list_filters_by_severity(browser, superuser, run):
    browser.log_in(superuser)
    browser.open(reverse("admin:dataquality_profileanomaly_changelist"))
    assert len(browser.driver.find_elements("css selector", "#result_list tbody tr")) == 4

    severity_filter = browser.driver.find_element("xpath", "//details[@data-filter-title='severity']")
    browser.screenshot("anomalies-all")
    severity_filter.find_element("link text", "medium").click()
    browser.wait_for(lambda: "severity=medium" in browser.driver.current_url)
    browser.wait_for(lambda: len(browser.driver.find_elements("css selector", "#result_list tbody tr")) == 2)
    browser.screenshot("anomalies-medium")

    badges = [cell.text for cell in browser.driver.find_elements("css selector", "#result_list .field-severity_colour")]
    assert badges == ["medium", "medium"]
    colour = browser.driver.find_element("css selector", ".dq-sev.sev-medium").value_of_css_property("background-color")
    assert colour == "rgba(254, 239, 198, 1)"


def test_the_runs_list_fits_a_1400_px_screen(browser, superuser, run):
    browser.log_in(superuser)
    browser.open(reverse("admin:dataquality_profilerun_changelist"))
    browser.screenshot("runs")
    assert browser.driver.execute_script("return window.innerWidth") == 1400
    # Nothing scrolls sideways: not the page, and not the list's own scrolling box.
    results = browser.driver.find_element("css selector", "#changelist .results")
    visible_right = results.rect["x"] + results.rect["width"]
    assert browser.driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", results)
    assert browser.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    for field in ("short_id", "group", "dataset", "status_badge", "started", "duration", "anomalies",
                  "databricks_link", "report_link"):
        cell = browser.driver.find_element("css selector", f"#result_list .field-{field}")
        # Within a pixel: layout rounds column widths to fractions of one, which no reader sees.
        assert cell.rect["x"] + cell.rect["width"] <= visible_right + 1, field
        assert cell.rect["y"] + cell.rect["height"] <= 900, field  # in the first screen


def _fits_the_screen(browser, fields) -> None:
    """No sideways scrolling, and every named column's first cell inside the visible list."""
    assert browser.driver.execute_script("return window.innerWidth") == 1400
    results = browser.driver.find_element("css selector", "#changelist .results")
    visible_right = results.rect["x"] + results.rect["width"]
    assert browser.driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", results)
    assert browser.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    for field in fields:
        cell = browser.driver.find_element("css selector", f"#result_list .field-{field}")
        # Within a pixel: layout rounds column widths to fractions of one, which no reader sees.
        assert cell.rect["x"] + cell.rect["width"] <= visible_right + 1, field


def test_the_anomaly_list_fits_a_1400_px_screen_with_room_for_the_description(browser, superuser, run):
    browser.log_in(superuser)
    browser.open(reverse("admin:dataquality_profileanomaly_changelist"))
    browser.screenshot("admin-anomalies")

    _fits_the_screen(browser, ("severity_colour", "anomaly_type", "where", "description_and_standing", "run"))
    description = browser.driver.find_element("css selector", "#result_list .field-description_and_standing")
    assert description.rect["width"] >= 250


def test_the_table_group_list_fits_a_1400_px_screen(browser, superuser, run):
    TableGroup.objects.filter(pk=run.table_group_id).update(
        profiling_job_id="918273645546372", schedule_cron="0 6 * * 1-5", schedule_timezone="Europe/Berlin",
        catalog="main_catalog")
    browser.log_in(superuser)
    browser.open(reverse("admin:dataquality_tablegroup_changelist"))
    browser.screenshot("admin-table-groups")

    _fits_the_screen(browser, ("name", "dataset", "connection", "schema", "schedule", "profiling_job_id"))


def test_a_bad_run_id_in_the_report_url_shows_the_404_page(browser, superuser):
    browser.log_in(superuser)
    browser.open("/data-quality/profile-runs/6f1c2a3e-1111-4222-8333-944455556666/report")
    browser.screenshot("not-found")

    assert browser.driver.find_element("css selector", "h1").text == "404 · Not found"
    assert browser.driver.find_element("css selector", ".topbar .brand").is_displayed()
    assert [e for e in browser.console_errors() if "status of 404" not in e["message"]] == []  # the page's own 404
    assert browser.foreign_requests() == []
