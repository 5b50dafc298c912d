"""Every error answers JSON with a readable `detail`."""

from django.core.exceptions import RequestDataTooBig
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.conf import settings
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
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


# Outside DRF's views (an unknown URL, an unhandled exception) Django answers HTML; these answer JSON
# everywhere but the admin, which keeps its pages.


def _is_admin(request: HttpRequest) -> bool:
    return request.path.startswith("/admin/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=404)


def too_large_response() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return JsonResponse({"detail": f"The request body is larger than the {limit} bytes accepted."}, status=413)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):  # a chunked body past the limit, found while reading it
        return too_large_response()
    if _is_admin(request):
        return defaults.bad_request(request, exception)
    return JsonResponse({"detail": "Bad request."}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_admin(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Internal server error."}, status=500)
