"""How long stored results are kept (docs/retention.md): the three limits, in days, and the rule they obey.

Pure Python, so that the settings can validate the environment at start-up. A run's rows are pruned from the
leaves up: its top values and patterns first, then its column metrics, then (only when a limit is set) the run
itself with its tables and anomalies. So no level may be kept for less time than the level it holds.
"""

from __future__ import annotations

DEFAULT_VALUES_DAYS = 90
DEFAULT_METRICS_DAYS = 730
DEFAULT_PRUNE_BATCH_SIZE = 5000


def retention_days(raw: str, *, name: str) -> int | None:
    """A limit as the environment sets it: a number of days, or None (empty or 0) for "keep forever"."""
    text = raw.strip()
    if text in ("", "0"):
        return None
    try:
        days = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of days (empty or 0 keeps forever), not {raw!r}.") from None
    if days < 1:
        raise ValueError(f"{name} must be at least 1 day (empty or 0 keeps forever), not {days}.")
    return days


def validate_retention(*, values_days: int | None, metrics_days: int | None, runs_days: int | None,
                       batch_size: int) -> None:
    """Raise ValueError when a level would be kept for less time than the level below it, or batches are empty."""
    levels = (("DQ_RETAIN_VALUES_DAYS", values_days), ("DQ_RETAIN_METRICS_DAYS", metrics_days),
              ("DQ_RETAIN_RUNS_DAYS", runs_days))
    for (shorter_name, shorter), (longer_name, longer) in zip(levels, levels[1:]):
        if longer is not None and (shorter is None or shorter > longer):
            raise ValueError(
                f"{longer_name} ({longer} days) must not be shorter than {shorter_name} "
                f"({'forever' if shorter is None else f'{shorter} days'}): a run's rows are pruned from its top "
                "values up to the run itself."
            )
    if batch_size < 1:
        raise ValueError(f"DQ_PRUNE_BATCH_SIZE must be at least 1, not {batch_size}.")
