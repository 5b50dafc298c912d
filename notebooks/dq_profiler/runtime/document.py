"""The payload document: one JSON text, written to `payload_path` and posted to the callback byte for byte."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

STATUS_FAILED = "failed"
MAX_ERROR_MESSAGE_CHARS = 4000  # Spark errors can carry whole JVM stack traces


def utc_timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def encode_document(document: dict[str, Any]) -> str:
    """Strict JSON: NaN and infinities (not JSON) become null; dates, times and decimals become text or numbers."""
    return json.dumps(_json_ready(document), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def failure_document(error_message: str, *, started_at: str) -> dict[str, Any]:
    """What the callback accepts for a run that produced no results."""
    return {
        "status": STATUS_FAILED,
        "error_message": error_message[:MAX_ERROR_MESSAGE_CHARS],
        "row_count": 0,
        "anomaly_count": 0,
        "anomalies": [],
        "tables": [],
        "started_at": started_at,
        "completed_at": utc_timestamp(),
    }


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return _json_ready(float(value))
    if isinstance(value, datetime):
        return utc_timestamp(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
