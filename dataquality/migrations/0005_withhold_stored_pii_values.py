"""Columns flagged as potential PII keep no value of their data: clear the min, max and percentiles stored
before the server withheld them (top values were withheld already)."""

from django.db import migrations

WITHHELD = ("min_value", "max_value", "p25", "p50", "p75")


def withhold_stored_pii_values(apps, schema_editor):
    ProfileAnomaly = apps.get_model("dataquality", "ProfileAnomaly")
    ProfileColumn = apps.get_model("dataquality", "ProfileColumn")
    flagged = (
        ProfileAnomaly.objects.filter(anomaly_type="potential_pii")
        .values_list("profile_run_id", "table_name", "column_name")
        .distinct()
    )
    for profile_run_id, qualified_name, column_name in flagged.iterator():
        schema_name, _, table_name = qualified_name.rpartition(".")  # anomalies name tables `schema.table`
        ProfileColumn.objects.filter(
            profile_run_id=profile_run_id, schema_name=schema_name, table_name=table_name, column_name=column_name
        ).update(**dict.fromkeys(WITHHELD))


class Migration(migrations.Migration):
    dependencies = [("dataquality", "0004_table_group_profiling_job_host")]

    operations = [migrations.RunPython(withhold_stored_pii_values, migrations.RunPython.noop)]
