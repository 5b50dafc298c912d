"""Retention (docs/retention.md): delete stored results older than the `DQ_RETAIN_*` limits, in bounded batches.

A run's age is its `completed_at` (its `created_at` when it never completed). Three levels, leaves first:
- top values and patterns of runs older than `DQ_RETAIN_VALUES_DAYS` (the run is stamped `values_pruned_at`);
- column metrics of runs older than `DQ_RETAIN_METRICS_DAYS` (stamped `metrics_pruned_at`);
- with `DQ_RETAIN_RUNS_DAYS` set, the runs older than it, with their tables, columns, values and anomalies.

Never pruned, whatever its age: an active run, and every run the judges or the next launch still read
(`kept_runs`). Each batch is one short statement (one short transaction for a run and its cascades), and every
batch re-checks its runs, so a prune is safe beside completions, another prune, and a crash: the next prune goes
on where it stopped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dataquality.baseline_catalogue import RHYTHM_WEEKS
from dataquality.models import (
    FINAL_STATUSES,
    ProfileAnomaly,
    ProfileColumn,
    ProfileColumnValue,
    ProfileResult,
    ProfileRun,
    ProfileRunStatus,
)

RUNS_PER_CHUNK = 200  # runs whose rows are pruned together; the rows themselves go in DQ_PRUNE_BATCH_SIZE batches
# What a run holds, deleted before the run so that deleting a run never cascades into an unbounded statement.
RUN_ROWS = (ProfileColumnValue, ProfileColumn, ProfileResult, ProfileAnomaly)
REPORTED_TABLES = tuple(model._meta.db_table for model in (*RUN_ROWS, ProfileRun))


@dataclass
class PruneReport:
    dry_run: bool
    rows: Counter = field(default_factory=Counter)  # by table: rows deleted (or that would be, in a dry run)

    def lines(self) -> list[str]:
        verb = "would delete" if self.dry_run else "deleted"
        return [f"{table}: {verb} {self.rows[table]}" for table in REPORTED_TABLES]


def prune_profile_data(*, dry_run: bool = False, now: datetime | None = None,
                       batch_size: int | None = None) -> PruneReport:
    """Prune every level whose limit is set. A dry run counts what would go and writes nothing."""
    now = now or timezone.now()
    pruner = _Pruner(now=now, dry_run=dry_run, batch_size=batch_size or settings.DQ_PRUNE_BATCH_SIZE)
    if settings.DQ_RETAIN_VALUES_DAYS:
        pruner.prune_rows(ProfileColumnValue, stamp="values_pruned_at", days=settings.DQ_RETAIN_VALUES_DAYS)
    if settings.DQ_RETAIN_METRICS_DAYS:
        pruner.prune_rows(ProfileColumn, stamp="metrics_pruned_at", days=settings.DQ_RETAIN_METRICS_DAYS)
    if settings.DQ_RETAIN_RUNS_DAYS:
        pruner.prune_runs(days=settings.DQ_RETAIN_RUNS_DAYS)
    return pruner.report


def kept_runs(now: datetime) -> Q:
    """The runs never pruned, as a condition on annotated runs (`prunable_runs`), one clause per reader:
    - the group's newest `DQ_BASELINE_WINDOW` completed runs by creation, and its completed runs of the weekday
      rhythm's weeks: the baselines learn from them, and the newest is the one drift compares top values with;
    - the group's last completed run by completion: the next launch reuses its unchanged tables' values;
    - the runs since the group's last completed run: the failure alert counts that streak and stamps its first run.
    """
    completed = Q(status=ProfileRunStatus.COMPLETED)
    return (
        completed & (Q(window_edge__isnull=True) | Q(created_at__gte=F("window_edge")))
        | completed & Q(completed_at__gte=now - timedelta(weeks=RHYTHM_WEEKS))
        | completed & Q(completed_at__gte=F("last_completed_at"))
        | Q(last_completed_created_at__isnull=True)
        | Q(created_at__gt=F("last_completed_created_at"))
    )


def prunable_runs(*, older_than: datetime, now: datetime) -> QuerySet[ProfileRun]:
    """Final runs whose age is before `older_than` and that `kept_runs` does not keep."""
    group_completed = ProfileRun.objects.filter(table_group=OuterRef("table_group"), status=ProfileRunStatus.COMPLETED)
    by_creation = group_completed.order_by("-created_at").values("created_at")
    window = settings.DQ_BASELINE_WINDOW
    return (
        # A run is created before it completes: `created_at` narrows the search on its indexes first.
        ProfileRun.objects.filter(status__in=FINAL_STATUSES, created_at__lt=older_than)
        .alias(
            age=Coalesce("completed_at", "created_at"),
            window_edge=Subquery(by_creation[window - 1:window]),
            last_completed_created_at=Subquery(by_creation[:1]),
            last_completed_at=Subquery(
                group_completed.order_by(F("completed_at").desc(nulls_last=True)).values("completed_at")[:1]
            ),
            kept=Case(When(kept_runs(now), then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .filter(age__lt=older_than, kept=False)
    )


class _Pruner:
    def __init__(self, *, now: datetime, dry_run: bool, batch_size: int):
        self.now, self.batch_size = now, batch_size
        self.report = PruneReport(dry_run=dry_run)

    def prune_rows(self, model, *, stamp: str, days: int) -> None:
        """Delete `model`'s rows of the prunable runs older than `days` not yet stamped `stamp`; then stamp them."""
        older_than = self.now - timedelta(days=days)
        runs = prunable_runs(older_than=older_than, now=self.now).filter(**{stamp: None})
        for chunk in self._chunks(runs):
            # Re-checked with every batch: a run that completed (again) meanwhile is young and drops out.
            chunk_runs = runs.filter(pk__in=chunk)
            self._delete(model.objects.filter(profile_run__in=chunk_runs))
            if not self.report.dry_run:
                ProfileRun.objects.filter(pk__in=chunk_runs.values("pk")).update(**{stamp: self.now})

    def prune_runs(self, *, days: int) -> None:
        """Delete the prunable runs older than `days`: their rows first, in batches, then the runs."""
        runs = prunable_runs(older_than=self.now - timedelta(days=days), now=self.now)
        for chunk in self._chunks(runs):
            chunk_runs = runs.filter(pk__in=chunk)
            for model in RUN_ROWS:
                self._delete(model.objects.filter(profile_run__in=chunk_runs))
            self._delete(chunk_runs)

    def _chunks(self, runs: QuerySet[ProfileRun]):
        """The ids of `runs`, RUNS_PER_CHUNK at a time, in key order (a dry run deletes nothing to move it on)."""
        last = None
        while True:
            page = runs if last is None else runs.filter(pk__gt=last)
            chunk = list(page.order_by("pk").values_list("pk", flat=True)[:RUNS_PER_CHUNK])
            if not chunk:
                return
            yield chunk
            last = chunk[-1]

    def _delete(self, rows: QuerySet) -> None:
        """Delete `rows` by primary-key batches, each its own statement (and transaction), counting per table."""
        model = rows.model
        if self.report.dry_run:
            self.report.rows[model._meta.db_table] += rows.count()
            return
        while True:
            batch = list(rows.order_by().values_list("pk", flat=True)[: self.batch_size])
            if not batch:
                return
            _, deleted = model.objects.filter(pk__in=batch).delete()
            for label, count in deleted.items():
                self.report.rows[apps.get_model(label)._meta.db_table] += count
            if len(batch) < self.batch_size:
                return
