"""`python manage.py retire_profile_jobs [--dry-run]`: after a DATABRICKS_JOB_MODE switch, delete the jobs it no
longer uses (docs/job-modes.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dataquality.services.launch.job_modes import retire_unused_jobs


class Command(BaseCommand):
    help = (
        "Delete on Databricks, and forget locally, the profiling jobs the current DATABRICKS_JOB_MODE does not use "
        "(the groups' own jobs in pooled mode, the pooled jobs in per_group mode); a job with an active run is kept "
        "and reported. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be retired; delete nothing.")

    def handle(self, *args, dry_run: bool, **options):
        report = retire_unused_jobs(dry_run=dry_run)
        verb = "Would retire" if dry_run else "Retired"
        self.stdout.write(f"DATABRICKS_JOB_MODE={settings.DATABRICKS_JOB_MODE}: {verb} {len(report.retired)} job(s).")
        for label in report.retired:
            self.stdout.write(f"  {verb.lower()} {label}")
        for reason in report.kept:
            self.stdout.write(f"  kept {reason}")
        if not report.complete:
            raise CommandError(f"{len(report.kept)} job(s) kept; run the command again later.")
