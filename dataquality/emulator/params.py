"""Reading request parameters the way Databricks validates them."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import invalid_parameter


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    version: str = ""
    query: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    base_url: str = ""  # how the client reached the emulator, for the links in answers

    @property
    def params(self) -> Mapping[str, Any]:
        """Query parameters for GET, the JSON body otherwise."""
        return self.query if self.method in ("GET", "HEAD") else self.body


def integer(params: Mapping[str, Any], name: str, *, default: int | None = None) -> int:
    value = params.get(name)
    if value is None or value == "":
        if default is None:
            raise invalid_parameter(f"Missing required field: {name}")
        return default
    if isinstance(value, bool):
        raise invalid_parameter(f"Invalid value for {name}: {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid_parameter(f"Invalid value for {name}: {value!r}") from None


def boolean(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false", ""):
        raise invalid_parameter(f"Invalid value for {name}: {value!r}")
    return text == "true"


def mapping(params: Mapping[str, Any], name: str) -> dict:
    value = params.get(name) or {}
    if not isinstance(value, dict):
        raise invalid_parameter(f"{name} must be an object.")
    return value


def page(items: Sequence[Any], params: Mapping[str, Any], *, default_limit: int, max_limit: int) -> tuple[list, dict]:
    """One page of `items` by `limit` and `page_token` (or the deprecated `offset`), and the paging fields."""
    limit = integer(params, "limit", default=default_limit) or max_limit  # a limit of 0 means the maximum
    if not 1 <= limit <= max_limit:
        raise invalid_parameter(f"limit must be between 1 and {max_limit}, got {limit}.")
    token = params.get("page_token")
    start = _decode_token(token) if token else integer(params, "offset", default=0)
    if start < 0:
        raise invalid_parameter("offset cannot be negative.")
    chunk = list(items[start : start + limit])
    paging: dict[str, Any] = {"has_more": start + limit < len(items)}
    if paging["has_more"]:
        paging["next_page_token"] = _encode_token(start + limit)
    if start > 0:
        paging["prev_page_token"] = _encode_token(max(0, start - limit))
    return chunk, paging


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_token(token: str) -> int:
    try:
        prefix, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if prefix == "offset":
            return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise invalid_parameter(f"Invalid page_token: {token!r}")
