"""`python manage.py start_profile_run --table-group ID [--wait] [--force-full]`: start a run from the shell."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from dataquality.databricks import DatabricksError, DatabricksNotConfigured
from dataquality.models import ProfileRun, TableGroup
from dataquality.services.launch.profiling import ActiveRunExists, DataQualityProfilingService, LaunchFailed, run_summary
from dataquality.services.monitor.reconcile import poll_profile_run
from dataquality.services.launch.table_check import TableSettingsInvalid


class Command(BaseCommand):
    help = "Start a profile run of a table group on Databricks and print its summary."

    def add_arguments(self, parser):
        parser.add_argument("--table-group", type=int, required=True, help="Id of the table group.")
        parser.add_argument("--wait", action="store_true", help="Poll until the run is final.")
        parser.add_argument("--poll-seconds", type=float, default=15.0, help="Seconds between polls with --wait.")
        parser.add_argument("--requested-by", default="manage.py", help="Recorded as the run's requester.")
        parser.add_argument(
            "--force-full", action="store_true", help="Scan every table, even those unchanged since the last run."
        )

    def handle(
        self, *args, table_group: int, wait: bool, poll_seconds: float, requested_by: str, force_full: bool, **options
    ):
        group = TableGroup.objects.select_related("connection").filter(pk=table_group).first()
        if group is None:
            raise CommandError(f"Table group {table_group} does not exist.")
        try:
            result = DataQualityProfilingService().start_profile_for_table_group(
                table_group=group, requested_by=requested_by, force_full=force_full
            )
        except ActiveRunExists as exc:
            raise CommandError(f"{exc} Summary: {json.dumps(run_summary(exc.profile_run))}") from exc
        except LaunchFailed as exc:
            self.stdout.write(json.dumps(run_summary(exc.profile_run)))
            raise CommandError(f"Launch failed: {exc}") from exc
        except (DatabricksError, DatabricksNotConfigured, TableSettingsInvalid) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result.summary()))
        if wait:
            run = self._wait(result.profile_run, poll_seconds)
            self.stdout.write(json.dumps(run_summary(run) | {"row_count": run.row_count, "anomaly_count": run.anomaly_count, "error_message": run.error_message}))
            if run.status != "completed":
                raise CommandError(f"Run {run.pk} ended {run.status}.")

    def _wait(self, run: ProfileRun, poll_seconds: float) -> ProfileRun:
        while True:
            run.refresh_from_db()
            if run.is_final:
                return run
            try:
                poll_profile_run(profile_run=run)
            except DatabricksError as exc:  # transient trouble: keep waiting, say so
                self.stderr.write(f"Polling failed, retrying: {exc}")
            run.refresh_from_db()
            if run.is_final:
                return run
            time.sleep(poll_seconds)
