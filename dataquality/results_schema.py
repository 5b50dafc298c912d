"""`results_schema`: the `catalog.schema` where the notebook writes a run's result tables (contract section 12.1).

Plain identifiers only, since the name goes into the notebook's SQL; the notebook checks the same pattern
(`notebooks/dq_profiler/results_rows.py`). A group's schema overrides its connection's, which overrides
`DATA_QUALITY_RESULTS_SCHEMA`.
"""

from __future__ import annotations

from django.core.validators import RegexValidator

from notebooks.dq_profiler.results_rows import RESULTS_SCHEMA_PATTERN as _NOTEBOOK_PATTERN

RESULTS_SCHEMA_PATTERN = _NOTEBOOK_PATTERN.pattern
validate_results_schema = RegexValidator(
    RESULTS_SCHEMA_PATTERN, "Enter catalog.schema: two names of letters, digits and underscores, joined by a dot."
)


def results_schema_for(table_group) -> str:
    """Where a group's runs write their result tables: the group's, else its connection's, else the setting's."""
    from django.conf import settings

    connection = table_group.connection
    return table_group.results_schema or (connection.results_schema if connection else "") or (
        settings.DATA_QUALITY_RESULTS_SCHEMA
    )
