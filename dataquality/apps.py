from django.apps import AppConfig


class DataQualityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dataquality"
    verbose_name = "Data quality"
