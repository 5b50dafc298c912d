"""The run manifest: the group's scope, its explicit tables, the thresholds and the last completed run's counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dataquality.models import ProfileRun, ProfileRunStatus, Table
from dataquality.services.results.manifest import build_manifest
from notebooks.dq_profiler.thresholds import DEFAULT_THRESHOLDS
from tests.dataquality.fixtures.callback import (
    make_profile_run,
    make_table_group,
    manifest_url,
    run_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]


def finished_run(table_group, status: str, hours_ago: int, counts: dict[tuple[str, str], int | None]) -> ProfileRun:
    profile_run = ProfileRun.objects.create(
        table_group=table_group, status=status, completed_at=timezone.now() - timedelta(hours=hours_ago)
    )
    for (schema_name, table_name), row_count in counts.items():
        profile_run.results.create(schema_name=schema_name, table_name=table_name, row_count=row_count)
    return profile_run


@pytest.fixture
def table_group():
    group = make_table_group(
        catalog="main", schema_name="sales", include_mask="ord%,cust%", exclude_mask="%_tmp",
        sample_percent=10.0, sample_min_rows=5000,
    )
    Table.objects.create(table_group=group, schema_name="sales", table_name="orders")
    Table.objects.create(table_group=group, schema_name="crm", table_name="accounts")
    return group


def test_manifest_describes_the_group_and_the_last_completed_run(table_group):
    finished_run(table_group, ProfileRunStatus.COMPLETED, 48, {("sales", "orders"): 10, ("sales", "old"): 1})
    finished_run(
        table_group, ProfileRunStatus.COMPLETED, 24,
        {("sales", "orders"): 900, ("crm", "accounts"): 40, ("sales", "broken"): None},
    )
    finished_run(table_group, ProfileRunStatus.FAILED, 2, {("sales", "orders"): 1})
    finished_run(table_group, ProfileRunStatus.CANCELED, 1, {("sales", "orders"): 2})
    finished_run(make_table_group(), ProfileRunStatus.COMPLETED, 0, {("sales", "orders"): 3})
    profile_run = make_profile_run(table_group)

    response = run_client(profile_run).get(manifest_url(profile_run.pk))

    assert response.status_code == 200, response.content
    assert response.json() == {
        "profile_run_id": str(profile_run.pk),
        "table_group_id": table_group.pk,
        "catalog": "main",
        "schema_name": "sales",
        "include_mask": "ord%,cust%",
        "exclude_mask": "%_tmp",
        "sample_percent": 10.0,
        "sample_min_rows": 5000,
        "tables": [{"schema_name": "crm", "table_name": "accounts"}, {"schema_name": "sales", "table_name": "orders"}],
        "thresholds": DEFAULT_THRESHOLDS,
        "previous_row_counts": {"sales.orders": 900, "crm.accounts": 40},
        "previous_tables": {},  # no table was read at a known version
    }


def test_manifest_trailing_slash_is_accepted(table_group):
    profile_run = make_profile_run(table_group)
    assert run_client(profile_run).get(manifest_url(profile_run.pk) + "/").status_code == 200


def test_a_group_never_profiled_has_no_previous_counts_and_the_default_masks():
    profile_run = make_profile_run(make_table_group(include_mask=""))

    manifest = build_manifest(profile_run)

    assert manifest["previous_row_counts"] == {}
    assert manifest["tables"] == []
    assert (manifest["include_mask"], manifest["exclude_mask"]) == ("%", "")
    assert (manifest["sample_percent"], manifest["sample_min_rows"]) == (None, None)


def test_a_completed_run_does_not_count_as_its_own_previous_run(table_group):
    earlier = finished_run(table_group, ProfileRunStatus.COMPLETED, 24, {("sales", "orders"): 7})
    finished_again = finished_run(table_group, ProfileRunStatus.COMPLETED, 0, {("sales", "orders"): 8})

    assert build_manifest(finished_again)["previous_row_counts"] == {"sales.orders": 7}
    assert build_manifest(earlier)["previous_row_counts"] == {"sales.orders": 8}


def test_the_thresholds_are_a_copy(table_group):
    manifest = build_manifest(make_profile_run(table_group))
    manifest["thresholds"]["high_null_ratio"] = 0.0
    assert DEFAULT_THRESHOLDS["high_null_ratio"] != 0.0


def test_manifest_query_count_does_not_grow_with_tables_or_history(table_group, django_assert_num_queries):
    for table in range(50):
        Table.objects.create(table_group=table_group, schema_name="bulk", table_name=f"t{table}")
    for hours_ago in range(1, 6):
        finished_run(table_group, ProfileRunStatus.COMPLETED, hours_ago, {("bulk", f"t{t}"): t for t in range(50)})
    profile_run = make_profile_run(table_group)
    client = run_client(profile_run)

    # The run with its group (authentication), the explicit tables, the previous counts, the reusable tables.
    with django_assert_num_queries(4):
        response = client.get(manifest_url(profile_run.pk))

    assert response.status_code == 200
    assert len(response.json()["tables"]) == 52
    assert response.json()["previous_row_counts"] == {f"bulk.t{t}": t for t in range(50)}
