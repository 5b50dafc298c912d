from django.contrib import admin
from django.urls import include, path

from dataquality.api.docs import DocsView, RedocView, SchemaView
from dataquality.api.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/schema", SchemaView.as_view(), name="schema"),
    path("api/docs", DocsView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc", RedocView.as_view(url_name="schema", template_name="api_docs/redoc.html"), name="api-redoc"),
    path("", include("dataquality.reports.urls")),
    path("data-quality/", include("dataquality.api.urls")),
]

handler400 = "dataquality.api.errors.bad_request"
handler404 = "dataquality.api.errors.not_found"
handler403 = "dataquality.api.errors.permission_denied"
handler500 = "dataquality.api.errors.server_error"
