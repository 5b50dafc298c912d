"""`python manage.py reconcile_profile_runs [--dry-run] [--run ID] [--limit N] [--details]`: the beat sweep, by hand."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from dataquality.services.monitor.sweep import reconcile_profile_runs


def _run_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise CommandError(f"{value!r} is not a profile run id (a UUID).") from None


class Command(BaseCommand):
    help = (
        "Reconcile active profile runs with Databricks, as the beat sweep does, and print a one-line summary: "
        "polled, completed, failed, canceled, relaunched, untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Only read from Databricks; write nothing here or there, and say what would happen.",
        )
        parser.add_argument(
            "--run", action="append", dest="run_ids", metavar="ID",
            help="Reconcile this run now, due or not (repeatable).",
        )
        parser.add_argument("--limit", type=int, help="Look at no more than N runs.")
        parser.add_argument("--details", action="store_true", help="Before the summary, print what happened to each run.")

    def handle(self, *args, dry_run: bool, run_ids: list[str] | None, limit: int | None, details: bool, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        chosen = [_run_id(value) for value in run_ids] if run_ids else None
        summary = reconcile_profile_runs(dry_run=dry_run, run_ids=chosen, limit=limit)
        if details:
            for run_id, detail in summary.details.items():
                self.stdout.write(f"{run_id}: {detail}")
        self.stdout.write(summary.line())
