"""The landing page: the latest run of each group, for users who may view runs."""

import pytest
from django.urls import reverse

from dataquality.models import ProfileRun, TableGroup
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


def test_query_count_does_not_grow_with_groups(viewer_page, group, django_assert_max_num_queries):
    for index in range(20):
        other = TableGroup.objects.create(dataset=group.dataset, name=f"g{index}", schema_name="s")
        make_profile_run(other, status="completed")
    with django_assert_max_num_queries(6):
        assert viewer_page.get("/").status_code == 200
    assert ProfileRun.objects.count() == 20
