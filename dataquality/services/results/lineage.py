"""OpenLineage run events (contract section 12.3), built with the openlineage-python client and sent over its HTTP
transport.

- `START` when a run is launched; `COMPLETE` or `FAIL` when it ends (a canceled run ends `FAIL`).
- `run.runId` is the profile run id; the job is `{OPENLINEAGE_NAMESPACE, "table-group-<id>"}`.
- On `COMPLETE`, each profiled table is an input dataset (`databricks://<workspace host>`, `catalog.schema.table`)
  with the `dataQualityMetrics` and `dataQualityAssertions` input facets. Metrics come from the stored columns,
  whose PII values were withheld on completion; each anomaly of the table is one failed assertion.

Delivery never holds a run back: `announce_run_event` only queues a Celery task once the transaction has committed,
and the task retries a bounded number of times, then logs the failure.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections import defaultdict
from urllib.parse import urlsplit

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    data_quality_assertions_dataset,
    data_quality_metrics_input_dataset,
    error_message_run,
)
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport, TokenProvider

from dataquality.models import ProfileColumn, ProfileRun, ProfileRunStatus
from dataquality.services.results.manifest import qualified_table_name

START, COMPLETE, FAIL = RunState.START.value, RunState.COMPLETE.value, RunState.FAIL.value
PRODUCER = "urn:conversioncentral:dataquality"
LINEAGE_FIRST_RETRY_SECONDS = 10
logger = logging.getLogger(__name__)
_QUANTILES = (("0.25", "p25"), ("0.5", "p50"), ("0.75", "p75"))


class LineageNotDelivered(Exception):
    """The endpoint could not be reached or refused the event; worth another try later."""


def announce_run_event(profile_run: ProfileRun, event_type: str) -> None:
    """Queue the run's event for after the commit; nothing when no endpoint is configured."""
    if not settings.OPENLINEAGE_URL:
        return
    run_id = str(profile_run.pk)
    transaction.on_commit(lambda: send_lineage_event_task.delay(run_id, event_type))


def announce_run_end(profile_run: ProfileRun) -> None:
    """`COMPLETE` for a completed run, `FAIL` for a failed or canceled one."""
    announce_run_event(profile_run, COMPLETE if profile_run.status == ProfileRunStatus.COMPLETED else FAIL)


def send_lineage_event(*, profile_run_id: str, event_type: str) -> None:
    """Build the run's event as it is now and POST it once. Raises LineageNotDelivered."""
    profile_run = ProfileRun.objects.select_related("table_group__connection").get(pk=profile_run_id)
    event = build_run_event(profile_run, event_type)
    try:
        lineage_client().emit(event)
    except requests.RequestException as error:
        raise LineageNotDelivered(f"{type(error).__name__}: {error}") from error


def lineage_client() -> OpenLineageClient:
    auth = ApiKeyTokenProvider({"apiKey": settings.OPENLINEAGE_API_KEY}) if settings.OPENLINEAGE_API_KEY else None
    config = HttpConfig(
        url=settings.OPENLINEAGE_URL,
        timeout=settings.OPENLINEAGE_TIMEOUT_SECONDS,
        auth=auth or TokenProvider({}),
        retry={"total": 0},  # the Celery task retries, with its own bound and backoff
    )
    return OpenLineageClient(transport=HttpTransport(config))


def build_run_event(profile_run: ProfileRun, event_type: str) -> RunEvent:
    run_facets = {}
    if event_type == FAIL:
        message = profile_run.error_message or f"The run ended {profile_run.status}."
        run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
            message=message, programmingLanguage="python"
        )
    moment = (profile_run.completed_at if event_type != START else profile_run.started_at) or timezone.now()
    return RunEvent(
        eventType=RunState(event_type),
        eventTime=moment.isoformat(),
        run=Run(runId=str(uuid.UUID(str(profile_run.pk))), facets=run_facets),
        job=Job(namespace=settings.OPENLINEAGE_NAMESPACE, name=f"table-group-{profile_run.table_group_id}"),
        inputs=input_datasets(profile_run) if event_type == COMPLETE else [],
        producer=PRODUCER,
    )


