"""Completion's judges (history, baselines, drift, triage) read what they need in a fixed number of queries, whatever
the number of columns: nothing of theirs runs per column, and nothing slow inside the locked transaction."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dataquality.fixtures.callback import make_profile_run, make_table_group
from tests.dataquality.monitoring.series import START, complete_at
from dataquality.services.results.completion import complete_profile_run

pytestmark = pytest.mark.django_db
# Everything but the inserts (whose batches follow the rows' number, as they must): the run, the judges' eight
# reads, the lock, the deletes, the run's update and counts, savepoints.
MAX_QUERIES_BUT_INSERTS = 18


def wide(columns: int, *, rows: int = 1000, nulls: int = 10) -> dict:
    return {
        "status": "completed",
        "anomalies": [{"table_name": "sales.wide", "column_name": "c000", "anomaly_type": "constant_column",
                       "severity": "low", "description": "one value"}],
        "tables": [{
            "schema_name": "sales", "table_name": "wide", "row_count": rows, "column_count": columns,
            "columns": [
                {"column_name": f"c{index:03d}", "data_type": "double", "general_type": "numeric",
                 "ordinal_position": index, "row_count": rows, "null_count": nulls, "distinct_count": 500,
                 "mean": 50.0, "stddev": 5.0, "top_values": [{"value": "1.0", "count": 3}]}
                for index in range(columns)
            ],
        }],
    }


@pytest.mark.parametrize("columns", [5, 200])
def test_a_completion_with_history_takes_a_fixed_number_of_queries(columns):
    group = make_table_group(f"wide-{columns}")
    for day in range(6):  # enough for every metric to have a baseline, and a previous run for drift and streaks
        complete_at(group, wide(columns), START + timedelta(days=day))
    run = make_profile_run(group)

    with CaptureQueriesContext(connection) as queries:
        complete_profile_run(profile_run_id=run.pk, payload=wide(columns, rows=400, nulls=300))

    reads_and_updates = [query["sql"] for query in queries if not query["sql"].startswith("INSERT")]
    assert len(reads_and_updates) <= MAX_QUERIES_BUT_INSERTS, "\n".join(sql[:120] for sql in reads_and_updates)
    assert run.anomalies.filter(anomaly_type="null_share_outside_baseline").count() == columns
