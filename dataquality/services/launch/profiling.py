"""Starting profile runs on Databricks (the seed's `DataQualityProfilingService`).

Order of steps, chosen so that nothing is lost or started twice:
1. write the run row as `queued` (a partial unique constraint refuses a second active run per group);
   it then takes one of its workspace's launch slots (`launch_slots`), or waits for one, still `queued`, until
   the beat's launcher (`launch_queue`) admits it, oldest first;
2. make sure the group's job exists with current settings (`_ensure_job`);
3. `run-now` with `idempotency_token` = run id, so a retry (or the sweep relaunching a run stuck in
   `queued` after a crash) never starts a second Databricks run;
4. move the run to `running` with the Databricks run id (and, on a relaunch, Databricks' own start time).
A Databricks refusal in 2 or 3 (400, 401, 403, 404) marks the run `failed` with the error. A transient error
(429, 5xx, timeout, dropped connection) leaves it `queued` with the reason and a time for its next attempt, which
the sweep makes with the same idempotency token (`launch_retries`); only past the launch deadline does it fail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dataquality.databricks import DatabricksClient, DatabricksError, DatabricksNotConfigured, DatabricksNotFound
from dataquality.models import ACTIVE_STATUSES, Dataset, PooledJob, ProfileRun, ProfileRunStatus, TableGroup
from dataquality.results_schema import results_schema_for
from dataquality.services.launch import job_settings as jobs
from dataquality.services.launch import launch_slots
from dataquality.services.monitor.alerts import alert_on_failure_streak
from dataquality.services.results.callback_tokens import make_callback_token
from dataquality.services.launch.launch_retries import LaunchRetryPolicy
from dataquality.services.monitor.run_states import start_time_of
from dataquality.services.launch.table_check import check_table_group_tables
from dataquality.services.results.lineage import START, announce_run_event
from dataquality.services.access.workspaces import get_client

logger = logging.getLogger(__name__)

ClientFactory = Callable[..., DatabricksClient]


class ActiveRunExists(Exception):
    """The group already has a run queued or running."""

    def __init__(self, profile_run: ProfileRun):
        super().__init__(f"Table group {profile_run.table_group_id} already has an active run {profile_run.pk}.")
        self.profile_run = profile_run


class LaunchFailed(Exception):
    """Databricks refused the job or the run; the run has been marked failed."""

    def __init__(self, profile_run: ProfileRun):
        super().__init__(profile_run.error_message)
        self.profile_run = profile_run


@dataclass(frozen=True)
class ProfilingTarget:
    """Everything needed to push a group's job and launch a run of it."""

    table_group: TableGroup
    job_name: str
    job_settings: dict
    fingerprint: str
    access_control_list: list[dict]
    pooled: bool = False

    @classmethod
    def for_table_group(cls, table_group: TableGroup) -> "ProfilingTarget":
        job_settings = jobs.build_job_settings(table_group)
        return cls(
            table_group, job_settings["name"], job_settings, jobs.fingerprint(job_settings), jobs.job_access_control_list(),
            pooled=jobs.pooled_mode(),
        )

    def create_request(self) -> dict:
        """The body of `jobs/create`: the settings, plus who may view the job beyond its owner."""
        if not self.access_control_list:
            return self.job_settings
        return {**self.job_settings, "access_control_list": self.access_control_list}


@dataclass
class ProfilingLaunchResult:
    profile_run: ProfileRun
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return run_summary(self.profile_run, self.warnings)


def run_summary(profile_run: ProfileRun, warnings: list[str] | None = None) -> dict:
    return {
        "profile_run_id": str(profile_run.pk),
        "table_group_id": profile_run.table_group_id,
        "status": profile_run.status,
        "databricks_run_id": profile_run.databricks_run_id,
        "databricks_job_id": profile_run.databricks_job_id,
        "run_page_url": profile_run.run_page_url,
        "warnings": list(warnings or []),
    }


def payload_path_for(profile_run: ProfileRun) -> str:
    root = settings.DATABRICKS_PROFILE_WORKSPACE_ROOT.rstrip("/")
    return f"{root}/{profile_run.table_group_id}/{profile_run.pk}.json"


