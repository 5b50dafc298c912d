"""One way to write a time on every page and in the admin, with the zone named once per page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from dataquality.models import ProfileRun
from tests.dataquality.fixtures.callback import load_payload
from tests.dataquality.reports.conftest import completed_run

pytestmark = pytest.mark.django_db

STARTED = dt.datetime(2026, 3, 1, 20, 25, 59, tzinfo=dt.timezone.utc)
STAMP = re.compile(r"\b20\d\d-\d\d-\d\d \d\d:\d\d(?::\d\d)?\b")


def _run(group) -> ProfileRun:
    run = completed_run(group, load_payload("engine_payload"))
    ProfileRun.objects.filter(pk=run.pk).update(started_at=STARTED)
    return run


@pytest.mark.parametrize("page", ["landing", "report"])
def test_pages_write_times_one_way_and_name_the_zone_once(viewer_page, group, page):
    run = _run(group)
    url = reverse("landing") if page == "landing" else reverse("profile-run-report", args=[run.pk])

    html = viewer_page.get(url).content.decode()

    assert "2026-03-01 20:25" in html
    assert not [stamp for stamp in STAMP.findall(html) if len(stamp) != 16]  # never with seconds
    assert html.count("Times are in UTC") == 1


def test_the_admin_writes_times_as_the_pages_do_and_names_the_zone(admin_client, group):
    run = _run(group)

    html = admin_client.get(reverse("admin:dataquality_profilerun_change", args=[run.pk])).content.decode()

    assert "2026-03-01 20:25" in html
    assert "March 1, 2026" not in html and "Mar. 1, 2026" not in html
    assert "times in UTC" in html
