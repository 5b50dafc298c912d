"""Django admin (contract section 9), one module per area. Secrets are never stored, so none can be shown;
anomalies, results and columns are read-only because only a run's payload may write them."""

from dataquality.admin import results, runs, workspace  # noqa: F401  (each module registers its models)
