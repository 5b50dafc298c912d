"""A body over the limit answers JSON 413 on every endpoint, before anything reads it.

Django would refuse it only when something reads `request.body`, and then with an HTML 400. The limit is
`DATA_UPLOAD_MAX_MEMORY_SIZE`; a view that reads its own body within a limit of its own (the completion
callback, `dataquality/api/bounded_body.py`) says so with `reads_own_body = True` and is left to it.
A chunked body has no declared length: Django's `RequestDataTooBig` then reaches `errors.bad_request`,
which answers the same 413.
"""

from __future__ import annotations

from django.conf import settings

from dataquality.api.errors import too_large_response


def _reads_own_body(view_func) -> bool:
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return bool(getattr(view_class, "reads_own_body", False))


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or _reads_own_body(view_func):
            return None
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > limit:
            return too_large_response()
        return None
