"""Top values and patterns move from JSON columns of `dq_profile_columns` to their own table,
`dq_profile_column_values` (contract section 2). Rows already stored are carried over."""

import django.db.models.deletion
from django.db import migrations, models

BATCH_SIZE = 500


def _as_text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def copy_top_values(apps, schema_editor):
    ProfileColumn = apps.get_model("dataquality", "ProfileColumn")
    ProfileColumnValue = apps.get_model("dataquality", "ProfileColumnValue")
    rows = []
    for column in ProfileColumn.objects.iterator(chunk_size=BATCH_SIZE):
        for kind, entries in (("value", column.top_values), ("pattern", column.top_patterns)):
            for rank, entry in enumerate(entries or [], start=1):
                rows.append(
                    ProfileColumnValue(
                        profile_run_id=column.profile_run_id, schema_name=column.schema_name,
                        table_name=column.table_name, column_name=column.column_name, kind=kind,
                        value=_as_text(entry.get("value")), frequency=entry.get("count") or 0, rank=rank,
                    )
                )
        if len(rows) >= BATCH_SIZE:
            ProfileColumnValue.objects.bulk_create(rows)
            rows = []
    ProfileColumnValue.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ('dataquality', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProfileColumnValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('schema_name', models.CharField(blank=True, default='', max_length=255)),
                ('table_name', models.CharField(max_length=255)),
                ('column_name', models.CharField(max_length=500)),
                ('kind', models.CharField(choices=[('value', 'Value'), ('pattern', 'Pattern')], max_length=10)),
                ('value', models.TextField(blank=True, null=True)),
                ('frequency', models.BigIntegerField()),
                ('rank', models.PositiveIntegerField()),
                ('profile_run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='column_values', to='dataquality.profilerun')),
            ],
            options={
                'db_table': 'dq_profile_column_values',
                'ordering': ['schema_name', 'table_name', 'column_name', 'kind', 'rank'],
            },
        ),
        migrations.RunPython(copy_top_values, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='profilecolumn',
            name='top_patterns',
        ),
        migrations.RemoveField(
            model_name='profilecolumn',
            name='top_values',
        ),
    ]
