"""Runs of one group completed at chosen times with chosen figures, through the completion service."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone as dt_timezone
from unittest import mock

from dataquality.models import ProfileRun
from dataquality.services.results.completion import complete_profile_run
from tests.dataquality.fixtures.callback import make_profile_run

START = datetime(2026, 9, 7, 6, 0, tzinfo=dt_timezone.utc)  # a Monday


def payload(*, rows=1000, note_nulls=10, note_blanks=0, customers=1000, amount_mean=50.0, anomalies=()) -> dict:
    """sales.orders: a text column `note`, a key-like `customer` and a numeric `amount`."""
    return {
        "status": "completed",
        "anomalies": [copy.deepcopy(entry) for entry in anomalies],
        "tables": [{
            "schema_name": "sales", "table_name": "orders", "row_count": rows, "column_count": 3,
            "columns": [
                {"column_name": "note", "data_type": "string", "general_type": "text", "ordinal_position": 1,
                 "row_count": rows, "null_count": note_nulls, "blank_count": note_blanks, "distinct_count": 50},
                {"column_name": "customer", "data_type": "bigint", "general_type": "numeric", "ordinal_position": 2,
                 "row_count": rows, "null_count": 0, "distinct_count": customers, "mean": 500.0, "stddev": 288.0},
                {"column_name": "amount", "data_type": "double", "general_type": "numeric", "ordinal_position": 3,
                 "row_count": rows, "null_count": 0, "distinct_count": 800, "mean": amount_mean, "stddev": 5.0},
            ],
        }],
    }


def complete_at(group, body: dict, when: datetime) -> ProfileRun:
    """A run of `group` created and completed at `when` (the server's clock, as the judges see it)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        run = make_profile_run(group)
        return complete_profile_run(profile_run_id=run.pk, payload=body)


def daily(group, bodies, start: datetime = START) -> list[ProfileRun]:
    return [complete_at(group, body, start + timedelta(days=day)) for day, body in enumerate(bodies)]


def judged(run: ProfileRun, *types: str) -> list:
    """(type, column, severity) of the run's anomalies, of `types` when given."""
    rows = run.anomalies.order_by("anomaly_type", "column_name")
    if types:
        rows = rows.filter(anomaly_type__in=types)
    return [(row.anomaly_type, row.column_name, row.severity) for row in rows]
