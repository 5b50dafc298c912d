"""One HTTP exchange with a workspace: timeout, typed errors, bounded retries, one redacted log line
per attempt. Everything the client and the OAuth token fetch send goes through `Transport.request`."""

from __future__ import annotations

import logging
import random as random_module
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import requests

from .errors import DatabricksError, DatabricksPermanentError, DatabricksTransientError, error_for_response
from .redaction import redact_data, redact_text, secret_values

logger = logging.getLogger("dataquality.databricks")

# Answers worth repeating a safe request for. A 500 is transient too, but Databricks sends it for
# faults that persist, so it goes back to the caller (a Celery task retries it later).
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_TRANSIENT_EXCEPTIONS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_MAX_ERROR_TEXT = 500


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        retry_max_seconds: float,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random_module.random,
        backoff_base_seconds: float = 0.5,
        backoff_max_seconds: float = 10.0,
        pace: Callable[[], None] | None = None,
    ) -> None:
        self.base_url = base_url
        self._timeout = timeout
        self._retry_max_seconds = retry_max_seconds
        self._session = session or requests.Session()
        self._sleep = sleep
        self._monotonic = monotonic
        self._random = random
        self._backoff_base = backoff_base_seconds
        self._backoff_max = backoff_max_seconds
        # Called before every attempt: it waits for the workspace's next free call slot, or raises
        # `DatabricksRateLimited` when that is too far off (launch control's shared rate limit).
        self._pace = pace

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        basic_auth: tuple[str, str] | None = None,
        retry: bool = False,
        raw: bool = False,
    ) -> Any:
        """The decoded JSON answer (bytes with `raw`), or a `DatabricksError`.

        `retry` says the request is safe to repeat; only then are connection errors, timeouts, 429 and
        502-504 retried, with backoff and within `retry_max_seconds` in all.
        """
        secrets = _secrets_of(json, data, params, headers, basic_auth)
        described = f"{method} {_logged_path(path, params, secrets)}"
        send_kwargs = {"params": params, "json": json, "data": data, "headers": headers, "auth": basic_auth}
        started = self._monotonic()
        attempt = 0
        while True:
            attempt += 1
            if self._pace is not None:
                self._pace()
            try:
                response = self._send(method, path, send_kwargs, described, secrets, attempt)
                return _decode(response, raw, described, secrets)
            except DatabricksError as error:
                delay = self._retry_delay(error, attempt) if retry else None
                if delay is None or self._monotonic() - started + delay > self._retry_max_seconds:
                    raise
                self._sleep(delay)

    def _send(
        self, method: str, path: str, send_kwargs: dict, described: str, secrets: list[str], attempt: int
    ) -> requests.Response:
        started = self._monotonic()
        try:
            response = self._session.request(
                method, f"{self.base_url}{path}", timeout=self._timeout, allow_redirects=False, **send_kwargs
            )
        except requests.RequestException as exc:
            self._log(described, type(exc).__name__, started, attempt, logging.WARNING)
            transient = isinstance(exc, _TRANSIENT_EXCEPTIONS)
            error_class = DatabricksTransientError if transient else DatabricksPermanentError
            message = f"{type(exc).__name__}: {redact_text(str(exc), secrets)}"
            # `from None`: the requests exception repeats the URL and adds nothing once logged.
            raise error_class(message, request=described) from None
        level = logging.INFO if _succeeded(response) else logging.WARNING
        self._log(described, response.status_code, started, attempt, level)
        return response

    def _log(self, described: str, outcome: int | str, started: float, attempt: int, level: int) -> None:
        duration_ms = round((self._monotonic() - started) * 1000)
        logger.log(level, "databricks %s -> %s in %d ms (attempt %d)", described, outcome, duration_ms, attempt)

    def _retry_delay(self, error: DatabricksError, attempt: int) -> float | None:
        """Seconds to wait before repeating, or None when this error is not worth a retry."""
        connection_failed = isinstance(error, DatabricksTransientError) and error.status is None
        if not (connection_failed or error.status in RETRYABLE_STATUSES):
            return None
        if error.retry_after is not None:
            return error.retry_after
        backoff = min(self._backoff_max, self._backoff_base * 2 ** (attempt - 1))
        # Equal jitter: at least half the backoff, so that many workers spread out but still wait.
        return backoff * (0.5 + 0.5 * self._random())


def _succeeded(response: requests.Response) -> bool:
    # Not `response.ok`, which includes 3xx: redirects are not followed, so one is an error here.
    return 200 <= response.status_code < 300


def _decode(response: requests.Response, raw: bool, request: str, secrets: list[str]) -> Any:
    if _succeeded(response):
        if raw:
            return response.content
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise DatabricksPermanentError(
                "Databricks answered with something other than JSON.", status=response.status_code, request=request
            ) from None
    error_code, message = _error_details(response)
    raise error_for_response(
        response.status_code,
        error_code,
        redact_text(message, secrets),
        request=request,
        retry_after=_retry_after(response),
    )


def _error_details(response: requests.Response) -> tuple[str | None, str]:
    """(error_code, message) of an error answer: Databricks' JSON shape, or the start of the text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("error_code" in body or "message" in body):
        # Not always a string: Databricks answers a wrong token with `{"error_code": 403, ...}`.
        code = body.get("error_code")
        return (None if code is None else str(code)), str(body.get("message") or code)
    if isinstance(body, dict) and "error" in body:  # the OAuth token endpoint's shape
        return str(body["error"]), str(body.get("error_description") or body["error"])
    text = response.text.strip()[:_MAX_ERROR_TEXT]
    return None, text or response.reason or "no message"


def _retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds; an HTTP date (rare from Databricks) falls back to our own backoff."""
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _secrets_of(json, data, params, headers, basic_auth) -> list[str]:
    """Every secret value this request carries, to mask wherever it might be echoed."""
    found = secret_values(json) + secret_values(data) + secret_values(params)
    for name, value in (headers or {}).items():
        if name.lower() == "authorization":
            found.extend([value, value.rpartition(" ")[2]])
    if basic_auth:
        found.append(basic_auth[1])
    return found


def _logged_path(path: str, params: Mapping[str, Any] | None, secrets: list[str]) -> str:
    if not params:
        return path
    query = urlencode(redact_data(dict(params)), safe="*/:")
    return f"{path}?{redact_text(query, secrets)}"

