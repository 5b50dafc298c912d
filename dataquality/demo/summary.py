"""The demo's closing summary, as plain text: the tables, each column's functional type and core metrics, the
anomalies by severity.

Pure functions of what the API answered (`/results`, `/anomalies`), so they are tested without a server.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

SEVERITY_ORDER = ("high", "medium", "low")
VALUE_WIDTH = 22


def _number(value) -> str:
    return "-" if value is None else f"{value:,}"


def _short(value, width: int = VALUE_WIDTH) -> str:
    if value is None:
        return "-"
    text = str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    numeric = {3, 4, 5}  # rows, nulls, distinct: right-aligned
    return [
        indent + "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]


def tables_section(results: dict) -> list[str]:
    tables = results["tables"]
    lines = [f"Tables profiled ({len(tables)})"]
    name_width = max((len(table["table_name"]) for table in tables), default=0)
    for table in tables:
        qualified = f"{table['schema_name']}.{table['table_name']}" if table["schema_name"] else table["table_name"]
        status = f"  ERROR: {table['error']}" if table.get("error") else ""
        lines.append(f"  {qualified.ljust(name_width + len(table['schema_name']) + 1)}  "
                     f"{_number(table['row_count']).rjust(9)} rows  {_number(table['column_count']).rjust(3)} columns{status}")
    return lines


def columns_section(results: dict) -> list[str]:
    lines: list[str] = []
    for table in results["tables"]:
        lines += ["", f"{table['table_name']} ({_number(table['row_count'])} rows)"]
        rows = [["column", "type", "holds", "rows", "nulls", "distinct", "min", "max"]]
        for column in table["columns"]:
            approximate = "~" if column.get("distinct_count_approximate") and column["distinct_count"] else ""
            rows.append([
                column["column_name"], column["data_type"], column.get("functional_type") or "-",
                _number(column["row_count"]), _number(column["null_count"]),
                approximate + _number(column["distinct_count"]), _short(column["min_value"]), _short(column["max_value"]),
            ])
        lines += _table(rows)
    return lines


def anomalies_section(anomalies: Iterable[dict]) -> list[str]:
    by_severity: dict[str, list[dict]] = defaultdict(list)
    for anomaly in anomalies:
        by_severity[anomaly["severity"]].append(anomaly)
    total = sum(len(items) for items in by_severity.values())
    lines = [f"Anomalies ({total})"]
    ordered = [s for s in SEVERITY_ORDER if s in by_severity] + sorted(set(by_severity) - set(SEVERITY_ORDER))
    for severity in ordered:
        items = sorted(by_severity[severity], key=lambda a: (a["table_name"], a["column_name"] or "", a["anomaly_type"]))
        lines.append(f"  {severity.upper()} ({len(items)})")
        for anomaly in items:
            where = f"{anomaly['table_name']}.{anomaly['column_name']}" if anomaly["column_name"] else anomaly["table_name"]
            lines.append(f"    {where:<32} {anomaly['anomaly_type']:<32} {_standing(anomaly):<12} {anomaly['description']}")
    return lines


def _standing(anomaly: dict) -> str:
    """new, recurring (in how many runs), folded under its cause, or what triage decided."""
    if anomaly.get("caused_by"):
        return "folded"
    if anomaly.get("disposition", "open") != "open":
        return anomaly["disposition"]
    occurrences = anomaly.get("occurrences", 1)
    return "new" if occurrences == 1 else f"recurring x{occurrences}"


def render_summary(results: dict, anomalies: list[dict]) -> str:
    return "\n".join(tables_section(results) + columns_section(results) + [""] + anomalies_section(anomalies))
