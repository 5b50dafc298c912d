"""Keeps tokens and secrets out of log lines and exception messages.

Two nets: values under secret-looking keys (JSON, Python reprs, query strings, `Bearer` headers) are
masked wherever they appear, and the exact secret values the caller knows are masked too, for messages
that echo a value without its key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
SECRET_KEYS = frozenset(
    {
        "token",
        "callback_token",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "secret",
        "password",
        "authorization",
        "api_key",
    }
)

_KEYS = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
# key, optional closing quote, `:` or `=`, then a quoted or bare value. `\b` keeps `idempotency_token`
# (not a secret) from matching `token`, since `_` is a word character.
_KEYED_VALUE = re.compile(
    rf"""(?P<key>\b(?:{_KEYS})\b["']?\s*[:=]\s*)(?P<value>"[^"]*"|'[^']*'|[^\s,&;}}\]]+)""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def is_secret_key(key: str) -> bool:
    return key.lower() in SECRET_KEYS


def redact_data(data: Any) -> Any:
    """A copy of a JSON-like structure with the values of secret keys masked."""
    if isinstance(data, Mapping):
        return {key: MASK if is_secret_key(str(key)) else redact_data(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_data(item) for item in data]
    return data


def secret_values(data: Any) -> list[str]:
    """The values stored under secret keys anywhere in a JSON-like structure."""
    if isinstance(data, Mapping):
        found: list[str] = []
        for key, value in data.items():
            if is_secret_key(str(key)) and isinstance(value, str):
                found.append(value)
            else:
                found.extend(secret_values(value))
        return found
    if isinstance(data, (list, tuple)):
        return [value for item in data for value in secret_values(item)]
    return []


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with known secret values and keyed secret values masked."""
    # Longest first, so that a secret containing another is masked whole.
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _BEARER.sub(lambda match: f"{match.group(1)} {MASK}", text)
    return _KEYED_VALUE.sub(_mask_keyed_value, text)


def _mask_keyed_value(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{quote}{MASK}{quote}"
