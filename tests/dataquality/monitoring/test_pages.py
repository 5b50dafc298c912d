"""The runs page, the group page and the report's history parts: what they show, and a bounded number of queries
whatever the length of the history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dataquality.models import ProfileRun
from tests.conftest import user_as
from tests.dataquality.fixtures.callback import make_table_group
from tests.dataquality.monitoring.series import complete_at, payload

pytestmark = pytest.mark.django_db


def history(runs: int, name: str = "orders"):
    group = make_table_group(name)
    start = timezone.now() - timedelta(days=runs)
    made = [complete_at(group, payload(rows=1000 + day), start + timedelta(days=day)) for day in range(runs)]
    return group, made


@pytest.fixture
def viewer(client, django_user_model):
    client.force_login(user_as(django_user_model, "dq_viewer"))
    return client


def queries_of(client, path: str) -> tuple[int, str]:
    client.get(path)  # warm the session and permission caches alike
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_report_and_the_group_page_take_as_many_queries_for_3_runs_as_for_30(viewer):
    counts = {}
    for runs in (3, 30):
        group, made = history(runs, f"g{runs}")
        report, page = queries_of(viewer, reverse("profile-run-report", args=[made[-1].pk]))
        assert 'class="spark"' in page and "Rows over the last" in page
        group_page, page = queries_of(viewer, reverse("table-group-page", args=[group.pk]))
        assert f"last {runs} completed runs" in page and 'class="spark"' in page
        counts[runs] = (report, group_page)
    assert counts[3] == counts[30]


def test_the_report_links_the_previous_and_next_runs(viewer):
    group, made = history(3)
    page = viewer.get(reverse("profile-run-report", args=[made[1].pk])).content.decode()
    assert f'rel="prev" href="{reverse("profile-run-report", args=[made[0].pk])}"' in page
    assert f'rel="next" href="{reverse("profile-run-report", args=[made[2].pk])}"' in page


def test_the_runs_page_filters_searches_and_pages(viewer):
    history(3, "orders")
    history(2, "payments")
    ProfileRun.objects.create(table_group=make_table_group("refunds"), status="failed")
    page = viewer.get(reverse("runs-page")).content.decode()
    assert "6 runs" in page
    assert "3 runs" in viewer.get(reverse("runs-page") + "?q=ORD").content.decode()
    assert "1 run," in viewer.get(reverse("runs-page") + "?status=failed").content.decode()
    bad = viewer.get(reverse("runs-page") + "?status=exploded&since=yesterday")
    assert bad.status_code == 200 and "0 runs" in bad.content.decode() and "since" in bad.content.decode()


def test_the_nav_leads_to_the_runs_page(viewer):
    assert f'href="{reverse("runs-page")}">Runs</a>' in viewer.get("/").content.decode()


def test_the_landing_page_gives_each_groups_open_and_new_counts_and_links_its_page(viewer):
    group, made = history(2)
    made[-1].refresh_from_db()
    page = viewer.get("/").content.decode()
    assert f'<td class="num open-count">{made[-1].open_anomaly_count}</td>' in page
    assert f'<td class="num new-count">{made[-1].new_anomaly_count}</td>' in page
    assert f'href="{reverse("table-group-page", args=[group.pk])}"' in page


def test_the_runs_page_filters_by_group_id_without_listing_every_group(viewer, django_user_model):
    orders, _ = history(3, "orders")
    history(2, "payments")
    for name in ("a", "b", "c"):
        make_table_group(f"unlisted-{name}")

    page = viewer.get(reverse("runs-page")).content.decode()
    by_id = viewer.get(reverse("runs-page") + f"?table_group={orders.pk}").content.decode()
    unknown = viewer.get(reverse("runs-page") + "?table_group=999999").content.decode()
    not_a_number = viewer.get(reverse("runs-page") + "?table_group=orders")

    group_filter = re.search(r'<label>Group id (<[^>]+>)</label>', page).group(1)
    assert group_filter.startswith('<input type="number" name="table_group"') and "unlisted-" not in page
    assert "3 runs" in by_id
    assert "0 runs" in unknown and "no table group with this id that you may read" in unknown
    assert not_a_number.status_code == 200 and "0 runs" in not_a_number.content.decode()


def test_the_runs_page_takes_as_many_queries_for_5_groups_as_for_50(viewer):
    counts = {}
    for total in (5, 50):
        while ProfileRun.objects.values("table_group").distinct().count() < total:
            history(1, f"group-{ProfileRun.objects.count()}")
        counts[total], _ = queries_of(viewer, reverse("runs-page"))
    assert counts[5] == counts[50]
