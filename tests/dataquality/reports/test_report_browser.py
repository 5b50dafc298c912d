"""The report in headless Chromium: it loads cleanly from the app alone, draws its bars to scale and filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.dataquality.fixtures.callback import load_payload
from tests.dataquality.reports.conftest import completed_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def report_path(run) -> str:
    return reverse("profile-run-report", args=[run.pk])


def test_the_console_check_sees_errors(browser, viewer):
    """The check below would notice a script error: a page that throws one is caught."""
    browser.log_in(viewer)
    browser.open("/")
    browser.driver.execute_script("setTimeout(() => { throw new Error('planted'); })")
    browser.wait_for(lambda: browser.driver.execute_script("return true"))
    errors = []
    browser.wait_for(lambda: errors.extend(browser.console_errors()) or errors, timeout=5)
    browser.screenshot("landing")
    assert "planted" in errors[0]["message"]


def test_a_completed_runs_report_loads_without_errors_or_other_hosts(browser, viewer, engine_run):
    browser.log_in(viewer)
    browser.open(report_path(engine_run))
    browser.screenshot("report")

    assert browser.driver.title.startswith(f"Run {str(engine_run.pk)[:8]}")
    assert browser.console_errors() == []
    requested = browser.requested_urls()
    assert any(url.endswith("/static/dataquality/report.js") for url in requested)
    assert any(url.endswith("/static/dataquality/report.css") for url in requested)
    assert browser.foreign_requests() == []
    # The script ran: metrics carry their documented meaning on hover.
    hint = browser.driver.find_element("css selector", '#t0-c0 [data-metric="null_count"]').get_attribute("title")
    assert hint == "Nulls: rows where the column is null. NaN is not null."  # the tile's label, not the key


def test_bar_widths_follow_the_counts(browser, viewer, group):
    payload = load_payload("engine_payload")
    name = next(column for column in payload["tables"][0]["columns"] if column["column_name"] == "name")
    name["top_values"] = [{"value": "b", "count": 60}, {"value": " a", "count": 30}, {"value": "", "count": 6}]
    run = completed_run(group, payload)
    browser.log_in(viewer)
    browser.open(report_path(run) + "#t0-c1")
    browser.screenshot("bars")

    chart = browser.driver.find_element("css selector", "#t0-c1 figure.top_values")
    rows = chart.find_elements("css selector", "tr")
    counts = [int(row.find_element("css selector", ".bar-count").get_attribute("data-count")) for row in rows]
    widths = [row.find_element("css selector", "svg.bar rect").rect["width"] for row in rows]
    full = chart.find_element("css selector", "svg.bar").rect["width"]
    assert counts == [60, 30, 6]
    assert widths[0] == pytest.approx(full, abs=1)
    for count, width in zip(counts, widths):
        assert width == pytest.approx(full * count / 60, abs=1)
    labels = [row.find_element("css selector", "th").text for row in rows]
    assert labels == ["b", "␣a", "''"]


def test_the_severity_filter_hides_and_shows_anomalies(browser, viewer, engine_run):
    browser.log_in(viewer)
    browser.open(report_path(engine_run))
    find = browser.driver.find_element
    high_rows = browser.driver.find_elements("css selector", 'tr.anomaly[data-severity="high"]')
    other_rows = browser.driver.find_elements("css selector", 'tr.anomaly:not([data-severity="high"])')
    assert high_rows and other_rows and all(row.is_displayed() for row in high_rows + other_rows)

    find("css selector", '#anomaly-filters input[value="high"]').click()
    browser.screenshot("without-high")
    assert not any(row.is_displayed() for row in high_rows)
    assert all(row.is_displayed() for row in other_rows)
    assert not find("css selector", '[data-severity-group="high"]').is_displayed()
    assert find("css selector", ".filter-count").text == f"{len(other_rows)} of {len(high_rows) + len(other_rows)} shown"

    find("css selector", '#anomaly-filters input[value="high"]').click()
    assert all(row.is_displayed() for row in high_rows + other_rows)

    # The type filter narrows further, and the table filter too.
    from selenium.webdriver.support.select import Select

    Select(find("css selector", '#anomaly-filters select[name="type"]')).select_by_value("leading_spaces")
    shown = [row.get_attribute("data-type") for row in browser.driver.find_elements("css selector", "tr.anomaly") if row.is_displayed()]
    assert shown == ["leading_spaces"]
    assert browser.console_errors() == []


def test_the_column_overview_sorts(browser, viewer, engine_run):
    browser.log_in(viewer)
    browser.open(report_path(engine_run))
    overview = browser.driver.find_element("css selector", "#t0 table.column-overview")

    def names() -> list[str]:
        return [row.find_elements("css selector", "td")[1].text.split()[0] for row in overview.find_elements("css selector", "tbody tr")]

    assert names() == ["id", "name", "email", "flag", "d", "f"]  # ordinal order
    header = overview.find_element("xpath", ".//th[normalize-space()='Column']")
    header.click()
    assert names() == sorted(names(), key=str.lower)
    header.click()
    assert names() == sorted(names(), key=str.lower, reverse=True)
    browser.screenshot("sorted")
