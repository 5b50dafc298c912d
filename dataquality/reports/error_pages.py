"""Error pages for the site's pages (landing, reports, login): the site's layout with a readable line, not JSON.

The API, the schema and `/healthz` answer JSON errors (`dataquality.api.errors`), and the admin keeps its own.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.template import loader

# What the API's clients call: everything under /data-quality/ but the report pages, and the schema and probes.
_NOT_PAGES = re.compile(r"^/(data-quality/|api/|healthz)")
_REPORT_PAGE = re.compile(r"^/data-quality/profile-runs/[^/]+/report(/|$)")

MESSAGES = {
    400: ("Bad request", "The server could not read this request: check the address and try again."),
    403: ("Not allowed", "Your account may not see this page. Ask an administrator for the viewer role."),
    404: ("Not found", "There is no such page: the run, table or address may be mistyped or deleted."),
    500: ("Something went wrong", "The server failed to show this page; the error is logged. Try again later."),
}


def is_page(request: HttpRequest) -> bool:
    return bool(_REPORT_PAGE.match(request.path) or not _NOT_PAGES.match(request.path))


def error_page(request: HttpRequest | None, status: int) -> HttpResponse:
    """The page for `status`. `request` is None for a 500, so a broken request context cannot break the page."""
    title, message = MESSAGES[status]
    html = loader.get_template("dataquality/error.html").render(
        {"status": status, "title": title, "message": message}, request
    )
    return HttpResponse(html, status=status)
