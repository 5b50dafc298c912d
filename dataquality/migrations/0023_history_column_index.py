"""The history endpoint's index (issue 20): one column of one run, found without reading the run's other columns.

At 10,000 groups the column-name index (`dq_columns_column`) matches that column in every group's runs, and the
run index reads all 600 columns of each run: see bench/README.md's EXPLAIN, 47 ms before, 3 ms after.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("dataquality", "0020_pooled_jobs")]

    operations = [
        migrations.AddIndex(
            model_name="profilecolumn",
            index=models.Index(fields=["profile_run", "table_name", "column_name", "schema_name"],
                               name="dq_columns_run_column"),
        ),
    ]
