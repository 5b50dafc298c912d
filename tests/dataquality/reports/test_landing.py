"""The landing page: the latest run of each group, for users who may view runs."""

import re

import pytest
from django.urls import reverse

from dataquality.models import Dataset, ProfileRun, TableGroup
from tests.dataquality.fixtures.callback import load_payload, make_profile_run
from tests.dataquality.reports.conftest import completed_run

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_a_user_without_the_view_permission_gets_403(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="outsider"))
    assert client.get("/").status_code == 403


def test_each_group_shows_its_latest_run_with_counts_and_report_link(viewer_page, group):
    older = completed_run(group, load_payload("engine_payload"), minutes_ago=60)
    latest = completed_run(group, load_payload("engine_payload"))
    idle = TableGroup.objects.create(dataset=group.dataset, name="never-run", schema_name="crm")
    failing = TableGroup.objects.create(dataset=group.dataset, name="failing", schema_name="erp")
    failed = completed_run(failing, {"status": "failed", "error_message": "boom"})

    page = viewer_page.get("/").content.decode()

    assert reverse("profile-run-report", args=[latest.pk]) in page
    assert reverse("profile-run-report", args=[older.pk]) not in page
    assert reverse("profile-run-report", args=[failed.pk]) in page
    assert '<span class="status status-failed">failed</span>' in page
    assert '<span class="chip sev-high" title="1 high">1 high</span>' in page
    assert '<span class="chip sev-medium" title="2 medium">2 medium</span>' in page
    row = page[page.index(idle.name):]
    assert "Never profiled." in row[: row.index("</tr>")]


def test_a_running_run_is_the_latest(viewer_page, group):
    completed_run(group, load_payload("engine_payload"), minutes_ago=60)
    running = make_profile_run(group)
    page = viewer_page.get("/").content.decode()
    assert '<span class="status status-running">running</span>' in page
    assert reverse("profile-run-report", args=[running.pk]) in page


@pytest.mark.parametrize("groups", [20, 120])
def test_query_count_does_not_grow_with_groups(viewer_page, group, django_assert_max_num_queries, groups):
    TableGroup.objects.bulk_create(
        TableGroup(dataset=group.dataset, name=f"g{index:03}", schema_name="s") for index in range(groups)
    )
    for other in TableGroup.objects.exclude(pk=group.pk):
        make_profile_run(other, status="completed")
    # Session, user and permissions, then the count, the page's groups, their latest runs' ids, those runs.
    with django_assert_max_num_queries(8):
        assert viewer_page.get("/").status_code == 200
    assert ProfileRun.objects.count() == groups


def listed_groups(page: str) -> list[str]:
    return re.findall(r'/data-quality/table-groups/\d+/report">([^<]+)</a>', page)


def test_groups_come_fifty_to_a_page_with_links_that_keep_the_search(viewer_page, group):
    TableGroup.objects.bulk_create(
        TableGroup(dataset=group.dataset, name=f"shop-{index:03}", schema_name="s") for index in range(60)
    )

    first = viewer_page.get("/?q=shop").content.decode()
    second = viewer_page.get("/?q=shop&page=2").content.decode()

    assert listed_groups(first) == [f"shop-{index:03}" for index in range(50)]
    assert listed_groups(second) == [f"shop-{index:03}" for index in range(50, 60)]
    assert "60 table groups matching “shop”" in first and "page 1 of 2" in first
    assert 'href="?q=shop&amp;page=2"' in first


@pytest.mark.parametrize("page", ["999", "0", "x", "-1", "1" * 30])
def test_a_page_out_of_range_or_not_a_number_shows_a_page_not_an_error(viewer_page, group, page):
    answer = viewer_page.get(f"/?page={page}")
    assert answer.status_code == 200
    assert listed_groups(answer.content.decode()) == [group.name]


def test_the_search_matches_group_and_dataset_names(viewer_page, group):
    other_dataset = Dataset.objects.create(name="Finance")
    TableGroup.objects.create(dataset=other_dataset, name="ledger", schema_name="fin")

    assert listed_groups(viewer_page.get("/?q=FINANCE").content.decode()) == ["ledger"]
    assert listed_groups(viewer_page.get(f"/?q={group.name.upper()}").content.decode()) == [group.name]
    nothing = viewer_page.get("/?q=no-such-group").content.decode()
    assert "No table group matches." in nothing and "0 table groups" in nothing
    too_long = viewer_page.get("/?q=" + "x" * 201)
    assert too_long.status_code == 200 and "at most 200 characters" in too_long.content.decode()
