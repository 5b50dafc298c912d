"""The Spark profiling engine. Importing the package is cheap: the Spark-based API loads on first use, so
`thresholds` and `catalogue` stay importable without PySpark."""

from __future__ import annotations

from typing import Any

__all__ = ["ProfileOptions", "TableSource", "profile_dataframe", "profile_tables"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
