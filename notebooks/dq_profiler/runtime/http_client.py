"""A minimal JSON-over-HTTP client on urllib, with retries: the notebook must run on any cluster, so no `requests`."""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

Sleep = Callable[[float], None]


class TransportError(Exception):
    """No HTTP answer at all: refused connection, DNS failure, timeout, dropped socket."""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return self.status in (408, 429) or self.status >= 500

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff (base, 2x base, 4x base… capped), or the server's Retry-After when it gives one.

    Retries stop after `attempts` (None: no count) or once the waits would add up to more than
    `max_total_wait_seconds` (None: no budget), whichever comes first.
    """

    attempts: int | None = 5
    base_delay_seconds: float = 2.0
    max_delay_seconds: float = 60.0
    max_retry_after_seconds: float = 300.0
    max_total_wait_seconds: float | None = None

    def __post_init__(self) -> None:
        if self.attempts is None and self.max_total_wait_seconds is None:
            raise ValueError("A retry policy needs a number of attempts or a total wait, or it never ends")

    def allows_retry(self, attempt: int, waited_seconds: float, delay: float) -> bool:
        """Whether another attempt follows attempt number `attempt`, after `waited_seconds` and a wait of `delay`."""
        if self.attempts is not None and attempt >= self.attempts:
            return False
        return self.max_total_wait_seconds is None or waited_seconds + delay <= self.max_total_wait_seconds

    def delay_before_retry(self, retry_number: int, retry_after: str | None = None) -> float:
        requested = parse_retry_after(retry_after)
        if requested is not None:
            return min(requested, self.max_retry_after_seconds)
        return min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (retry_number - 1))


@dataclass
class HttpOutcome:
    """The last answer (None when the server was never reached), how many attempts it took, and why it stopped."""

    response: HttpResponse | None
    attempts: int
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.ok

    @property
    def last_error(self) -> str:
        return self.errors[-1] if self.errors else ""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would replay the bearer token to wherever a redirect points: a 3xx is an answer, never followed.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_RefuseRedirects)


def send(method: str, url: str, *, headers: Mapping[str, str], body: bytes | None, timeout: float) -> HttpResponse:
    """One request. Every HTTP status comes back as a response; only a missing answer raises TransportError."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"Only http(s) URLs are supported, not {url!r}")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return HttpResponse(answer.status, _lower_keys(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return HttpResponse(error.code, _lower_keys(error.headers.items()), error.read())
    except (OSError, http.client.HTTPException) as error:  # URLError, timeouts and socket errors are OSErrors
        raise TransportError(f"{type(error).__name__}: {error}") from error


def send_with_retries(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    body: bytes | None = None,
    timeout: float,
    policy: RetryPolicy,
    sleep: Sleep = time.sleep,
) -> HttpOutcome:
    """Send until a final answer: retries transport errors, 408, 429 and 5xx; any other status is final.

    The body is the same bytes on every attempt, so the receiver must (and ours does) treat repeats as one.
    """
    outcome = HttpOutcome(response=None, attempts=0)
    waited = 0.0
    attempt = 0
    while True:
        attempt += 1
        outcome.attempts = attempt
        retry_after = None
        try:
            outcome.response = send(method, url, headers=headers, body=body, timeout=timeout)
        except TransportError as error:
            outcome.response = None
            outcome.errors.append(str(error))
        else:
            if not outcome.response.retryable:
                return outcome
            outcome.errors.append(f"HTTP {outcome.response.status}")
            retry_after = outcome.response.headers.get("retry-after")
        delay = policy.delay_before_retry(attempt, retry_after)
        if not policy.allows_retry(attempt, waited, delay):
            break
        logger.warning(
            "%s %s failed (%s), attempt %d, %.0fs waited so far; retrying in %.1fs",
            method, url, outcome.last_error, attempt, waited, delay,
        )
        sleep(delay)
        waited += delay
    logger.error("%s %s gave up after %d attempts: %s", method, url, outcome.attempts, outcome.last_error)
    return outcome


def _lower_keys(items: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in items}
