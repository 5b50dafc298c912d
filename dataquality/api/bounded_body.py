"""Reading a request body without ever holding more of it than a limit.

DRF's JSON parsing reads the whole body (`request.body`) before any parser sees it, and Django refuses a
body over DATA_UPLOAD_MAX_MEMORY_SIZE with an HTML 400; neither reads a chunked body at all. The callback reads
its body here instead: refused by its declared length before anything is read, or, when the server streams a
chunked body, as soon as it passes the limit.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework import exceptions, status

CHUNK_BYTES = 64 * 1024


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The payload is larger than the callback accepts."
    default_code = "payload_too_large"


def read_bounded_body(request: HttpRequest, limit: int) -> bytes:
    """The body of `request`, at most `limit` bytes; `PayloadTooLarge` (413) as soon as it is known to be longer.

    With a Content-Length, Django's stream ends there. Without one, the body is read from the server's own
    stream when the server says that stream ends with the body (`wsgi.input_terminated`, as gunicorn does for
    a chunked body); otherwise there is no body to read.
    """
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared:
        if not declared.isdigit():
            raise exceptions.ParseError("Content-Length is not a number.")
        if int(declared) > limit:
            raise PayloadTooLarge()
        stream = request
    elif request.META.get("wsgi.input_terminated"):
        stream = request.META["wsgi.input"]
    else:
        return b""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(CHUNK_BYTES, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise PayloadTooLarge()
