"""`GET /healthz`: liveness and readiness, without auth."""

from celery import current_app
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any driver error means "not ready"
        return False


def _broker_ok() -> bool:
    try:
        # The project's Celery app (the current one since the project loaded): the app never imports the project.
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # any transport error means "not ready"
        return False


@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    down = [name for name, ok in checks.items() if not ok]
    if down:
        return JsonResponse({"status": "unavailable", "down": down, "detail": f"down: {', '.join(down)}"}, status=503)
    return JsonResponse({"status": "ok"})
