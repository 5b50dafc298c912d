"""The OpenAPI schema (`/api/schema`) and its browsable docs (`/api/docs`, `/api/redoc`).

Who may read them is `SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]` (logged-in users unless `API_DOCS_PUBLIC`).
A refusal answers JSON with a `detail`, like every other endpoint, instead of the schema's YAML or the
docs page's bare text.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer


class _JSONErrors:
    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class SchemaView(_JSONErrors, SpectacularAPIView):
    pass


class DocsView(_JSONErrors, SpectacularSwaggerView):
    pass


class RedocView(_JSONErrors, SpectacularRedocView):
    pass


def without_trailing_slash(endpoints):
    """A drf-spectacular preprocessing hook: the schema writes paths as the README does, without the trailing
    slash (the router's optional `/?` would otherwise show as a required `/`)."""
    return [(path.rstrip("/") or path, regex, method, callback) for path, regex, method, callback in endpoints]
