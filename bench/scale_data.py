"""The generated history of `bench/scale.py`, written with INSERT ... SELECT over generate_series (PostgreSQL).

Shape, for `groups` groups and `days` days:
- every group has a daily schedule and one completed run a day for `days` days, two anomalies a run, and one
  profiled table (`sales.t00`, 30 columns) a run: the tables that history and baselines read across groups;
- `history_groups` of them (the sample the pages and the history endpoint are timed on) have 365 days of runs of
  20 tables x 30 columns, and top values and patterns for the last 90 days (the default retention of values).
One template row per table is written through the ORM; SQL copies it with the generated columns overridden, so
every NOT NULL column gets the model's value without listing them all here.
"""

from __future__ import annotations

from datetime import timedelta

TABLES, COLUMNS, TOP_VALUES, TOP_PATTERNS = 20, 30, 5, 3
HISTORY_DAYS, VALUE_DAYS = 365, 90


def _copy_template(cursor, table: str, template_id: str, key: str, overrides: dict[str, str], source: str) -> int:
    """INSERT into `table` one row per row of `source` (SQL aliased `s`), copying the template row (`t`) except
    for `overrides` (column: SQL expression). Returns the rows written; the template is deleted with its run."""
    from django.db import connection

    columns = [column.name for column in connection.introspection.get_table_description(cursor, table)
               if column.name != "id"]
    values = ", ".join(overrides.get(name, f"t.{name}") for name in columns)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} "  # noqa: S608 (names are ours)
                   f"FROM (SELECT * FROM {table} WHERE {key} = %s) t, ({source}) s", [template_id])
    return cursor.rowcount


def generate(groups: int, days: int, history_groups: int) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from dataquality.models import (Dataset, ProfileAnomaly, ProfileColumn, ProfileColumnValue, ProfileResult,
                                    ProfileRun, TableGroup)

    now = timezone.now()
    dataset = Dataset.objects.create(name="scale")
    TableGroup.objects.bulk_create(
        (TableGroup(dataset=dataset, name=f"group-{n:05d}", catalog="main", schema_name="sales",
                    schedule_cron="0 6 * * *", next_run_at=now + timedelta(days=1)) for n in range(groups)),
        batch_size=5000,
    )
    first = TableGroup.objects.order_by("pk").first()
    sample = list(TableGroup.objects.order_by("pk").values_list("pk", flat=True)[:history_groups])
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        run = ProfileRun.objects.create(table_group=first, status="completed", requested_by="schedule",
                                        table_count=1, column_count=COLUMNS, anomaly_count=2, open_anomaly_count=2,
                                        new_anomaly_count=0)
        sample_sql = "'{" + ",".join(map(str, sample)) + "}'::bigint[]"
        counts["runs"] = _copy_template(cursor, "dq_profiles", str(run.pk), "profile_run_id", {
            "profile_run_id": "gen_random_uuid()", "table_group_id": "s.gid",
            "created_at": "s.at", "started_at": "s.at", "completed_at": "s.at + interval '3 minutes'",
            "row_count": "100000 + s.day", "table_count": f"CASE WHEN s.gid = ANY({sample_sql}) THEN {TABLES} ELSE 1 END",
        }, f"SELECT g.id AS gid, d AS day, now() - make_interval(days => d) AS at FROM dq_table_groups g, "
           f"generate_series(1, CASE WHEN g.id = ANY({sample_sql}) THEN {HISTORY_DAYS} ELSE {days} END) d")
        anomaly = ProfileAnomaly.objects.create(profile_run=run, table_name="sales.t00", column_name="c01",
                                                anomaly_type="null_share_outside_baseline", severity="medium",
                                                description="scale", detected_at=now, fingerprint="f", occurrences=2)
        counts["anomalies"] = _copy_template(cursor, "dq_profile_anomalies", str(anomaly.pk), "id", {
            "profile_run_id": "s.profile_run_id", "detected_at": "coalesce(s.completed_at, now())",
            "column_name": "CASE WHEN s.k = 1 THEN 'c01' ELSE NULL END",
            "anomaly_type": "CASE WHEN s.k = 1 THEN 'null_share_outside_baseline' ELSE 'row_count_growth' END",
            "fingerprint": "md5(s.table_group_id::text || s.k::text)",
        }, "SELECT r.profile_run_id, r.table_group_id, r.completed_at, k FROM dq_profiles r, generate_series(1, 2) k")
        tables_of = f"CASE WHEN r.table_group_id = ANY({sample_sql}) THEN {TABLES} - 1 ELSE 0 END"
        result = ProfileResult.objects.create(profile_run=run, schema_name="sales", table_name="t00",
                                              row_count=100000, column_count=COLUMNS)
        counts["results"] = _copy_template(cursor, "dq_profile_results", str(result.pk), "id", {
            "profile_run_id": "s.profile_run_id", "table_name": "'t' || lpad(s.t::text, 2, '0')",
            "row_count": "s.row_count",
        }, f"SELECT r.profile_run_id, r.row_count, t FROM dq_profiles r, generate_series(0, {tables_of}) t")
        column = ProfileColumn.objects.create(profile_run=run, schema_name="sales", table_name="t00",
                                              column_name="c00", data_type="double", general_type="numeric",
                                              row_count=100000, null_count=10, distinct_count=90000, mean=50.0,
                                              stddev=5.0, p25=40.0, p50=50.0, p75=60.0, zero_count=3,
                                              negative_count=0, min_value="0", max_value="100")
        counts["columns"] = _copy_template(cursor, "dq_profile_columns", str(column.pk), "id", {
            "profile_run_id": "s.profile_run_id", "table_name": "s.table_name",
            "column_name": "'c' || lpad(c::text, 2, '0')", "ordinal_position": "c",
            "row_count": "s.row_count", "null_count": "mod(s.row_count + c, 97)", "mean": "50 + mod(s.row_count, 7)",
        }, f"SELECT p.profile_run_id, p.table_name, p.row_count, c FROM dq_profile_results p, "
           f"generate_series(0, {COLUMNS - 1}) c")
        value = ProfileColumnValue.objects.create(profile_run=run, schema_name="sales", table_name="t00",
                                                  column_name="c00", kind="value", value="v", frequency=1, rank=1)
        counts["values"] = _copy_template(cursor, "dq_profile_column_values", str(value.pk), "id", {
            "profile_run_id": "s.profile_run_id", "table_name": "s.table_name", "column_name": "s.column_name",
            "kind": f"CASE WHEN k <= {TOP_VALUES} THEN 'value' ELSE 'pattern' END",
            "value": "'value-' || k", "frequency": "1000 - k", "rank": f"CASE WHEN k <= {TOP_VALUES} THEN k "
                                                                       f"ELSE k - {TOP_VALUES} END",
        }, f"SELECT c.profile_run_id, c.table_name, c.column_name, k FROM dq_profile_columns c "
           f"JOIN dq_profiles r USING (profile_run_id), generate_series(1, {TOP_VALUES + TOP_PATTERNS}) k "
           f"WHERE r.table_group_id = ANY({sample_sql}) AND r.completed_at > now() - interval '{VALUE_DAYS} days'")
        ProfileRun.objects.filter(pk=run.pk).delete()
        cursor.execute("ANALYZE")
    return counts
