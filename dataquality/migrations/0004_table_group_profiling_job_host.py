"""A table group's job id is only meaningful in the workspace it was created in: record that workspace.

Job ids stored before this migration belong to the group's current workspace (a group could not move
without its job id before), so they are given that host; where it cannot be told, the id stays without a
host, and the next run adopts the group's job by name and tags in its workspace instead of trusting the id.
"""

from django.conf import settings
from django.db import migrations, models

from dataquality.databricks.hosts import base_url


def record_job_hosts(apps, schema_editor):
    TableGroup = apps.get_model("dataquality", "TableGroup")
    for group in TableGroup.objects.exclude(profiling_job_id=None).exclude(profiling_job_id="").select_related("connection"):
        host = group.connection.host if group.connection_id else settings.DATABRICKS_HOST
        try:
            group.profiling_job_host = base_url(host) if host else ""
        except ValueError:
            continue
        group.save(update_fields=["profiling_job_host"])


class Migration(migrations.Migration):
    dependencies = [("dataquality", "0003_profile_anomaly_plural")]

    operations = [
        migrations.AddField(
            model_name="tablegroup",
            name="profiling_job_host",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.RunPython(record_job_hosts, migrations.RunPython.noop),
    ]
