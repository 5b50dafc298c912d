"""Every error answers JSON with a readable `detail`."""

from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dataquality.reports.error_pages import error_page, is_page


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


# Outside DRF's views (an unknown URL, an unhandled exception) Django answers HTML; these answer JSON for the API,
# a page in the site's layout for the site's pages, and the admin keeps its own pages.


def _is_admin(request: HttpRequest) -> bool:
    return request.path.startswith("/admin/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return defaults.page_not_found(request, exception)
    if is_page(request):
        return error_page(request, 404)
    return JsonResponse({"detail": "Not found."}, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return defaults.permission_denied(request, exception)
    if is_page(request):
        return error_page(request, 403)
    return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_admin(request):
        return defaults.server_error(request)
    if is_page(request):
        return error_page(None, 500)
    return JsonResponse({"detail": "Internal server error."}, status=500)
