from django.apps import AppConfig
from django.db.backends.signals import connection_created


class DataQualityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dataquality"
    verbose_name = "Data quality"

    def ready(self) -> None:
        from dataquality.sqlite_files import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="dataquality-sqlite-owner-only")
