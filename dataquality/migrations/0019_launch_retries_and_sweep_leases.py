"""Launch retries after a transient Databricks error (issue 22) and the sweep's lease on the runs it claims."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dataquality', '0012_triage_role_and_fingerprints'),
    ]

    operations = [
        migrations.AddField(
            model_name='profilerun',
            name='claimed_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='profilerun',
            name='launch_attempts',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='profilerun',
            name='next_launch_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
