"""Posting the payload document to the completion callback, retried until the API gives a final answer."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .http_client import RetryPolicy, Sleep, send_with_retries

logger = logging.getLogger(__name__)

DEFAULT_CALLBACK_RETRY_MINUTES = 30.0


def callback_retry_policy(minutes: float = DEFAULT_CALLBACK_RETRY_MINUTES) -> RetryPolicy:
    """Retry for up to `minutes` of waiting (the job parameter `callback_retry_minutes`): long enough to outlast
    an API or database restart, after which the payload file is the monitor's fallback."""
    return RetryPolicy(
        attempts=None,
        base_delay_seconds=2.0,
        max_delay_seconds=60.0,
        max_retry_after_seconds=300.0,
        max_total_wait_seconds=minutes * 60,
    )

# Why a final refusal happened, in words an operator can act on.
_REFUSALS = {
    400: "the API rejected the document as malformed",
    401: "the callback token was refused (wrong secret, another run's token, or past its grace period)",
    404: "the API does not know this profile run",
    409: "the run was canceled in the API; its results are not wanted",
    413: "the document is larger than the API accepts",
}


@dataclass(frozen=True)
class CallbackResult:
    delivered: bool
    attempts: int
    status: int | None
    detail: str


def post_callback(
    url: str,
    token: str,
    body: bytes,
    *,
    timeout: float = 60.0,
    policy: RetryPolicy | None = None,
    sleep: Sleep = time.sleep,
    drop: bool = False,
) -> CallbackResult:
    """POST the same bytes on every attempt: the API replaces a run's results, so a repeat is harmless.

    Transport errors, 408, 429 and 5xx are retried with backoff (honouring Retry-After); other answers are final.
    Never raises for a failed delivery: the payload file is the fallback the monitor reads.
    `drop` sends nothing at all, as if every attempt had been lost: a fault the local stand-in injects so that
    the payload-file fallback can be rehearsed.
    """
    if drop:
        logger.warning("Callback dropped on purpose (fault injection): results are only in the payload file")
        return CallbackResult(delivered=False, attempts=0, status=None, detail="dropped on purpose (fault injection)")
    if urlsplit(url).scheme not in ("http", "https"):
        logger.error("No usable callback_url (%r): results are only in the payload file", url)
        return CallbackResult(delivered=False, attempts=0, status=None, detail="no usable callback_url")
    outcome = send_with_retries(
        "POST",
        url,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"},
        body=body,
        timeout=timeout,
        policy=policy or callback_retry_policy(),
        sleep=sleep,
    )
    response = outcome.response
    if outcome.ok:
        logger.info("Callback delivered with HTTP %s after %d attempt(s)", response.status, outcome.attempts)
        return CallbackResult(delivered=True, attempts=outcome.attempts, status=response.status, detail="delivered")
    if response is None or response.retryable:
        detail = f"no final answer after {outcome.attempts} attempt(s): {outcome.last_error}"
    else:
        reason = _REFUSALS.get(response.status, "the API refused the callback")
        detail = f"HTTP {response.status}: {reason}: {response.body[:500].decode('utf-8', 'replace')}"
    logger.error("Callback not delivered (%s); the monitor will read the payload file instead", detail)
    return CallbackResult(
        delivered=False, attempts=outcome.attempts, status=response.status if response else None, detail=detail
    )
