"""Fault injection, so that clients can rehearse a misbehaving workspace.

| setting | environment variable | effect |
|---|---|---|
| `fail_requests` | `DATABRICKS_EMULATOR_FAIL_REQUESTS` | the next N API requests are refused... |
| `fail_status` | `DATABRICKS_EMULATOR_FAIL_STATUS` | ...with 429 (`REQUEST_LIMIT_EXCEEDED`, default) or 503 (`TEMPORARILY_UNAVAILABLE`) |
| `fail_path` | `DATABRICKS_EMULATOR_FAIL_PATH` | ...only requests whose path contains this text (e.g. `/jobs/run-now`) |
| `retry_after` | `DATABRICKS_EMULATOR_RETRY_AFTER` | the `Retry-After` seconds sent with a 429 (default 1) |
| `latency` | `DATABRICKS_EMULATOR_LATENCY` | seconds added to every API request |
| `force_run_result` | `DATABRICKS_EMULATOR_FORCE_RUN_RESULT` | new runs end `FAILED`, `INTERNAL_ERROR` or `SKIPPED` without running the notebook |
| `force_run_count` | `DATABRICKS_EMULATOR_FORCE_RUN_COUNT` | ...for the next N runs only (default: every run) |
| `drop_callback` | `DATABRICKS_EMULATOR_DROP_CALLBACK` | new runs write their payload but never post the callback |

The same settings can be read and changed while the emulator runs: `GET`/`POST /emulator/faults` (JSON).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from .errors import ApiError
from .lifecycle import FORCEABLE

ENV_PREFIX = "DATABRICKS_EMULATOR_"
FAIL_STATUSES = {429: "REQUEST_LIMIT_EXCEEDED", 503: "TEMPORARILY_UNAVAILABLE"}
EVERY_RUN = -1


@dataclass(frozen=True)
class FaultSettings:
    fail_requests: int = 0
    fail_status: int = 429
    fail_path: str = ""
    retry_after: float = 1.0
    latency: float = 0.0
    force_run_result: str = ""
    force_run_count: int = EVERY_RUN
    drop_callback: bool = False

    def __post_init__(self) -> None:
        if self.fail_status not in FAIL_STATUSES:
            raise ValueError(f"fail_status must be one of {sorted(FAIL_STATUSES)}, not {self.fail_status}")
        if self.force_run_result and self.force_run_result not in FORCEABLE:
            raise ValueError(f"force_run_result must be one of {sorted(FORCEABLE)}, not {self.force_run_result!r}")
        if self.fail_requests < 0 or self.latency < 0 or self.retry_after < 0:
            raise ValueError("fail_requests, latency and retry_after cannot be negative")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: FaultSettings | None = None) -> FaultSettings:
        """Settings from JSON or environment-like text values; unknown names are an error."""
        known = {field.name: field.type for field in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"Unknown fault setting(s): {', '.join(sorted(unknown))}")
        converted = {name: _convert(name, known[name], value) for name, value in values.items()}
        return replace(base or cls(), **converted)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FaultSettings:
        values = {
            field.name: environ[ENV_PREFIX + field.name.upper()]
            for field in fields(cls)
            if environ.get(ENV_PREFIX + field.name.upper(), "") != ""
        }
        return cls.from_mapping(values)


def _convert(name: str, kind: str, value: Any) -> Any:
    try:
        if kind == "bool":
            return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value).strip().upper() if name == "force_run_result" else str(value)
    except (TypeError, ValueError):
        raise ValueError(f"Fault setting {name} must be a {kind}, not {value!r}") from None


@dataclass(frozen=True)
class RunPlan:
    forced_result: str = ""
    drop_callback: bool = False


class FaultInjector:
    def __init__(self, settings: FaultSettings | None = None, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._lock = threading.Lock()
        self._settings = settings or FaultSettings()
        self._sleep = sleep

    @property
    def settings(self) -> FaultSettings:
        with self._lock:
            return self._settings

    def update(self, values: Mapping[str, Any]) -> FaultSettings:
        with self._lock:
            self._settings = FaultSettings.from_mapping(values, base=self._settings)
            return self._settings

    def before_request(self, path: str) -> ApiError | None:
        """Waits the added latency; returns the refusal this request gets, if it gets one."""
        settings = self.settings
        if settings.latency:
            self._sleep(settings.latency)
        with self._lock:
            settings = self._settings
            if settings.fail_requests <= 0 or (settings.fail_path and settings.fail_path not in path):
                return None
            self._settings = replace(settings, fail_requests=settings.fail_requests - 1)
        status = settings.fail_status
        headers = {"Retry-After": _seconds(settings.retry_after)} if status == 429 else {}
        message = "Too many requests (injected fault)." if status == 429 else "Service unavailable (injected fault)."
        return ApiError(status, FAIL_STATUSES[status], message, headers=headers)

    def plan_run(self) -> RunPlan:
        """What happens to a run triggered now; a limited forced result is used up by it."""
        with self._lock:
            settings = self._settings
            forced = settings.force_run_result if settings.force_run_count != 0 else ""
            if forced and settings.force_run_count > 0:
                remaining = settings.force_run_count - 1
                self._settings = replace(
                    settings, force_run_count=remaining, force_run_result=forced if remaining else ""
                )
            return RunPlan(forced_result=forced, drop_callback=settings.drop_callback)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self.settings)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
