from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dataquality", "0014_default_workspace_grant")]

    operations = [
        migrations.AddField(
            model_name="profilecolumn",
            name="functional_type",
            field=models.CharField(blank=True, default="", max_length=30),
        ),
    ]
