"""Credentials for workspace calls: a personal access token, or OAuth machine-to-machine."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from .errors import DatabricksAuthError
from .transport import Transport

TOKEN_PATH = "/oidc/v1/token"
# Refresh this long before the token runs out, so no call goes out with a token about to expire.
REFRESH_MARGIN_SECONDS = 60.0


class Credentials(Protocol):
    def authorization(self) -> str:
        """The value of the Authorization header."""

    def invalidate(self) -> None:
        """Forget anything cached, after Databricks refused the credentials."""


class PersonalAccessToken:
    def __init__(self, token: str) -> None:
        self._token = token

    def authorization(self) -> str:
        return f"Bearer {self._token}"

    def invalidate(self) -> None:
        """A static token has nothing to refresh."""


class OAuthMachineToMachine:
    """Client-credentials flow against the workspace's own token endpoint; the access token is
    cached and shared by every thread using this client."""

    def __init__(
        self,
        transport: Transport,
        client_id: str,
        client_secret: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._transport = transport
        self._client_id = client_id
        self._client_secret = client_secret
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._access_token: str | None = None
        self._refresh_at = 0.0

    def authorization(self) -> str:
        with self._lock:
            if self._access_token is None or self._monotonic() >= self._refresh_at:
                self._fetch()
            return f"Bearer {self._access_token}"

    def invalidate(self) -> None:
        with self._lock:
            self._access_token = None

    def _fetch(self) -> None:
        fetched_at = self._monotonic()
        answer = self._transport.request(
            "POST",
            TOKEN_PATH,
            data={"grant_type": "client_credentials", "scope": "all-apis"},
            basic_auth=(self._client_id, self._client_secret),
            retry=True,  # asking for a token changes nothing on the workspace
        )
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise DatabricksAuthError(
                "The OAuth token endpoint answered without an access_token.", request=f"POST {TOKEN_PATH}"
            )
        lifetime = float(answer.get("expires_in") or 0)
        self._access_token = token
        self._refresh_at = fetched_at + max(0.0, lifetime - REFRESH_MARGIN_SECONDS)
