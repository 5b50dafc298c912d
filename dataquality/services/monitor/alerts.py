"""Alerts (the seed's `DataQualityNotificationService`): one alert per streak of failed runs of a group, and one
per completed run that raised new high-severity anomalies.

A streak is the group's failed runs since its last completed run; canceled runs neither count nor break it.
Once it reaches `PROFILE_FAILURE_ALERT_THRESHOLD`, its first run is stamped `failure_alert_sent_at` by a
conditional update, so however many processes see the streak at once, one sends the alert; a later failure of
the same streak finds the stamp and stays quiet, and a completed run starts the next streak afresh.

An anomaly alert lists the run's new, open, unfolded anomalies of high severity (contract 11.3): never muted,
dismissed, recurring or folded ones, and nothing when there are none. `anomaly_alert_sent_at`, claimed by a
conditional update, makes it one message per run.

Delivery is Django e-mail to `PROFILE_ALERT_EMAILS` and an optional JSON POST to `PROFILE_ALERT_WEBHOOK_URL`.
A delivery failure is logged, never raised: the run has failed either way, and whatever reported that failure
(the sweep, the callback, a launch) must not fail with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dataquality.models import ProfileAnomaly, ProfileRun, ProfileRunStatus, TableGroup

logger = logging.getLogger(__name__)

LISTED_FAILURES = 20  # an alert lists the newest failures of the streak, not all of a long one


@dataclass(frozen=True)
class FailureAlert:
    table_group: TableGroup
    failures: list[ProfileRun]  # newest first, at most LISTED_FAILURES of them
    streak_length: int

    @property
    def subject(self) -> str:
        return (
            f"[data quality] {self.streak_length} profile runs in a row failed for table group "
            f"{self.table_group.name!r} (dataset {self.table_group.dataset.name!r})"
        )

    def as_json(self) -> dict:
        group = self.table_group
        return {
            "event": "profile_run_failure_streak",
            "table_group": {"id": group.pk, "name": group.name, "dataset": group.dataset.name},
            "consecutive_failures": self.streak_length,
            "threshold": settings.PROFILE_FAILURE_ALERT_THRESHOLD,
            "failures": [
                {
                    "profile_run_id": str(run.pk),
                    "created_at": run.created_at.isoformat(),
                    "completed_at": run.completed_at.isoformat() if run.completed_at else None,
                    "error_message": run.error_message,
                    "links": run_links(run),
                }
                for run in self.failures
            ],
        }

    def as_text(self) -> str:
        group = self.table_group
        lines = [
            f"The last {self.streak_length} profile runs of table group {group.name!r} (id {group.pk}, dataset "
            f"{group.dataset.name!r}) failed; the alert threshold is {settings.PROFILE_FAILURE_ALERT_THRESHOLD}.",
            "No further alert is sent for this streak; the next completed run ends it.",
            "",
        ]
        for run in self.failures:
            lines.append(f"- run {run.pk}, started {run.created_at:%Y-%m-%d %H:%M:%S} UTC")
            lines.append(f"  reason: {run.error_message or '(none given)'}")
            lines.extend(f"  {name}: {url}" for name, url in run_links(run).items())
        if self.streak_length > len(self.failures):
            lines.append(f"... and {self.streak_length - len(self.failures)} earlier failure(s).")
        return "\n".join(lines)


def run_links(run: ProfileRun) -> dict[str, str]:
    """Where to look at a run: our pages (absolute when PROFILE_ALERT_BASE_URL is set) and Databricks' page."""
    base = settings.PROFILE_ALERT_BASE_URL.rstrip("/")
    links = {
        "api": f"{base}/data-quality/profile-runs/{run.pk}",
        "admin": base + reverse("admin:dataquality_profilerun_change", args=[run.pk]),
    }
    try:
        links["report"] = base + reverse("profile-run-report", args=[run.pk])
    except NoReverseMatch:  # the report page is optional in this deployment
        pass
    if run.run_page_url:
        links["databricks"] = run.run_page_url
    return links


class DataQualityNotificationService:
    """Decides whether a failed run completes an alertable streak, and delivers that alert once."""

    def run_failed(self, profile_run: ProfileRun) -> FailureAlert | None:
        """The alert sent for the failure of `profile_run`, or None when none was due."""
        group = TableGroup.objects.select_related("dataset").get(pk=profile_run.table_group_id)
        streak = failure_streak(group)
        length = streak.count()
        if length < settings.PROFILE_FAILURE_ALERT_THRESHOLD:
            return None
        first = streak.order_by("created_at", "pk").first()
        claimed = ProfileRun.objects.filter(pk=first.pk, failure_alert_sent_at__isnull=True).update(
            failure_alert_sent_at=timezone.now()
        )
        if not claimed:
            return None  # this streak was alerted already
        alert = FailureAlert(group, list(streak.order_by("-created_at", "-pk")[:LISTED_FAILURES]), length)
        deliver(alert)
        return alert


