"""Earlier runs for the demo group, so that a newcomer's first `make demo` shows history, trends and a baseline.

Seeded runs are made from the payload of a real run of the demo (read from its `payload_path`, as the sweep reads
it), moved back in time one day apart, and completed through the same callback as the notebook's: each is judged
as any run is. They are marked `requested_by = "demo history (seeded)"`. In them, the row counts ramp gently up to
today's, and one text column held a fifth of today's nulls: the next real run finds that column outside its
baseline. Nothing is seeded once the group has history of its own.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import requests
from django.conf import settings
from django.utils import timezone

from dataquality.models import ProfileRun, ProfileRunStatus
from dataquality.services.results.callback_tokens import make_callback_token
from dataquality.services.access.workspaces import get_client

SEEDED_BY = "demo history (seeded)"
SEEDED_RUNS = 7
NULL_SHARE_BEFORE = 0.2  # the planted column held this share of today's nulls before


def needs_history(table_group_id: int) -> bool:
    completed = ProfileRun.objects.filter(table_group_id=table_group_id, status=ProfileRunStatus.COMPLETED)
    return completed.count() < settings.DQ_BASELINE_MIN_RUNS


def seed_history(web_url: str, source_run_id: str, *, runs: int = SEEDED_RUNS, post=requests.post) -> tuple[int, str | None]:
    """Seed `runs` completed runs before `source_run_id`, built from its payload, through the callback at `web_url`
    (`post` is how: `requests.post` by default). Returns how many were seeded and the `table.column` whose null
    share was planted (None when no column had nulls to plant)."""
    source = ProfileRun.objects.get(pk=source_run_id)
    payload = json.loads(get_client().read_payload(source.payload_path))
    planted = _planted_column(payload)
    first_day = source.created_at - timedelta(days=runs)
    for index in range(runs):
        when = first_day + timedelta(days=index)
        body = _earlier(payload, ramp=0.9 + 0.1 * index / runs, planted=planted)
        _complete(web_url, source.table_group_id, body, when, post)
    return runs, ".".join(planted) if planted else None


def _planted_column(payload: dict) -> tuple[str, str] | None:
    """The text column with the most nulls (but not all), as (schema.table, column)."""
    best = None
    for table in payload.get("tables") or ():
        for column in table.get("columns") or ():
            rows, nulls = column.get("row_count") or 0, column.get("null_count") or 0
            if column.get("general_type") == "text" and 0 < nulls < rows and (best is None or nulls / rows > best[0]):
                best = (nulls / rows, f"{table['schema_name']}.{table['table_name']}", column["column_name"])
    return best[1:] if best else None


def _earlier(payload: dict, *, ramp: float, planted: tuple[str, str] | None) -> dict:
    body = copy.deepcopy(payload)
    body.pop("anomaly_count", None)
    body["anomalies"] = [entry for entry in body.get("anomalies", []) if entry.get("anomaly_type") != "row_count_drop"]
    for table in body.get("tables") or ():
        qualified = f"{table['schema_name']}.{table['table_name']}"
        table["row_count"] = _scaled(table.get("row_count"), ramp)
        for column in table.get("columns") or ():
            column["row_count"] = _scaled(column.get("row_count"), ramp)
            for name in ("null_count", "blank_count", "zero_count", "negative_count"):
                column[name] = _scaled(column.get(name), ramp)
            if planted == (qualified, column["column_name"]):
                column["null_count"] = _scaled(column.get("null_count"), NULL_SHARE_BEFORE * ramp)
    body["row_count"] = sum(table.get("row_count") or 0 for table in body.get("tables") or ())
    return body


def _scaled(value, factor: float):
    return None if value is None else int(round(value * factor))


def _complete(web_url: str, table_group_id: int, body: dict, when, post) -> None:
    run = ProfileRun.objects.create(
        table_group_id=table_group_id, status=ProfileRunStatus.RUNNING, requested_by=SEEDED_BY,
        started_at=timezone.now(),
    )
    # Ordered among the group's runs by its creation; its callback token counts from `started_at`: back-dated after.
    ProfileRun.objects.filter(pk=run.pk).update(created_at=when)
    response = post(
        f"{web_url}/data-quality/testgen/profile-runs/{run.pk}/complete",
        json={**body, "profile_run_id": str(run.pk)},  # a payload names the run it is for
        headers={"Authorization": f"Bearer {make_callback_token(run.pk)}"}, timeout=60,
    )
    response.raise_for_status()
    ProfileRun.objects.filter(pk=run.pk).update(started_at=when, completed_at=when + timedelta(minutes=1))


__all__ = ["SEEDED_BY", "needs_history", "seed_history"]
