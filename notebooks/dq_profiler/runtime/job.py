"""The notebook's whole job: manifest -> tables -> profile -> payload file + callback -> exit summary."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import ProfileOptions, TableSource, profile_tables
from .callback import DEFAULT_CALLBACK_RETRY_MINUTES, CallbackResult, callback_retry_policy, post_callback
from .document import encode_document, failure_document, utc_timestamp
from .http_client import Sleep
from .manifest import Manifest, TableRef, load_manifest
from .parameters import JobParameters, read_job_parameters
from .results import write_run_results
from .reuse import delta_history_reader, merge_reused, read_versions, reusable_tables
from .settings import RuntimeSettings
from .tables import NoTablesToProfile, TableLister, qualified_name, resolve_tables, spark_table_lister
from .writers import write_payload

logger = logging.getLogger(__name__)

ProfileFunction = Callable[[Any, Sequence[TableSource], ProfileOptions], dict]


class PayloadNotDelivered(RuntimeError):
    """The document reached neither the payload file nor the callback: nobody can learn the run's outcome."""


@dataclass(frozen=True)
class Delivery:
    payload_written: bool
    callback: CallbackResult


def build_table_sources(manifest: Manifest, tables: Sequence[TableRef]) -> list[TableSource]:
    return [
        TableSource(table.schema_name, table.table_name, _table_loader(manifest.catalog, table))
        for table in tables
    ]


def build_profile_options(manifest: Manifest) -> ProfileOptions:
    return ProfileOptions(
        thresholds=manifest.thresholds,
        sample_percent=manifest.sample_percent,
        sample_min_rows=manifest.sample_min_rows,
    )


def run_profile_job(
    spark: Any,
    dbutils: Any,
    parameters: JobParameters | None = None,
    *,
    settings: RuntimeSettings = RuntimeSettings(),
    profile: ProfileFunction = profile_tables,
    list_tables: TableLister | None = None,
    sleep: Sleep = time.sleep,
) -> dict[str, Any]:
    """Profile the run's tables and deliver the document; returns the summary the notebook exits with.

    - Table failures are the engine's business: it marks the table, and the run only when every table failed.
    - Nothing to profile gives a `failed` document, delivered like any other, and a normal exit.
    - Anything else that raises gets a best-effort `failed` document delivered, then propagates, so that
      Databricks marks the run failed too.
    - An undeliverable callback is logged, not raised: the monitor reads the payload file instead.
      Only when the file could not be written either does the job raise `PayloadNotDelivered`.
    """
    parameters = parameters or read_job_parameters(dbutils)
    logger.info("Starting profile run with %r", parameters)
    started_at = utc_timestamp()
    try:
        manifest = load_manifest(
            parameters, timeout=settings.http_timeout_seconds, policy=settings.manifest_retry, sleep=sleep
        )
        if settings.catalog_override:
            manifest = replace(manifest, catalog=settings.catalog_override)
        tables = resolve_tables(manifest, list_tables or spark_table_lister(spark))
        document = profile_unchanged_once(spark, manifest, tables, settings=settings, profile=profile)
    except NoTablesToProfile as error:
        logger.error("%s", error)
        document = failure_document(str(error), started_at=started_at)
    except Exception as error:
        logger.exception("Profiling failed; reporting the run as failed")
        failure = failure_document(f"{type(error).__name__}: {error}", started_at=started_at)
        try:
            deliver_document(failure, parameters, dbutils=dbutils, settings=settings, sleep=sleep)
        except Exception:  # noqa: BLE001 - the profiling error is the one worth raising
            logger.exception("The failure document could not be delivered either")
        raise
    document = write_run_results(
        document, spark=spark, results_schema=parameters.results_schema, profile_run_id=parameters.profile_run_id,
        table_group_id=parameters.table_group_id, local_root=settings.results_root,
    )
    delivery = deliver_document(document, parameters, dbutils=dbutils, settings=settings, sleep=sleep)
    return summarize(document, parameters, delivery, manifest_source=manifest.source)


