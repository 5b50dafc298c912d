"""What to profile: the API's manifest for the run, or the widgets when the API cannot say.

Fallback rule: any failure to get a usable manifest (API unreachable after retries, 5xx, 401/403/404, a body
that is not a manifest) falls back to the widgets, logged at ERROR for refusals and WARNING for outages. Profiling
still produces the payload file, which the monitor reads when no callback gets through, so a partial answer beats
none. What a fallback run loses is the thresholds, the sampling settings and the previous row counts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .http_client import RetryPolicy, Sleep, send_with_retries
from .parameters import JobParameters

logger = logging.getLogger(__name__)

# A few minutes, honouring Retry-After (a 503 while the API's database is away), before the widgets stand in.
MANIFEST_RETRY = RetryPolicy(
    attempts=None, base_delay_seconds=2.0, max_delay_seconds=30.0, max_retry_after_seconds=60.0, max_total_wait_seconds=180.0
)
SOURCE_API = "api"
SOURCE_WIDGETS = "widgets"


class InvalidManifest(ValueError):
    """The API answered 200 with something that is not this run's manifest."""


@dataclass(frozen=True)
class TableRef:
    schema_name: str
    table_name: str

    @property
    def key(self) -> str:
        """`schema.table`: how the API keys previous row counts and names tables in anomalies."""
        return f"{self.schema_name}.{self.table_name}" if self.schema_name else self.table_name


@dataclass(frozen=True)
class Manifest:
    profile_run_id: str
    table_group_id: str
    source: str
    catalog: str = ""
    schema_name: str = ""
    include_mask: str = ""
    exclude_mask: str = ""
    sample_percent: float | None = None
    sample_min_rows: int | None = None
    tables: tuple[TableRef, ...] = ()
    thresholds: dict[str, Any] | None = None
    # "schema.table" -> {"profile_run_id", "delta_version", "table", "anomalies"} of the group's last completed run
    previous_tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Any, *, profile_run_id: str) -> Manifest:
        if not isinstance(document, Mapping):
            raise InvalidManifest("the manifest is not a JSON object")
        answered_run = str(document.get("profile_run_id") or profile_run_id)
        if answered_run != profile_run_id:
            raise InvalidManifest(f"the manifest is for run {answered_run}, not {profile_run_id}")
        try:
            return cls(
                profile_run_id=profile_run_id,
                table_group_id=str(document.get("table_group_id") or ""),
                source=SOURCE_API,
                catalog=_text(document.get("catalog")),
                schema_name=_text(document.get("schema_name")),
                include_mask=_text(document.get("include_mask")),
                exclude_mask=_text(document.get("exclude_mask")),
                sample_percent=_optional(float, document.get("sample_percent")),
                sample_min_rows=_optional(int, document.get("sample_min_rows")),
                tables=tuple(
                    TableRef(_text(table["schema_name"]), _text(table["table_name"]))
                    for table in document.get("tables") or ()
                ),
                thresholds=dict(document["thresholds"]) if document.get("thresholds") else None,
                previous_tables=_previous_tables(document.get("previous_tables")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidManifest(f"the manifest is malformed: {error!r}") from error

    @classmethod
    def from_parameters(cls, parameters: JobParameters) -> Manifest:
        return cls(
            profile_run_id=parameters.profile_run_id,
            table_group_id=parameters.table_group_id,
            source=SOURCE_WIDGETS,
            catalog=parameters.catalog,
            schema_name=parameters.schema_name,
            include_mask=parameters.include_mask,
            exclude_mask=parameters.exclude_mask,
        )


def manifest_url(callback_url: str) -> str | None:
    """`…/profile-runs/{id}/complete` -> `…/profile-runs/{id}/manifest`; None when the URL has another shape."""
    parts = urlsplit(callback_url.strip())
    path = parts.path.rstrip("/")
    if not parts.scheme or not parts.netloc or not path.endswith("/complete"):
        return None
    return urlunsplit(parts._replace(path=path[: -len("complete")] + "manifest"))


def load_manifest(
    parameters: JobParameters,
    *,
    timeout: float = 30.0,
    policy: RetryPolicy = MANIFEST_RETRY,
    sleep: Sleep = time.sleep,
) -> Manifest:
    """The API's manifest for this run, or the widgets' version of it (see the module docstring for when)."""
    url = manifest_url(parameters.callback_url)
    if url is None:
        logger.warning("No manifest URL derives from callback_url %r; using the widgets", parameters.callback_url)
        return Manifest.from_parameters(parameters)
    outcome = send_with_retries(
        "GET",
        url,
        headers={"Authorization": f"Bearer {parameters.callback_token}", "Accept": "application/json"},
        timeout=timeout,
        policy=policy,
        sleep=sleep,
    )
    response = outcome.response
    if response is None or response.retryable:
        logger.warning("The manifest API is unavailable (%s); using the widgets", outcome.last_error)
    elif not response.ok:
        logger.error(
            "The manifest API refused the request with HTTP %s (%s); using the widgets, without thresholds, "
            "sampling or previous row counts. The callback will likely be refused too; the payload file stands.",
            response.status, response.body[:300].decode("utf-8", "replace"),
        )
    else:
        try:
            manifest = Manifest.from_document(response.json(), profile_run_id=parameters.profile_run_id)
        except ValueError as error:  # InvalidManifest, or a body that is not JSON
            logger.error("The manifest API answered with an unusable manifest (%s); using the widgets", error)
        else:
            logger.info("Manifest loaded from %s: %d explicit table(s)", url, len(manifest.tables))
            return manifest
    return Manifest.from_parameters(parameters)


def _previous_tables(value: Any) -> dict[str, dict[str, Any]]:
    """Only entries a table can be reused from: a run id, an integer version and a table document."""
    if not isinstance(value, Mapping):
        return {}
    return {
        str(key): dict(entry)
        for key, entry in value.items()
        if isinstance(entry, Mapping) and entry.get("profile_run_id") and isinstance(entry.get("delta_version"), int)
        and isinstance(entry.get("table"), Mapping)
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _optional(convert: type, value: Any) -> Any:
    return None if value is None or value == "" else convert(value)
