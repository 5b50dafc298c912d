"""Per-run bearer tokens for the notebook's callback and manifest calls.

A token is an HMAC of the run id under DATABRICKS_PROFILE_CALLBACK_SECRET, so it is scoped to one run
and needs no storage. During a rotation the previous secret is accepted too.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def _sign(secret: str, profile_run_id) -> str:
    return hmac.new(secret.encode(), str(profile_run_id).encode(), hashlib.sha256).hexdigest()


def make_callback_token(profile_run_id) -> str:
    secret = settings.DATABRICKS_PROFILE_CALLBACK_SECRET
    if not secret:
        raise ImproperlyConfigured("DATABRICKS_PROFILE_CALLBACK_SECRET is not set.")
    return _sign(secret, profile_run_id)


def token_matches(profile_run_id, presented: str) -> bool:
    """Constant-time check of a presented token against the current and previous secrets."""
    secrets = [s for s in (settings.DATABRICKS_PROFILE_CALLBACK_SECRET, settings.DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS) if s]
    matched = False
    for secret in secrets:
        # Compare against every secret so the timing does not tell which one matched.
        # Bytes, because compare_digest refuses non-ASCII str and a token comes from outside.
        matched |= hmac.compare_digest(_sign(secret, profile_run_id).encode(), presented.encode())
    return matched


def token_expired(profile_run) -> bool:
    """A token stops working PROFILE_CALLBACK_GRACE_HOURS after its run reached a final state, and in any case
    PROFILE_RUN_TIMEOUT_MINUTES plus that grace after the run started (or was written, if never started), so
    the token of a run that never finishes does not work forever."""
    grace = timedelta(hours=settings.PROFILE_CALLBACK_GRACE_HOURS)
    now = timezone.now()
    if profile_run.is_final and profile_run.completed_at is not None and now > profile_run.completed_at + grace:
        return True
    started = profile_run.started_at or profile_run.created_at
    timeout = timedelta(minutes=settings.PROFILE_RUN_TIMEOUT_MINUTES)
    return started is not None and now > started + timeout + grace