def deliver(alert) -> None:
    """Send an alert (a `subject`, `as_text()` and `as_json()`) by every configured channel; log, never raise."""
    logger.warning("%s", alert.subject)
    if settings.PROFILE_ALERT_EMAILS:
        try:
            send_mail(alert.subject, alert.as_text(), settings.DEFAULT_FROM_EMAIL, settings.PROFILE_ALERT_EMAILS)
        except Exception:  # noqa: BLE001  (any mail backend error: logged, the caller carries on)
            logger.exception("Could not e-mail the alert of table group %s", alert.table_group.pk)
    if settings.PROFILE_ALERT_WEBHOOK_URL:
        _post_webhook(alert)


def _post_webhook(alert) -> None:
    try:
        response = requests.post(
            settings.PROFILE_ALERT_WEBHOOK_URL,
            json=alert.as_json(),
            timeout=settings.PROFILE_ALERT_WEBHOOK_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        # The URL may carry a token (chat webhooks do): log the error class and status only.
        status = getattr(getattr(exc, "response", None), "status_code", None)
        logger.warning(
            "The alert webhook of table group %s failed: %s%s",
            alert.table_group.pk, type(exc).__name__, f" (HTTP {status})" if status else "",
        )


def failure_streak(table_group: TableGroup):
    """The group's failed runs since its last completed run (all of them when it never completed)."""
    runs = ProfileRun.objects.filter(table_group=table_group)
    last_success = runs.filter(status=ProfileRunStatus.COMPLETED).aggregate(at=Max("created_at"))["at"]
    streak = runs.filter(status=ProfileRunStatus.FAILED)
    return streak.filter(created_at__gt=last_success) if last_success else streak


def alert_on_failure_streak(profile_run: ProfileRun) -> FailureAlert | None:
    """Call after `profile_run` became failed (sweep, callback, launch). Never raises for a delivery problem."""
    try:
        return DataQualityNotificationService().run_failed(profile_run)
    except Exception:  # noqa: BLE001  (alerting must never undo or hide the failure it reports)
        logger.exception("Could not evaluate the failure alert for profile run %s", profile_run.pk)
        return None


@dataclass(frozen=True)
class AnomalyAlert:
    table_group: TableGroup
    profile_run: ProfileRun
    anomalies: list[ProfileAnomaly]

    @property
    def subject(self) -> str:
        return (
            f"[data quality] {len(self.anomalies)} new high-severity anomal{'y' if len(self.anomalies) == 1 else 'ies'}"
            f" in table group {self.table_group.name!r} (dataset {self.table_group.dataset.name!r})"
        )

    def as_json(self) -> dict:
        group, run = self.table_group, self.profile_run
        return {
            "event": "profile_run_new_anomalies",
            "table_group": {"id": group.pk, "name": group.name, "dataset": group.dataset.name},
            "profile_run_id": str(run.pk),
            "links": run_links(run),
            "anomalies": [
                {
                    "id": anomaly.pk, "table_name": anomaly.table_name, "column_name": anomaly.column_name,
                    "anomaly_type": anomaly.anomaly_type, "severity": anomaly.severity,
                    "description": anomaly.description,
                }
                for anomaly in self.anomalies
            ],
        }

    def as_text(self) -> str:
        group, run = self.table_group, self.profile_run
        lines = [
            f"Profile run {run.pk} of table group {group.name!r} (id {group.pk}, dataset {group.dataset.name!r}) "
            f"raised {len(self.anomalies)} new high-severity anomal{'y' if len(self.anomalies) == 1 else 'ies'}:",
            "",
        ]
        for anomaly in self.anomalies:
            where = ".".join(part for part in (anomaly.table_name, anomaly.column_name) if part)
            lines.append(f"- {anomaly.anomaly_type} on {where}: {anomaly.description}")
        lines.append("")
        lines.extend(f"{name}: {url}" for name, url in run_links(run).items())
        return "\n".join(lines)


def alert_on_new_anomalies(profile_run: ProfileRun) -> AnomalyAlert | None:
    """Call after `profile_run` completed (and committed). Sends one message listing its new high-severity
    anomalies, once per run; None when there were none or it was sent already. Never raises."""
    from dataquality.services.judges.triage import NEW

    try:
        anomalies = list(
            ProfileAnomaly.objects.filter(NEW, profile_run=profile_run, severity__iexact="high").order_by("id")
        )
        if not anomalies:
            return None
        claimed = ProfileRun.objects.filter(pk=profile_run.pk, anomaly_alert_sent_at__isnull=True).update(
            anomaly_alert_sent_at=timezone.now()
        )
        if not claimed:
            return None
        group = TableGroup.objects.select_related("dataset").get(pk=profile_run.table_group_id)
        alert = AnomalyAlert(group, profile_run, anomalies)
        deliver(alert)
        return alert
    except Exception:  # noqa: BLE001  (alerting must never undo the completion it reports)
        logger.exception("Could not evaluate the anomaly alert for profile run %s", profile_run.pk)
        return None