def profile_unchanged_once(
    spark: Any, manifest: Manifest, tables: Sequence[TableRef], *, settings: RuntimeSettings, profile: ProfileFunction
) -> dict[str, Any]:
    """Scan the tables whose version moved since the group's last completed run; reuse the others' results."""
    read_version = settings.read_table_version or delta_history_reader(spark)
    versions = read_versions(read_version, manifest.catalog, tables)
    reused = reusable_tables(manifest, tables, versions)
    scanned = [table for table in tables if table.key not in reused]
    if reused:
        logger.info("Unchanged since their last profile, not scanned: %s", ", ".join(reused))
    logger.info("Profiling %d table(s): %s", len(scanned), ", ".join(table.key for table in scanned))
    document = profile(spark, build_table_sources(manifest, scanned), build_profile_options(manifest))
    return merge_reused(document, reused, versions)


def deliver_document(
    document: dict[str, Any],
    parameters: JobParameters,
    *,
    dbutils: Any,
    settings: RuntimeSettings,
    sleep: Sleep = time.sleep,
) -> Delivery:
    """Write the document to `payload_path`, then post the very same text to the callback.

    The document is stamped with the run id, so that whoever reads the file can tell which run it belongs to.
    """
    text = encode_document({**document, "profile_run_id": parameters.profile_run_id})
    try:
        write_payload(parameters.payload_path, text, dbutils=dbutils, volumes_root=settings.volumes_root)
        logger.info("Payload written to %s (%d bytes)", parameters.payload_path, len(text.encode("utf-8")))
        payload_written = True
    except Exception:  # noqa: BLE001 - the callback may still get the results through
        logger.exception("Could not write the payload to %s", parameters.payload_path)
        payload_written = False
    callback = post_callback(
        parameters.callback_url,
        parameters.callback_token,
        text.encode("utf-8"),
        timeout=settings.http_timeout_seconds,
        policy=settings.callback_retry or callback_retry_policy(callback_retry_minutes(parameters)),
        sleep=sleep,
        drop=settings.drop_callback,
    )
    if not payload_written and not callback.delivered:
        raise PayloadNotDelivered(
            f"The results reached neither {parameters.payload_path} nor the callback ({callback.detail})"
        )
    return Delivery(payload_written=payload_written, callback=callback)


def summarize(
    document: dict[str, Any], parameters: JobParameters, delivery: Delivery, *, manifest_source: str
) -> dict[str, Any]:
    """The short JSON the notebook exits with (Databricks keeps it as the run's output)."""
    anomalies = document.get("anomalies") or []
    return {
        "profile_run_id": parameters.profile_run_id,
        "status": document.get("status"),
        "table_count": len(document.get("tables") or []),
        "row_count": document.get("row_count") or 0,
        "anomaly_count": document.get("anomaly_count", len(anomalies)),
        "payload_path": parameters.payload_path,
        "payload_written": delivery.payload_written,
        "callback_delivered": delivery.callback.delivered,
        "manifest_source": manifest_source,
    }


def callback_retry_minutes(parameters: JobParameters) -> float:
    """The job parameter `callback_retry_minutes`; the default when it is blank or not a positive number."""
    try:
        minutes = float(parameters.callback_retry_minutes)
    except ValueError:
        minutes = 0.0
    if minutes > 0:
        return minutes
    if parameters.callback_retry_minutes:
        logger.warning("callback_retry_minutes %r is not a positive number; using %s", parameters.callback_retry_minutes, DEFAULT_CALLBACK_RETRY_MINUTES)
    return DEFAULT_CALLBACK_RETRY_MINUTES


def _table_loader(catalog: str, table: TableRef) -> Callable[[Any], Any]:
    name = qualified_name(catalog, table.schema_name, table.table_name)
    return lambda spark: spark.table(name)
