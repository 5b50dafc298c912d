"""Django admin (contract section 9), one module per area. Secrets are never stored, so none can be shown;
anomalies, results and columns are read-only because only a run's payload may write them."""

from django.conf import settings
from django.contrib import admin

from dataquality.admin import results, runs, workspace  # noqa: F401  (each module registers its models)

# The admin writes times as the pages do (conversioncentral/formats) and, like them, names their zone once.
admin.site.site_header = f"ConversionCentral data quality · times in {settings.TIME_ZONE}"