def input_datasets(profile_run: ProfileRun) -> list[InputDataset]:
    """Each table profiled without error, with its metrics and one failed assertion per anomaly."""
    group = profile_run.table_group
    namespace = f"databricks://{workspace_host(group)}"
    columns = defaultdict(list)
    for column in profile_run.columns.order_by("ordinal_position", "id"):
        columns[(column.schema_name, column.table_name)].append(column)
    assertions = defaultdict(list)
    for anomaly in profile_run.anomalies.order_by("id"):
        assertions[anomaly.table_name].append(
            data_quality_assertions_dataset.Assertion(
                assertion=anomaly.anomaly_type, success=False, column=anomaly.column_name, severity=anomaly.severity
            )
        )
    datasets = []
    for result in profile_run.results.filter(error__isnull=True).order_by("schema_name", "table_name"):
        name = qualified_table_name(result.schema_name, result.table_name)
        table_columns = columns[(result.schema_name, result.table_name)]
        metrics = data_quality_metrics_input_dataset.DataQualityMetricsInputDatasetFacet(
            rowCount=result.row_count,
            columnMetrics={column.column_name: column_metrics(column) for column in table_columns},
        )
        checks = data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet(assertions=assertions[name])
        datasets.append(
            InputDataset(
                namespace=namespace,
                name=".".join(part for part in (group.catalog, name) if part),
                inputFacets={"dataQualityMetrics": metrics, "dataQualityAssertions": checks},
            )
        )
    return datasets


def column_metrics(column: ProfileColumn) -> data_quality_metrics_input_dataset.ColumnMetrics:
    """Counts, and min, max and quantiles when numeric (the facet holds numbers; PII columns have none stored)."""
    known = column.row_count is not None and column.null_count is not None
    return data_quality_metrics_input_dataset.ColumnMetrics(
        nullCount=column.null_count,
        distinctCount=column.distinct_count,
        count=float(column.row_count - column.null_count) if known else None,
        min=_number(column.min_value) if column.general_type == "numeric" else None,
        max=_number(column.max_value) if column.general_type == "numeric" else None,
        quantiles={key: getattr(column, name) for key, name in _QUANTILES if getattr(column, name) is not None},
    )


def workspace_host(table_group) -> str:
    host = (table_group.connection.host if table_group.connection else "") or settings.DATABRICKS_HOST
    return urlsplit(host).netloc or host


def _number(text: str | None) -> float | None:
    try:
        number = float(text) if text is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


# Its name is the one it had in dataquality/tasks.py, so tasks queued before an upgrade still find it.
@shared_task(
    name="dataquality.tasks.send_lineage_event_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
)
def send_lineage_event_task(self, profile_run_id: str, event_type: str) -> None:
    """Send one OpenLineage event of a run. A receiver that is down gets OPENLINEAGE_MAX_RETRIES more tries, waits doubling from 10 s; then the event is given up, with an error logged."""
    try:
        send_lineage_event(profile_run_id=profile_run_id, event_type=event_type)
    except LineageNotDelivered as error:
        attempts = self.request.retries + 1
        if self.request.retries >= settings.OPENLINEAGE_MAX_RETRIES:
            logger.error(
                "OpenLineage %s event of profile run %s not delivered after %d attempt(s), given up: %s",
                event_type, profile_run_id, attempts, error,
            )
            return
        logger.warning(
            "OpenLineage %s event of profile run %s failed (%s); retrying", event_type, profile_run_id, error
        )
        raise self.retry(
            exc=error, countdown=LINEAGE_FIRST_RETRY_SECONDS * 2**self.request.retries,
            max_retries=settings.OPENLINEAGE_MAX_RETRIES,
        )
