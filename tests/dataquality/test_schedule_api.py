"""Schedules through the API and the admin: validated, and `next_run_at` recomputed when the schedule changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dataquality.models import TableGroup

pytestmark = pytest.mark.django_db

URL = "/data-quality/table-groups"


@pytest.fixture
def editor_client(permitted_client):
    return permitted_client("add_tablegroup", "change_tablegroup", "view_tablegroup")


def group_body(table_group, **schedule) -> dict:
    return {"dataset": table_group.dataset_id, "name": "scheduled", "schema_name": "sales", **schedule}


def test_a_group_created_with_a_schedule_gets_its_next_run_in_its_zone(editor_client, table_group):
    before = timezone.now()
    response = editor_client.post(
        URL, group_body(table_group, schedule_cron="0 6 * * 1-5", schedule_timezone="Europe/Berlin"), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    next_run_at = dt.datetime.fromisoformat(body["next_run_at"].replace("Z", "+00:00"))
    local = next_run_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert next_run_at > before and (local.hour, local.minute) == (6, 0) and local.isoweekday() <= 5
    assert body["schedule_enabled"] is True
    assert (body["schedule_last_skipped_at"], body["schedule_last_skip_reason"]) == (None, "")


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("schedule_cron", "0 6 * *", "five fields"),
        ("schedule_cron", "0 6 * * mon-fry", "day of week"),
        ("schedule_cron", "0 0 30 2 *", "never occurs"),
        ("schedule_timezone", "Europe/Bonn", "IANA"),
        ("schedule_timezone", "", ""),
    ],
)
def test_a_bad_expression_or_zone_is_a_400_naming_the_field(editor_client, table_group, field, value, reason):
    response = editor_client.post(URL, group_body(table_group, **{field: value}), format="json")
    assert response.status_code == 400
    assert reason in " ".join(response.json()["errors"][field])

    patched = editor_client.patch(f"{URL}/{table_group.pk}", {field: value}, format="json")
    assert patched.status_code == 400 and field in patched.json()["errors"]
    assert TableGroup.objects.count() == 1
    assert (TableGroup.objects.get().schedule_cron, TableGroup.objects.get().schedule_timezone) == ("", "UTC")


def test_next_run_at_follows_the_schedule_and_nothing_else(editor_client, table_group):
    detail = f"{URL}/{table_group.pk}"
    assert editor_client.get(detail).json()["next_run_at"] is None  # no schedule

    first = editor_client.patch(detail, {"schedule_cron": "30 7 * * *"}, format="json").json()["next_run_at"]
    assert first is not None
    assert editor_client.patch(detail, {"schedule_enabled": False}, format="json").json()["next_run_at"] is None
    assert editor_client.patch(detail, {"schedule_enabled": True}, format="json").json()["next_run_at"] == first

    planted = timezone.now() - dt.timedelta(seconds=30)  # a slot due now, not yet claimed by the beat
    TableGroup.objects.filter(pk=table_group.pk).update(next_run_at=planted)
    renamed = editor_client.patch(detail, {"name": "renamed", "next_run_at": "2030-01-01T00:00:00Z"}, format="json")
    assert renamed.status_code == 200
    assert TableGroup.objects.get(pk=table_group.pk).next_run_at == planted  # kept: read-only, and the schedule is unchanged

    moved = editor_client.patch(detail, {"schedule_timezone": "Asia/Tokyo"}, format="json").json()["next_run_at"]
    assert moved not in (first, None)
    assert editor_client.patch(detail, {"schedule_cron": ""}, format="json").json()["next_run_at"] is None


def test_a_recorded_skip_is_visible_on_the_group(editor_client, table_group):
    skipped_at = timezone.now()
    TableGroup.objects.filter(pk=table_group.pk).update(
        schedule_last_skipped_at=skipped_at, schedule_last_skip_reason="Run 1 was still running; this slot was skipped."
    )
    body = editor_client.get(f"{URL}/{table_group.pk}").json()
    assert body["schedule_last_skip_reason"].startswith("Run 1 was still running")
    assert body["schedule_last_skipped_at"] is not None


# --- admin -------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root", email="root@example.com"))
    return client


def admin_form(table_group, **changes) -> dict:
    form = {
        "dataset": table_group.dataset_id, "name": table_group.name, "catalog": table_group.catalog,
        "schema_name": table_group.schema_name, "include_mask": "%", "exclude_mask": "",
        "schedule_cron": "", "schedule_timezone": "UTC", "schedule_enabled": "on", "sensitivity": "medium",
        "tables-TOTAL_FORMS": "0", "tables-INITIAL_FORMS": "0",
        "profile_runs-TOTAL_FORMS": "0", "profile_runs-INITIAL_FORMS": "0",
    }
    return {**form, **changes}


def test_the_admin_form_refuses_a_bad_schedule(admin_client, table_group):
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])
    bad = {"schedule_cron": "0 6 * *", "schedule_timezone": "Nowhere/Town", "drift_row_count_drop": "2"}
    page = admin_client.post(url, admin_form(table_group, **bad))
    assert page.status_code == 200  # the form again, with its errors
    for reason in ("five fields", "IANA", "Must be more than 0, at most 1."):
        assert reason in page.content.decode()
    table_group.refresh_from_db()
    assert table_group.schedule_cron == "" and table_group.next_run_at is None


def test_the_admin_sets_a_schedule_and_shows_the_next_run(admin_client, table_group):
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])
    response = admin_client.post(url, admin_form(table_group, schedule_cron="15 2 * * *", schedule_timezone="Europe/Berlin"))
    assert response.status_code == 302
    table_group.refresh_from_db()
    assert table_group.next_run_at is not None
    assert table_group.next_run_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") in ("02:15", "03:15")

    changelist = admin_client.get(reverse("admin:dataquality_tablegroup_changelist")).content.decode()
    assert "15 2 * * * (Europe/Berlin)" in changelist
    change_page = admin_client.get(url).content.decode()
    assert "Next run at" in change_page


def test_an_edit_does_not_write_back_a_stale_copy_of_what_the_beat_wrote(table_group):
    from dataquality.services.launch.table_groups import save_table_group

    stale = TableGroup.objects.get(pk=table_group.pk)  # loaded by an edit before the beat claims a slot
    claimed_until, skipped_at = timezone.now() + dt.timedelta(hours=1), timezone.now()
    TableGroup.objects.filter(pk=table_group.pk).update(
        next_run_at=claimed_until, schedule_last_skipped_at=skipped_at, schedule_last_skip_reason="Run 1 was active."
    )
    stale.name = "renamed"
    save_table_group(table_group=stale)

    saved = TableGroup.objects.get(pk=table_group.pk)
    assert saved.name == "renamed"
    assert (saved.next_run_at, saved.schedule_last_skipped_at) == (claimed_until, skipped_at)
    assert saved.schedule_last_skip_reason == "Run 1 was active."
