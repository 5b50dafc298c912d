"""Every error answers JSON with a readable `detail`."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dataquality.reports.error_pages import error_page, is_page

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is unreachable (down, restarting, connections terminated): a client should come back,
        # as /healthz says too. The notebook's callback and manifest retry on this answer.
        logger.warning("Database unavailable for %s: %s", context["request"].path, type(exc).__name__)
        return Response(
            {"detail": "The database is unavailable; try again later."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ProtectedError):
        names = ", ".join(sorted({str(obj) for obj in exc.protected_objects})[:10])
        return Response({"detail": f"Still in use by: {names}. Delete those first."}, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # Field errors: keep them, and add a one-line summary.
        response.data = {"detail": "Invalid input.", "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


# Outside DRF's views (an unknown URL, an unhandled exception) Django answers HTML; these answer JSON for the API,
# a page in the site's layout for the site's pages, and the admin keeps its own pages.


def _is_admin(request: HttpRequest) -> bool:
    return request.path.startswith("/admin/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404, lambda: defaults.page_not_found(request, exception), "Not found.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 403, lambda: defaults.permission_denied(request, exception),
                  "You do not have permission to perform this action.")


def too_large_response() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return JsonResponse({"detail": f"The request body is larger than the {limit} bytes accepted."}, status=413)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):  # a chunked body past the limit, found while reading it
        return too_large_response()
    return _error(request, 400, lambda: defaults.bad_request(request, exception), "Bad request.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, lambda: defaults.server_error(request), "Internal server error.")


def _error(request: HttpRequest, status: int, admin_page, detail: str) -> HttpResponse:
    if _is_admin(request):
        return admin_page()
    if is_page(request):
        # A 500 page is drawn without the request: whatever failed may fail again in its context.
        return error_page(None if status == 500 else request, status)
    return JsonResponse({"detail": detail}, status=status)
