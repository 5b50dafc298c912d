"""The OpenAPI schema (`/api/schema`) and its browsable docs (`/api/docs`, `/api/redoc`).

Who may read them is `SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]` (logged-in users unless `API_DOCS_PUBLIC`).
A refusal answers JSON with a `detail`, like every other endpoint, instead of the schema's YAML or the
docs page's bare text.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer


class _JSONErrors:
    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class SchemaView(_JSONErrors, SpectacularAPIView):
    pass


class DocsView(_JSONErrors, SpectacularSwaggerSplitView):
    """Swagger UI, its start script served by this view (`?script`) rather than inline: the CSP runs no inline
    script."""

    template_name = "api_docs/swagger_ui.html"


# Redoc draws with styled-components, which add <style> elements at run time, and searches in a worker it makes
# from a blob: this page alone allows inline styles and blob workers. Its scripts stay the app's own files.
@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="dispatch")
class RedocView(_JSONErrors, SpectacularRedocView):
    pass


def without_trailing_slash(endpoints):
    """A drf-spectacular preprocessing hook: the schema writes paths as the README does, without the trailing
    slash (the router's optional `/?` would otherwise show as a required `/`)."""
    return [(path.rstrip("/") or path, regex, method, callback) for path, regex, method, callback in endpoints]
