"""The benchmark's measurements, its target verdicts, and the text table it prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ENGINE = "engine (profile_dataframe)"
PER_COLUMN = "one job per column (Spark)"
DUCKDB = "DuckDB SUMMARIZE"
YDATA = "ydata-profiling minimal"

PER_COLUMN_MIN_SPEEDUP = 5.0  # the engine at least this many times faster than one job per column, wide table
DUCKDB_MAX_SLOWDOWN = 3.0  # the engine at most this many times DuckDB's SUMMARIZE time, narrow table


@dataclass(frozen=True)
class Measurement:
    contender: str
    table: str
    rows: int
    columns: int
    seconds: float
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    target: str
    value: float
    limit: float
    met: bool

    def line(self) -> str:
        return f"{'met' if self.met else 'MISSED'}: {self.target}: {self.value:.2f} (target {self.limit:g})"


def _seconds(measurements: list[Measurement], contender: str, table: str) -> float | None:
    return next((m.seconds for m in measurements if m.contender == contender and m.table == table), None)


def ratio_vs_engine(measurements: list[Measurement], measurement: Measurement) -> float | None:
    """Contender seconds over the engine's seconds on the same table (the engine is 1.0)."""
    engine = _seconds(measurements, ENGINE, measurement.table)
    return measurement.seconds / engine if engine else None


def verdicts(measurements: list[Measurement], *, wide: str, narrow: str) -> list[Verdict]:
    found = []
    engine_wide, per_column = _seconds(measurements, ENGINE, wide), _seconds(measurements, PER_COLUMN, wide)
    if engine_wide and per_column:
        speedup = per_column / engine_wide
        found.append(
            Verdict(f"engine speed-up over one job per column on {wide} (>=)", speedup, PER_COLUMN_MIN_SPEEDUP,
                    speedup >= PER_COLUMN_MIN_SPEEDUP)
        )
    engine_narrow, duckdb = _seconds(measurements, ENGINE, narrow), _seconds(measurements, DUCKDB, narrow)
    if engine_narrow and duckdb:
        slowdown = engine_narrow / duckdb
        found.append(
            Verdict(f"engine time / DuckDB SUMMARIZE time on {narrow} (<=)", slowdown, DUCKDB_MAX_SLOWDOWN,
                    slowdown <= DUCKDB_MAX_SLOWDOWN)
        )
    return found


def results_table(measurements: list[Measurement]) -> str:
    header = ("contender", "table", "rows", "cols", "seconds", "vs engine", "note")
    rows = [header]
    for m in measurements:
        ratio = ratio_vs_engine(measurements, m)
        rows.append(
            (m.contender, m.table, f"{m.rows:,}", str(m.columns), f"{m.seconds:.2f}",
             f"{ratio:.2f}x" if ratio is not None else "-", m.note)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4, 5}
    lines = [
        "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def as_json(measurements: list[Measurement]) -> list[dict]:
    return [{**asdict(m), "ratio_vs_engine": ratio_vs_engine(measurements, m)} for m in measurements]
