"""The triage permission for the operator and admin roles, and fingerprints for the anomalies of earlier runs,
so that a run completed after this change finds its streaks in them. Their metrics are read as they are."""

import hashlib

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

TRIAGE = "triage_profileanomaly"
ROLES = ("dq_operator", "dq_admin")
BATCH = 2000


def fingerprint(table_group_id, table_name, column_name, anomaly_type):  # frozen copy of dataquality.fingerprints
    identity = "\x1f".join((str(table_group_id), table_name, column_name or "", anomaly_type))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:40]


def grant_triage(apps, schema_editor):
    app_config = apps.get_app_config("dataquality")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="dataquality", codename=TRIAGE)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke_triage(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(codename=TRIAGE))


def backfill(apps, schema_editor):
    ProfileAnomaly = apps.get_model("dataquality", "ProfileAnomaly")
    ProfileRun = apps.get_model("dataquality", "ProfileRun")
    pending = ProfileAnomaly.objects.filter(fingerprint="").order_by("pk")
    while True:
        batch = list(pending.values_list("pk", "profile_run__table_group_id", "table_name", "column_name", "anomaly_type")[:BATCH])
        if not batch:
            break
        rows = [ProfileAnomaly(pk=pk, fingerprint=fingerprint(group, table, column, kind)) for pk, group, table, column, kind in batch]
        ProfileAnomaly.objects.bulk_update(rows, ["fingerprint"])
    # Before triage every anomaly was open; whether one was new is not known, so that count stays empty.
    counted = ProfileAnomaly.objects.filter(profile_run=OuterRef("pk")).values("profile_run").annotate(n=Count("pk")).values("n")
    ProfileRun.objects.filter(Q(status="completed"), open_anomaly_count__isnull=True).update(
        open_anomaly_count=Coalesce(Subquery(counted), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dataquality", "0011_monitoring_and_triage"),
    ]

    operations = [
        migrations.RunPython(grant_triage, revoke_triage),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