def callback_url_for(profile_run: ProfileRun) -> str:
    base = settings.DATABRICKS_PROFILE_CALLBACK_URL.rstrip("/")
    return f"{base}/data-quality/testgen/profile-runs/{profile_run.pk}/complete"


def callback_problems() -> list[str]:
    """The callback settings that are missing, as one problem (the notebook cannot report back without them)."""
    missing = [
        name
        for name in ("DATABRICKS_PROFILE_CALLBACK_URL", "DATABRICKS_PROFILE_CALLBACK_SECRET")
        if not getattr(settings, name)
    ]
    return [f"set {' and '.join(missing)} so the notebook can report back"] if missing else []


def pooled_job_key(client: DatabricksClient) -> dict[str, str]:
    """What names a pooled job locally: one per workspace and job prefix."""
    return {"workspace_host": client.host, "job_prefix": settings.DATABRICKS_PROFILE_JOB_PREFIX}


def job_parameters(profile_run: ProfileRun) -> dict[str, str]:
    """The widgets of contract section 4, plus the extras the notebook needs when the API is out of reach."""
    group = profile_run.table_group
    return {
        "table_group_id": str(group.pk),
        "profile_run_id": str(profile_run.pk),
        "payload_path": profile_run.payload_path,
        "callback_url": callback_url_for(profile_run),
        "callback_token": make_callback_token(profile_run.pk),
        "catalog": group.catalog,
        "schema_name": group.schema_name,
        "include_mask": group.include_mask or "%",  # blank means every table, as in the manifest
        "exclude_mask": group.exclude_mask,
        "callback_retry_minutes": str(settings.PROFILE_CALLBACK_RETRY_MINUTES),
        "results_schema": results_schema_for(group),
    }


