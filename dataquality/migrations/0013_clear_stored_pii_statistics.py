"""Columns flagged as potential PII keep no value of their data (dataquality/services/access/pii.py): clear the mean,
standard deviation and value-derived `extra` fields stored before the server withheld them, and anything 0005
left (min, max, percentiles, top values)."""

from django.db import migrations

# The rule of dataquality/services/access/pii.py as it stood, frozen as migrations must be.
PII_ANOMALY_TYPE = "potential_pii"
WITHHELD_METRICS = ("min_value", "max_value", "p25", "p50", "p75", "mean", "stddev")


def withheld_extra(extra):
    """Counts only: `*_count` fields holding an integer or null."""
    return {
        name: value for name, value in (extra or {}).items()
        if name.endswith("_count") and (value is None or (isinstance(value, int) and not isinstance(value, bool)))
    }


def clear_stored_pii_statistics(apps, schema_editor):
    ProfileAnomaly = apps.get_model("dataquality", "ProfileAnomaly")
    ProfileColumn = apps.get_model("dataquality", "ProfileColumn")
    ProfileColumnValue = apps.get_model("dataquality", "ProfileColumnValue")
    flagged = (
        ProfileAnomaly.objects.filter(anomaly_type=PII_ANOMALY_TYPE)
        .values_list("profile_run_id", "table_name", "column_name")
        .distinct()
    )
    for profile_run_id, qualified_name, column_name in flagged.iterator():
        schema_name, _, table_name = qualified_name.rpartition(".")  # anomalies name tables `schema.table`
        names = {
            "profile_run_id": profile_run_id, "schema_name": schema_name, "table_name": table_name,
            "column_name": column_name,
        }
        for column in ProfileColumn.objects.filter(**names):
            for metric in WITHHELD_METRICS:
                setattr(column, metric, None)
            column.extra = withheld_extra(column.extra)
            column.save(update_fields=[*WITHHELD_METRICS, "extra"])
        ProfileColumnValue.objects.filter(**names, kind="value").delete()


class Migration(migrations.Migration):
    dependencies = [("dataquality", "0015_lakehouse_results_and_reuse")]

    operations = [migrations.RunPython(clear_stored_pii_statistics, migrations.RunPython.noop)]
