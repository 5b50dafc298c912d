"""The shipped roles (README, "Permissions"), as groups holding Django permissions.

The lists are frozen here, as migrations must be: a later change of a role is a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DATA_MODELS = ["dataset", "tablegroup", "table"]
RESULT_MODELS = ["profilerun", "profileanomaly", "profileresult", "profilecolumn", "profilecolumnvalue"]

VIEWER = [f"view_{model}" for model in DATA_MODELS + RESULT_MODELS]
# Operators configure and run; deleting a dataset or a group (and with it every run of it) is for admins.
OPERATOR = VIEWER + [
    "add_dataset", "change_dataset",
    "add_tablegroup", "change_tablegroup",
    "add_table", "change_table", "delete_table",
    "start_profilerun", "cancel_profilerun",
]
ROLES = {"dq_viewer": VIEWER, "dq_operator": OPERATOR}
ADMIN_ROLE = "dq_admin"  # every permission of the app


def create_roles(apps, schema_editor):
    # Django creates permissions after the last migration (post_migrate); create them now so that the
    # groups can hold them on a fresh database.
    app_config = apps.get_app_config("dataquality")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_permissions = Permission.objects.filter(content_type__app_label="dataquality")
    for name, codenames in ROLES.items():
        permissions = list(app_permissions.filter(codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Role {name}: unknown permissions {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
    admin, _ = Group.objects.get_or_create(name=ADMIN_ROLE)
    admin.permissions.set(app_permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLES, ADMIN_ROLE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dataquality", "0009_connection_grants_and_run_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
