"""The engine still gives the answers of the golden payload: the seed table's profile, compared field by field.

Everything must be identical except what depends on when the engine ran (anomaly timestamps, the latest likely date
that unlikely_date_values quotes) and what `docs/metrics.md` documents as approximate, each held to its stated
error measured on the seed table itself:

- `distinct_count` where `distinct_count_approximate` is true: within 5% of the exact distinct count;
- `p25`, `p50`, `p75`: one of the column's values, ranked within 1/10000 of its values (plus one) of the target;
- `mean`, `stddev`, `avg_length` ("exact up to floating point"): equal to 1e-9 relative, so a different summing
  order passes.

The golden file is written by `python -m tests.notebooks.golden.regenerate` (see that module).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from pyspark.sql import functions as F

from tests.notebooks.golden.regenerate import GOLDEN_PATH
from tests.notebooks.golden.seed_table import profile_seed_table, seed_dataframe

DISTINCT_TOLERANCE = 0.05
PERCENTILES = {"p25": 0.25, "p50": 0.5, "p75": 0.75}
PERCENTILE_ACCURACY = 10000
FLOATING_POINT = ("mean", "stddev", "avg_length")
FLOAT_RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    return json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(spark):
    return seed_dataframe(spark)


@pytest.fixture(scope="module")
def profiled(spark) -> dict[str, Any]:
    return profile_seed_table(spark)


def _where(table: dict[str, Any], column: str | None = None) -> str:
    name = f"{table['schema_name']}.{table['table_name']}"
    return f"{name} column {column!r}" if column else name


def _exact_distinct_counts(seed, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    row = seed.agg(*[F.count_distinct(F.col(name)).alias(name) for name in names]).collect()[0]
    return row.asDict()


def _percentile_ranks(seed, wanted: dict[tuple[str, str], float]) -> dict[tuple[str, str], tuple[int, int, int]]:
    """For each (column, percentile) value: how many of the column's values are below it, equal to it, and all
    of them (nulls and NaN left out, as the engine does), in one Spark job."""
    aggregates = []
    for position, ((name, _), value) in enumerate(wanted.items()):
        column = F.col(name).cast("double")
        counted = F.when(~F.isnan(column), column)
        aggregates += [
            F.count(F.when(counted < value, True)).alias(f"below{position}"),
            F.count(F.when(counted == value, True)).alias(f"equal{position}"),
            F.count(counted).alias(f"all{position}"),
        ]
    if not aggregates:
        return {}
    row = seed.agg(*aggregates).collect()[0]
    return {key: (row[f"below{i}"], row[f"equal{i}"], row[f"all{i}"]) for i, key in enumerate(wanted)}


def _percentile_error(key: tuple[str, str], value: float, ranks: tuple[int, int, int]) -> str | None:
    below, equal, total = ranks
    if equal == 0:
        return f"{value!r} is not one of the column's values"
    target = math.ceil(PERCENTILES[key[1]] * total)  # 1-based rank of the exact percentile
    first, last = below + 1, below + equal  # the ranks that the value holds
    distance = max(0, first - target, target - last)
    allowed = total / PERCENTILE_ACCURACY + 1
    if distance > allowed:
        return f"it holds ranks {first}..{last} of {total}, {distance} from rank {target} (allowed {allowed:g})"
    return None


def _differs(field: str, expected: Any, actual: Any) -> bool:
    if field in FLOATING_POINT and isinstance(expected, float) and isinstance(actual, float):
        return not math.isclose(expected, actual, rel_tol=FLOAT_RELATIVE_TOLERANCE, abs_tol=1e-12)
    return expected != actual or type(expected) is not type(actual)


def _column_differences(where: str, expected: dict, actual: dict, approximate: dict) -> list[str]:
    differences = []
    for field in sorted(set(expected) | set(actual)):
        if field not in actual or field not in expected:
            differences.append(f"{where}: field {field!r} only in the {'golden' if field in expected else 'new'} payload")
            continue
        if (actual["column_name"], field) in approximate:
            problem = approximate[actual["column_name"], field]
            if problem:
                differences.append(f"{where} field {field!r}: golden {expected[field]!r}, now {actual[field]!r}: {problem}")
            continue
        if _differs(field, expected[field], actual[field]):
            differences.append(f"{where} field {field!r}: golden {expected[field]!r}, now {actual[field]!r}")
    return differences


def _approximate_fields(seed, golden: dict, profiled: dict) -> dict[tuple[str, str], str | None]:
    """The approximate fields of the new payload, each with what is wrong with it (None: within its error)."""
    checks: dict[tuple[str, str], str | None] = {}
    golden_columns = {column["column_name"]: column for column in golden["columns"]}
    estimated = [
        column["column_name"]
        for column in profiled["columns"]
        if column["distinct_count_approximate"] is True
        and column["distinct_count"] is not None
        and golden_columns.get(column["column_name"], {}).get("distinct_count_approximate") is True
    ]
    by_name = {column["column_name"]: column for column in profiled["columns"]}
    for name, exact in _exact_distinct_counts(seed, estimated).items():
        estimate = by_name[name]["distinct_count"]
        checks[name, "distinct_count"] = (
            None if abs(estimate - exact) <= DISTINCT_TOLERANCE * exact
            else f"more than 5% from the exact count {exact}"
        )
    wanted = {
        (column["column_name"], field): column[field]
        for column in profiled["columns"]
        for field in PERCENTILES
        if column.get(field) is not None and golden_columns.get(column["column_name"], {}).get(field) is not None
    }
    for key, ranks in _percentile_ranks(seed, wanted).items():
        checks[key] = _percentile_error(key, wanted[key], ranks)
    return checks


def _anomaly_differences(where: str, expected: list[dict], actual: list[dict]) -> list[str]:
    differences = []
    for position in range(max(len(expected), len(actual))):
        old = expected[position] if position < len(expected) else None
        new = actual[position] if position < len(actual) else None
        if old != new:
            differences.append(f"{where} anomaly #{position}: golden {old!r}, now {new!r}")
    return differences


def test_the_seed_table_profiles_as_the_golden_payload(seed, golden, profiled):
    differences = []
    for field in sorted((set(golden) | set(profiled)) - {"columns", "anomalies"}):
        if golden.get(field) != profiled.get(field):
            differences.append(f"{_where(golden)} field {field!r}: golden {golden.get(field)!r}, now {profiled.get(field)!r}")
    golden_names = [column["column_name"] for column in golden["columns"]]
    new_names = [column["column_name"] for column in profiled["columns"]]
    if golden_names != new_names:
        differences.append(f"{_where(golden)} columns: golden {golden_names}, now {new_names}")
    approximate = _approximate_fields(seed, golden, profiled)
    for expected, actual in zip(golden["columns"], profiled["columns"]):
        differences += _column_differences(_where(golden, expected["column_name"]), expected, actual, approximate)
    differences += _anomaly_differences(_where(golden), golden["anomalies"], profiled["anomalies"])
    assert not differences, f"{len(differences)} differences from {GOLDEN_PATH.name}:\n" + "\n".join(differences)


def test_the_seed_table_covers_every_column_anomaly_type_and_general_type(golden):
    """Every type that judges a column. The table types judge recency against today, which the seed's fixed dates
    would flip as the years pass, and the cross-table types need a second table: test_hygiene_catalogue.py plants
    both."""
    from notebooks.dq_profiler.catalogue import ANOMALY_TYPES, COLUMN

    column_types = {kind.id for kind in ANOMALY_TYPES if kind.scope == COLUMN}
    assert {anomaly["anomaly_type"] for anomaly in golden["anomalies"]} == column_types
    assert {column["general_type"] for column in golden["columns"]} >= {
        "numeric", "text", "date", "boolean", "binary", "nested"
    }
