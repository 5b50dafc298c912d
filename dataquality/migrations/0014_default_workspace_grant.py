"""The default workspace of the settings is granted like a connection: by the permission
`use_default_workspace`, which every shipped role holds (README, "Permissions"). Take it from a role, or give it
to single users, to narrow who sees and runs the groups without a connection."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ("dq_viewer", "dq_operator", "dq_admin")
CODENAME = "use_default_workspace"


def grant_default_workspace(apps, schema_editor):
    # Django creates permissions after the last migration (post_migrate); create this one now.
    app_config = apps.get_app_config("dataquality")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="dataquality", codename=CODENAME)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("dataquality", "0013_clear_stored_pii_statistics")]

    operations = [
        migrations.AlterModelOptions(
            name="connection",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("use_default_workspace", "Can use the default workspace (groups without a connection)")
                ],
            },
        ),
        migrations.RunPython(grant_default_workspace, migrations.RunPython.noop),
    ]
