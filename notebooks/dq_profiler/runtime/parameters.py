"""The notebook's widgets (Databricks job parameters), read into one typed object."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

REQUIRED_WIDGETS = ("table_group_id", "profile_run_id", "payload_path", "callback_url", "callback_token")
OPTIONAL_WIDGETS = (
    "catalog", "schema_name", "include_mask", "exclude_mask", "callback_retry_minutes", "results_schema",
)
WIDGET_NAMES = REQUIRED_WIDGETS + OPTIONAL_WIDGETS


class MissingJobParameter(ValueError):
    """A widget the run cannot do without is blank."""


@dataclass(frozen=True)
class JobParameters:
    table_group_id: str
    profile_run_id: str
    payload_path: str
    callback_url: str = ""
    callback_token: str = ""
    catalog: str = ""
    schema_name: str = ""
    include_mask: str = ""
    exclude_mask: str = ""
    callback_retry_minutes: str = ""  # blank or unreadable: the default
    results_schema: str = ""  # `catalog.schema` to write the result tables in; blank for none

    def __repr__(self) -> str:
        # Notebook output is visible to anyone who can see the run: never print the token.
        shown = ", ".join(
            f"{field.name}={'***' if field.name == 'callback_token' else getattr(self, field.name)!r}"
            for field in fields(self)
        )
        return f"JobParameters({shown})"


def read_job_parameters(dbutils: Any) -> JobParameters:
    """Declare every widget (blank by default) and read them.

    Only `profile_run_id` and `payload_path` are indispensable: without a callback URL or token the run still
    profiles and writes its payload, which the monitor reads when no callback arrives.
    """
    for name in WIDGET_NAMES:
        dbutils.widgets.text(name, "")
    values = {name: (dbutils.widgets.get(name) or "").strip() for name in WIDGET_NAMES}
    missing = [name for name in ("profile_run_id", "payload_path") if not values[name]]
    if missing:
        raise MissingJobParameter(f"Job parameter(s) required but blank: {', '.join(missing)}")
    return JobParameters(**values)
