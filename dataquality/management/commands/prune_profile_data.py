"""`python manage.py prune_profile_data [--dry-run] [--batch-size N]`: the daily retention prune, by hand."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dataquality.services.results.retention import prune_profile_data


def _limit(days: int | None) -> str:
    return "kept forever" if days is None else f"older than {days} days"


class Command(BaseCommand):
    help = (
        "Delete stored top values and patterns, column metrics and (when DQ_RETAIN_RUNS_DAYS is set) runs past "
        "their retention, in batches, never what the judges still read; print what was deleted per table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; write nothing.")
        parser.add_argument("--batch-size", type=int, help="Rows per delete statement (default DQ_PRUNE_BATCH_SIZE).")

    def handle(self, *args, dry_run: bool, batch_size: int | None, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.stdout.write(
            f"Top values and patterns: {_limit(settings.DQ_RETAIN_VALUES_DAYS)}; column metrics: "
            f"{_limit(settings.DQ_RETAIN_METRICS_DAYS)}; runs: {_limit(settings.DQ_RETAIN_RUNS_DAYS)}."
        )
        report = prune_profile_data(dry_run=dry_run, batch_size=batch_size)
        for line in report.lines():
            self.stdout.write(line)
