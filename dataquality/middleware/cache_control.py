"""Pages and API answers carry data values (a run's top values, a group's settings): no cache, shared or the
browser's, may keep them. Static files never reach this middleware (WhiteNoise answers them above it) and keep
their own caching."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)  # includes `no-store` and `private`
        return response
