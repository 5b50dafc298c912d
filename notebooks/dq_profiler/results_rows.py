"""The five result tables of contract section 12.1: their columns, and a run's rows built from its payload.

Standard library only: both writers (Spark's Delta writer on Databricks, delta-rs locally) take these rows and
this schema, so the tables hold the same thing wherever they were written. The payload is used as the engine
emits it, PII withheld (no top values, min, max or percentiles of a flagged column).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

STRING, LONG, DOUBLE, BOOLEAN, TIMESTAMP = "string", "long", "double", "boolean", "timestamp"
RUN_ID_COLUMN = "profile_run_id"
# `catalog.schema` of plain identifiers: the name goes into SQL (the service validates with the same pattern).
RESULTS_SCHEMA_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class ResultTable:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column name, one of the type names above)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


_KEY = ((RUN_ID_COLUMN, STRING), ("table_name", STRING), ("column_name", STRING))
# Section 6's column metrics under their payload names, in the order of the payload.
COLUMN_METRICS: tuple[tuple[str, str], ...] = (
    ("ordinal_position", LONG), ("row_count", LONG), ("null_count", LONG), ("distinct_count", LONG),
    ("distinct_count_approximate", BOOLEAN), ("min_value", STRING), ("max_value", STRING),
    ("mean", DOUBLE), ("stddev", DOUBLE), ("p25", DOUBLE), ("p50", DOUBLE), ("p75", DOUBLE),
    ("zero_count", LONG), ("negative_count", LONG), ("min_length", LONG), ("max_length", LONG),
    ("avg_length", DOUBLE), ("blank_count", LONG), ("leading_space_count", LONG), ("numeric_like_count", LONG),
    ("date_like_count", LONG), ("future_count", LONG), ("before_1900_count", LONG), ("true_count", LONG),
    ("false_count", LONG),
)
TABLE_METRICS = ("row_count", "column_count")

RUNS = ResultTable("dq_profile_runs", (
    (RUN_ID_COLUMN, STRING), ("table_group_id", STRING), ("status", STRING), ("started_at", TIMESTAMP),
    ("completed_at", TIMESTAMP), ("row_count", LONG), ("table_count", LONG), ("column_count", LONG),
    ("anomaly_count", LONG), ("profile_version", STRING),
))
COLUMNS = ResultTable("dq_profile_columns", (
    *_KEY, ("data_type", STRING), ("general_type", STRING), ("functional_type", STRING), *COLUMN_METRICS,
))
COLUMN_VALUES = ResultTable("dq_profile_column_values", (
    *_KEY, ("kind", STRING), ("value", STRING), ("count", LONG), ("rank", LONG),
))
ANOMALIES = ResultTable("dq_profile_anomalies", (
    *_KEY, ("anomaly_type", STRING), ("severity", STRING), ("description", STRING), ("detected_at", TIMESTAMP),
))
METRICS = ResultTable("dq_profile_metrics", (*_KEY, ("metric", STRING), ("value", DOUBLE)))
RESULT_TABLES: tuple[ResultTable, ...] = (RUNS, COLUMNS, COLUMN_VALUES, ANOMALIES, METRICS)

Rows = dict[str, list[dict[str, Any]]]  # result table name -> its rows for one run


def result_rows(payload: Mapping[str, Any], *, profile_run_id: str, table_group_id: str | None) -> Rows:
    """Every row a run puts in the five tables, keyed by table name; each row has every column of its table."""
    tables = [table for table in payload.get("tables") or () if isinstance(table, Mapping)]
    run = {RUN_ID_COLUMN: profile_run_id}
    rows: Rows = {
        RUNS.name: [_run_row(payload, tables, run, table_group_id)],
        COLUMNS.name: [],
        COLUMN_VALUES.name: [],
        ANOMALIES.name: [_anomaly_row(anomaly, run) for anomaly in payload.get("anomalies") or ()],
        METRICS.name: [],
    }
    for table in tables:
        name = _qualified(table)
        for metric in TABLE_METRICS:
            rows[METRICS.name].append(_metric_row(run, name, None, metric, table.get(metric)))
        for column in table.get("columns") or ():
            where = {**run, "table_name": name, "column_name": column.get("column_name")}
            rows[COLUMNS.name].append(_column_row(column, where))
            rows[COLUMN_VALUES.name].extend(_value_rows(column, where))
            rows[METRICS.name].extend(
                _metric_row(run, name, where["column_name"], metric, column.get(metric))
                for metric, kind in COLUMN_METRICS
                if kind in (LONG, DOUBLE) and metric != "ordinal_position"
            )
    rows[METRICS.name] = [row for row in rows[METRICS.name] if row["value"] is not None]
    return {table.name: [_complete(row, table) for row in rows[table.name]] for table in RESULT_TABLES}


def _run_row(payload: Mapping[str, Any], tables: list, run: dict, table_group_id: str | None) -> dict[str, Any]:
    anomalies = payload.get("anomalies") or ()
    return {
        **run,
        "table_group_id": table_group_id or None,
        "status": payload.get("status"),
        "started_at": parse_timestamp(payload.get("started_at")),
        "completed_at": parse_timestamp(payload.get("completed_at")),
        "row_count": payload.get("row_count"),
        "table_count": len(tables),
        "column_count": sum(table.get("column_count") or 0 for table in tables),
        "anomaly_count": payload.get("anomaly_count", len(anomalies)),
        "profile_version": payload.get("profile_version"),
    }


def _column_row(column: Mapping[str, Any], where: dict[str, Any]) -> dict[str, Any]:
    row = {**where, **{name: column.get(name) for name in ("data_type", "general_type", "functional_type")}}
    for name, kind in COLUMN_METRICS:
        row[name] = _typed(column.get(name), kind)
    return row


def _value_rows(column: Mapping[str, Any], where: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for kind, key in (("value", "top_values"), ("pattern", "top_patterns")):
        for rank, entry in enumerate(column.get(key) or (), start=1):
            value = value_text(entry.get("value"))
            yield {**where, "kind": kind, "value": value, "count": entry.get("count"), "rank": rank}


def _anomaly_row(anomaly: Mapping[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    return {
        **run,
        **{
            name: anomaly.get(name)
            for name in ("table_name", "column_name", "anomaly_type", "severity", "description")
        },
        "detected_at": parse_timestamp(anomaly.get("detected_at")),
    }


def _metric_row(run: dict, table_name: str, column_name: str | None, metric: str, value: Any) -> dict[str, Any]:
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return {
        **run, "table_name": table_name, "column_name": column_name, "metric": metric,
        "value": number if number is not None and math.isfinite(number) else None,
    }


def _complete(row: dict[str, Any], table: ResultTable) -> dict[str, Any]:
    return {name: row.get(name) for name in table.column_names}


def _qualified(table: Mapping[str, Any]) -> str:
    schema_name = table.get("schema_name") or ""
    return f"{schema_name}.{table['table_name']}" if schema_name else str(table["table_name"])


def _typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == STRING:
        return value_text(value)
    if kind == DOUBLE:
        return float(value) if math.isfinite(float(value)) else None
    return value


def value_text(value: Any) -> str | None:
    """A top value (or min or max) as stored: text, with booleans as the engine writes them; the service stores
    top values the same way."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO-8601 text (`…Z` or with an offset) as an aware UTC datetime; None for none."""
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
