"""Workspace host normalisation: `https://host`, `host` and `host/` all name the same workspace."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def base_url(host: str) -> str:
    """`scheme://hostname[:port]` for a host as people write it; https unless a scheme is given.

    Rebuilt from the parsed parts, so the URL the client calls is exactly the host that was checked
    (no user info, path or query can ride along).
    """
    scheme, name, port = _parse(host)
    netloc = f"[{name}]" if ":" in name else name  # an IPv6 address keeps its brackets
    return f"{scheme}://{netloc}:{port}" if port else f"{scheme}://{netloc}"


def hostname(host: str) -> str:
    """The lower-cased hostname alone, for comparing hosts."""
    return _parse(host)[1]


def scheme_and_port(host: str) -> tuple[str, int | None]:
    """The scheme (`https` unless one is given) and the explicit port (None when there is none)."""
    scheme, _, port = _parse(host)
    return scheme, port


def is_loopback(host: str) -> bool:
    """Whether the host is this machine: `localhost`, 127.0.0.0/8 or ::1."""
    name = hostname(host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _parse(host: str) -> tuple[str, str, int | None]:
    """(scheme, hostname, port) of a host; ValueError with a readable message when it is not one."""
    text = (host or "").strip()
    if not text:
        raise ValueError("The Databricks host is empty.")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"The Databricks host must be an http(s) URL or a bare hostname, not {host!r}.")
    if not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError(f"The Databricks host must be a plain hostname or URL, not {host!r}.")
    if parts.path not in ("", "/"):
        raise ValueError(f"The Databricks host must not contain a path: {host!r}.")
    return parts.scheme, parts.hostname, parts.port  # `.port` raises ValueError when malformed