class DataQualityProfilingService:
    def __init__(self, client_factory: ClientFactory = get_client):
        self._client_factory = client_factory

    def client_for(self, table_group: TableGroup) -> DatabricksClient:
        return self._client_factory(table_group.connection)

    # --- starting runs -------------------------------------------------------------------------

    def start_profile_for_table_group(
        self, *, table_group: TableGroup, requested_by: str = "", force_full: bool = False
    ) -> ProfilingLaunchResult:
        """Start one run. Raises DatabricksNotConfigured or TableSettingsInvalid (nothing written), ActiveRunExists or
        LaunchFailed.

        `force_full` scans every table, even those unchanged since the group's last completed run."""
        client, target = self._prepare(table_group)
        return self._start(client, target, requested_by, force_full)

    def start_profile_for_dataset(
        self, *, dataset: Dataset, requested_by: str = "", force_full: bool = False
    ) -> list[ProfilingLaunchResult]:
        """One run per group. A group with an active run keeps it (with a warning); a failed launch is reported.

        Every group is checked first, so a DatabricksNotConfigured for any of them starts nothing at all.
        """
        prepared = [self._prepare(group) for group in dataset.table_groups.select_related("connection").order_by("pk")]
        results = []
        for client, target in prepared:
            try:
                results.append(self._start(client, target, requested_by, force_full))
            except ActiveRunExists as exc:
                warning = f"Table group {target.table_group.pk} already has an active run; no new run was started."
                results.append(ProfilingLaunchResult(exc.profile_run, [warning]))
            except LaunchFailed as exc:
                results.append(ProfilingLaunchResult(exc.profile_run, [exc.profile_run.error_message]))
        return results

    def enqueue_profile_for_table_group(self, *, table_group: TableGroup, requested_by: str = "") -> ProfileRun:
        """Write a queued run for the launcher to start, without calling Databricks (the schedule's tick, which must
        stay quick however many groups are due). Raises DatabricksNotConfigured or ActiveRunExists.

        The dry check of the group's tables is left out: the group's save checked them, and a run that finds
        none fails with the notebook's reason."""
        client, _ = self._prepare(table_group, check_tables=False)
        return self._create_run(table_group, client.host, requested_by)

    def launch_admitted(self, profile_run: ProfileRun) -> ProfilingLaunchResult:
        """Launch a run that has its slot (the launcher). Raises LaunchFailed; a transient error leaves it queued."""
        try:
            client, target = self._prepare(profile_run.table_group, check_tables=False)
        except DatabricksNotConfigured as exc:  # the settings changed while the run waited
            self._mark_launch_failed(profile_run, str(exc))
            raise LaunchFailed(profile_run) from exc
        return self._launch(client, target, profile_run)

    def relaunch(self, profile_run: ProfileRun) -> ProfilingLaunchResult:
        """Submit a run still `queued` again, with the same idempotency token (used by the sweep).

        Databricks may have started the run at an earlier attempt, so its `started_at` is Databricks' own.
        """
        client = self.client_for(profile_run.table_group)
        target = ProfilingTarget.for_table_group(profile_run.table_group)
        return self._launch(client, target, profile_run, ask_start_time=True)

    def _prepare(self, table_group: TableGroup, check_tables: bool = True) -> tuple[DatabricksClient, ProfilingTarget]:
        """The client and target of a group, or one DatabricksNotConfigured naming every missing setting, before
        anything is written; then the dry check of its tables (`TableSettingsInvalid` when it would profile none)."""
        problems: list[str] = []
        try:
            client = self.client_for(table_group)
        except DatabricksNotConfigured as exc:
            problems += exc.problems
        problems += callback_problems()
        try:
            target = ProfilingTarget.for_table_group(table_group)
        except DatabricksNotConfigured as exc:
            problems += exc.problems
        if problems:
            raise DatabricksNotConfigured(*problems)
        if check_tables:
            check_table_group_tables(table_group=table_group, client_factory=lambda connection: client)
        return client, target

    def _start(
        self, client: DatabricksClient, target: ProfilingTarget, requested_by: str, force_full: bool = False
    ) -> ProfilingLaunchResult:
        profile_run = self._create_run(target.table_group, client.host, requested_by, force_full)
        if not launch_slots.admit(profile_run):
            return self._wait_for_slot(profile_run)
        return self._launch(client, target, profile_run)

    def _create_run(
        self, table_group: TableGroup, workspace_host: str, requested_by: str, force_full: bool = False
    ) -> ProfileRun:
        profile_run = ProfileRun(
            table_group=table_group, workspace_host=workspace_host, requested_by=requested_by[:150], force_full=force_full
        )
        profile_run.payload_path = payload_path_for(profile_run)
        try:
            with transaction.atomic():
                profile_run.save(force_insert=True)
        except IntegrityError:
            active = ProfileRun.objects.filter(table_group=table_group, status__in=ACTIVE_STATUSES).first()
            if active is None:  # the other run finished in between: the constraint no longer applies
                raise
            raise ActiveRunExists(active) from None
        return profile_run

    def _launch(
        self, client: DatabricksClient, target: ProfilingTarget, profile_run: ProfileRun, *, ask_start_time: bool = False
    ) -> ProfilingLaunchResult:
        warnings: list[str] = []
        try:
            job_id = self._ensure_job(client, target, warnings)
            try:
                answer = self._launch_run(client, job_id, profile_run)
            except DatabricksNotFound:
                # The job was deleted on the Databricks side since we last pushed it.
                warnings.append(f"Databricks job {job_id} no longer existed and was recreated.")
                job_id = self._create_job(client, target, gone_job_id=job_id)
                answer = self._launch_run(client, job_id, profile_run)
        except DatabricksError as exc:
            if exc.permanent:
                self._mark_launch_failed(profile_run, f"Databricks refused the launch: {exc}")
                raise LaunchFailed(profile_run) from exc
            return self._defer_launch(profile_run, exc, warnings)
        started_at = self._databricks_start_time(client, answer) if ask_start_time else None
        self._mark_running(client, profile_run, job_id, answer, warnings, started_at)
        return ProfilingLaunchResult(profile_run, warnings)

    @staticmethod
    def _wait_for_slot(profile_run: ProfileRun) -> ProfilingLaunchResult:
        """Leave the run queued without a slot, saying why; the launcher admits it when its turn comes."""
        profile_run.refresh_from_db()
        if profile_run.admitted_at is not None:  # the launcher took it meanwhile, and launches it
            return ProfilingLaunchResult(profile_run, ["The launcher admitted this run and is starting it."])
        reason = launch_slots.waiting_reason(profile_run)
        ProfileRun.objects.filter(
            pk=profile_run.pk, status=ProfileRunStatus.QUEUED, admitted_at__isnull=True
        ).update(error_message=reason)
        profile_run.refresh_from_db()
        logger.info("Profile run %s waits for a launch slot in %s", profile_run.pk, profile_run.workspace_host)
        return ProfilingLaunchResult(profile_run, [reason])

    def _defer_launch(self, profile_run: ProfileRun, exc: DatabricksError, warnings: list[str]) -> ProfilingLaunchResult:
        """Leave the run queued for the sweep's next attempt; past the launch deadline, fail it."""
        policy = LaunchRetryPolicy.from_settings()
        attempts = profile_run.launch_attempts + 1
        next_at = policy.next_attempt_at(
            clock_started_at=profile_run.launch_clock_started_at, attempts=attempts, error=exc, now=timezone.now()
        )
        if next_at is None:
            minutes = int(policy.deadline.total_seconds() // 60)
            self._mark_launch_failed(
                profile_run, f"Databricks did not accept the launch within {minutes} minutes: {exc}"
            )
            raise LaunchFailed(profile_run) from exc
        reason = (
            f"Databricks could not take the launch yet ({exc}); attempt {attempts + 1} at "
            f"{next_at:%Y-%m-%d %H:%M:%S} UTC, until {policy.gives_up_at(profile_run.launch_clock_started_at):%H:%M:%S} UTC."
        )
        ProfileRun.objects.filter(pk=profile_run.pk, status=ProfileRunStatus.QUEUED).update(
            error_message=reason[:10_000], next_launch_at=next_at, launch_attempts=attempts
        )
        profile_run.refresh_from_db()
        logger.warning("Profile run %s stays queued: %s", profile_run.pk, reason)
        warnings.append(reason)
        return ProfilingLaunchResult(profile_run, warnings)

    # --- the job -------------------------------------------------------------------------------

    def _ensure_job(self, client: DatabricksClient, target: ProfilingTarget, warnings: list[str]) -> str:
        """The job id to run: created when missing, reset when its settings changed, recreated when deleted."""
        job_id, stored_fingerprint = self._stored_job(client, target)
        if job_id and stored_fingerprint == target.fingerprint:
            return job_id
        if job_id:
            try:
                client.reset_job(job_id, target.job_settings)
            except DatabricksNotFound:
                warnings.append(f"Databricks job {job_id} no longer existed and was recreated.")
                return self._create_job(client, target, gone_job_id=job_id)
            self._store_job(target, client, job_id)
            warnings.append(f"Databricks job {job_id} was updated with changed settings.")
            return job_id
        return self._create_job(client, target)

    def _stored_job(self, client: DatabricksClient, target: ProfilingTarget) -> tuple[str | None, str]:
        """The job id we last stored for the target in the client's workspace, and its settings fingerprint."""
        if target.pooled:
            pooled = PooledJob.objects.filter(**pooled_job_key(client)).first()
            return (pooled.job_id or None, pooled.settings_fingerprint) if pooled else (None, "")
        group = target.table_group
        return self._job_id_in(client, group), group.job_settings_fingerprint

    @staticmethod
    def _job_id_in(client: DatabricksClient, group: TableGroup) -> str | None:
        """The group's job id when it belongs to the client's workspace; a job id of another workspace names
        someone else's job there, so it is never sent (the group's own job is then found by name and tags)."""
        if not group.profiling_job_id or group.profiling_job_host == client.host:
            return group.profiling_job_id
        logger.warning(
            "Table group %s: job %s belongs to workspace %r, not %r; not using it there",
            group.pk, group.profiling_job_id, group.profiling_job_host or "unknown", client.host,
        )
        return None

    def _create_job(self, client: DatabricksClient, target: ProfilingTarget, gone_job_id: str | None = None) -> str:
        """A new (or adopted) job for the target; `gone_job_id` is one Databricks said no longer exists."""
        if not target.pooled:
            return self._create_or_adopt_job(client, target)
        # Workers launching groups of one workspace at once would each create the pooled job: the row lock
        # lets one create it, and the others find it stored when they get the lock.
        key = pooled_job_key(client)
        PooledJob.objects.get_or_create(**key)
        with transaction.atomic():
            pooled = PooledJob.objects.select_for_update().get(**key)
            if pooled.job_id not in ('', gone_job_id) and pooled.settings_fingerprint == target.fingerprint:
                return pooled.job_id
            return self._create_or_adopt_job(client, target)

    def _create_or_adopt_job(self, client: DatabricksClient, target: ProfilingTarget) -> str:
        # Adopt our own job when a previous attempt created it but crashed before storing its id.
        job_id = client.find_job_by_name(target.job_name, target.job_settings["tags"])
        if job_id:
            client.reset_job(job_id, target.job_settings)
        else:
            job_id = client.create_job(target.create_request())
        self._store_job(target, client, job_id)
        return job_id

    @staticmethod
    def _store_job(target: ProfilingTarget, client: DatabricksClient, job_id: str) -> None:
        if target.pooled:
            PooledJob.objects.update_or_create(
                **pooled_job_key(client), defaults={"job_id": str(job_id), "settings_fingerprint": target.fingerprint}
            )
            return
        group = target.table_group
        values = {
            "profiling_job_id": str(job_id), "profiling_job_host": client.host, "job_settings_fingerprint": target.fingerprint,
        }
        for name, value in values.items():
            setattr(group, name, value)
        TableGroup.objects.filter(pk=group.pk).update(**values)

    # --- the run -------------------------------------------------------------------------------

    def _launch_run(self, client: DatabricksClient, job_id: str, profile_run: ProfileRun) -> dict:
        return client.run_now(job_id, job_parameters(profile_run), idempotency_token=str(profile_run.pk))

    @staticmethod
    def _databricks_start_time(client: DatabricksClient, answer: dict) -> datetime | None:
        """When Databricks started the run run-now answered with (an earlier attempt's run, for a repeated token);
        None when it cannot say now: the sweep's first poll takes it then."""
        try:
            return start_time_of(client.get_run(answer["run_id"]))
        except DatabricksError as exc:
            logger.warning("Could not read the start time of Databricks run %s: %s", answer["run_id"], exc)
            return None

    def _mark_running(
        self,
        client: DatabricksClient,
        profile_run: ProfileRun,
        job_id: str,
        answer: dict,
        warnings: list[str],
        started_at: datetime | None = None,
    ) -> None:
        run_id = str(answer["run_id"])
        values = {
            "status": ProfileRunStatus.RUNNING,
            "databricks_run_id": run_id,
            "databricks_job_id": str(job_id),
            "run_page_url": f"{client.host}/jobs/{job_id}/runs/{run_id}",
            "started_at": started_at or profile_run.started_at or timezone.now(),
            "error_message": "",  # the reason a deferred launch waited
            "next_launch_at": None,
        }
        moved = ProfileRun.objects.filter(pk=profile_run.pk, status=ProfileRunStatus.QUEUED).update(**values)
        profile_run.refresh_from_db()
        if moved:
            announce_run_event(profile_run, START)
        if not moved and profile_run.status == ProfileRunStatus.CANCELED:
            # Canceled by a user while we were submitting: stop what Databricks just started.
            warnings.append("The run was canceled while it was being submitted; the Databricks run was canceled too.")
            try:
                client.cancel_run(run_id)
            except DatabricksError:
                logger.warning("Could not cancel Databricks run %s of canceled profile run %s", run_id, profile_run.pk)

    @staticmethod
    def _mark_launch_failed(profile_run: ProfileRun, message: str) -> None:
        moved = ProfileRun.objects.filter(pk=profile_run.pk, status=ProfileRunStatus.QUEUED).update(
            status=ProfileRunStatus.FAILED, error_message=message[:10_000], completed_at=timezone.now(), next_launch_at=None
        )
        profile_run.refresh_from_db()
        logger.warning("Profile run %s failed to launch: %s", profile_run.pk, message)
        if moved:
            alert_on_failure_streak(profile_run)
