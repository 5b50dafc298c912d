"""Concurrent callbacks for one run leave exactly one payload's rows (row lock; PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileColumnValue, ProfileResult, ProfileRunStatus
from tests.dataquality.fixtures.callback import (
    complete_url,
    make_profile_run,
    run_client,
    wide_payload,
)

SHAPES = {"a": (6, 12), "b": (12, 5), "c": (4, 20), "d": (9, 9)}  # tag: (tables, columns per table)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_callbacks_leave_exactly_one_payloads_rows(callback_secret):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers without row locks; this needs PostgreSQL")
    profile_run = make_profile_run()
    payloads = {tag: wide_payload(tables, columns, tag=tag) for tag, (tables, columns) in SHAPES.items()}
    start = threading.Barrier(len(payloads))
    statuses: dict[str, int] = {}

    def post(tag: str) -> None:
        try:
            client = run_client(profile_run)
            start.wait()
            statuses[tag] = client.post(complete_url(profile_run.pk), payloads[tag], format="json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(tag,)) for tag in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == dict.fromkeys(payloads, 200)
    tags = {value.split("-")[0] for value in ProfileColumn.objects.values_list("min_value", flat=True)}
    assert len(tags) == 1, f"rows of several payloads survived: {tags}"
    (winner,) = tags
    tables, columns = SHAPES[winner]
    assert ProfileResult.objects.filter(profile_run=profile_run).count() == tables
    assert ProfileColumn.objects.filter(profile_run=profile_run).count() == tables * columns
    top_values = ProfileColumnValue.objects.filter(profile_run=profile_run, kind="value")
    assert set(top_values.values_list("value", flat=True)) == {f"{winner}-value"}
    assert top_values.count() == tables * columns
    assert set(ProfileAnomaly.objects.values_list("description", flat=True)) == {f"payload {winner}"}
    assert ProfileAnomaly.objects.count() == tables
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.COMPLETED
    assert (profile_run.table_count, profile_run.column_count) == (tables, tables * columns)
