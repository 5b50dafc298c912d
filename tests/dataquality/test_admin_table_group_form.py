"""The table group's admin page: drift thresholds as numbers, a schedule off without a cron, a short fingerprint,
the tables a run covered; the runs list found by group name."""

import pytest
from django.urls import reverse

from dataquality.models import ProfileRun, TableGroup
from tests.dataquality.fixtures.callback import load_payload
from tests.dataquality.reports.conftest import completed_run

pytestmark = pytest.mark.django_db


def _form(group, **values):
    form = {"dataset": group.dataset_id, "name": group.name, "catalog": group.catalog,
            "schema_name": group.schema_name, "include_mask": "%", "exclude_mask": "", "schedule_timezone": "UTC",
            "sensitivity": "medium", "tables-TOTAL_FORMS": "0", "tables-INITIAL_FORMS": "0",
            "profile_runs-TOTAL_FORMS": "0", "profile_runs-INITIAL_FORMS": "0"}
    return {**form, **values}


def test_drift_thresholds_are_number_fields_not_a_json_box(admin_client, table_group):
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])

    page = admin_client.get(url).content.decode()
    saved = admin_client.post(url, _form(table_group, drift_row_count_drop="0.3", drift_null_share_increase=""))
    refused = admin_client.post(url, _form(table_group, drift_row_count_drop="1.5"))

    assert 'name="drift_thresholds"' not in page
    assert 'name="drift_row_count_drop"' in page and "share of a table&#x27;s previous rows lost" in page
    assert saved.status_code == 302
    assert refused.status_code == 200 and "Must be more than 0, at most 1." in refused.content.decode()
    table_group.refresh_from_db()
    assert table_group.drift_thresholds == {"row_count_drop": 0.3}


def test_the_schedule_is_off_without_a_cron_and_says_why(admin_client, table_group):
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])

    page = admin_client.get(url).content.decode()
    admin_client.post(url, _form(table_group, schedule_enabled="on", schedule_cron=""))

    assert 'name="schedule_enabled" id="id_schedule_enabled" checked' not in page
    assert "off, and without effect, while the cron is blank" in page
    table_group.refresh_from_db()
    assert table_group.schedule_enabled is False


def test_the_fingerprint_is_shortened_and_the_tables_a_run_covered_are_listed(admin_client, table_group):
    TableGroup.objects.filter(pk=table_group.pk).update(job_settings_fingerprint="ab" * 32)
    completed_run(table_group, load_payload("engine_payload"))

    page = admin_client.get(reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])).content.decode()

    assert f'<code title="{"ab" * 32}">{"ab" * 6}</code>' in page
    assert "ab" * 32 + "<" not in page  # never printed whole
    assert "1 in run" in page and "Explicit tables (profiled besides the tables the masks select" in page


def test_runs_are_found_by_their_groups_name(admin_client, table_group):
    completed_run(table_group, load_payload("engine_payload"))

    page = admin_client.get(reverse("admin:dataquality_profilerun_changelist"), {"q": table_group.name}).content.decode()

    assert page.count('class="action-select"') == 1 and str(ProfileRun.objects.get().pk) in page
