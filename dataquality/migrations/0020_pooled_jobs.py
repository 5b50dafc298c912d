from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dataquality", "0022_retention"),
    ]

    operations = [
        migrations.CreateModel(
            name="PooledJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("workspace_host", models.CharField(max_length=255)),
                ("job_prefix", models.CharField(max_length=255)),
                ("job_id", models.CharField(blank=True, default="", max_length=64)),
                ("settings_fingerprint", models.CharField(blank=True, default="", max_length=64)),
            ],
            options={"db_table": "dq_pooled_jobs"},
        ),
        migrations.AddConstraint(
            model_name="pooledjob",
            constraint=models.UniqueConstraint(
                fields=("workspace_host", "job_prefix"), name="dq_pooled_job_unique_per_workspace"
            ),
        ),
    ]
