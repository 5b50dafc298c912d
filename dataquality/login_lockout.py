"""The client address that login lockouts (django-axes) count failures by.

Behind `LOGIN_PROXY_COUNT` proxies that each append to X-Forwarded-For, the client is that many entries from
its right end: entries further left are whatever the client sent, and trusting them would let anyone pick the
address they are counted under. Without proxies it is the peer address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.LOGIN_PROXY_COUNT
    if proxies:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
