"""The benchmarks' measurements, target verdicts and the text tables they print (pure Python, no Spark)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ENGINE = "engine (profile_dataframe)"
FLOOR = "Spark floor (one df.agg)"
PER_COLUMN = "one job per column (Spark)"
DUCKDB = "DuckDB SUMMARIZE"
YDATA = "ydata-profiling minimal"

# Issue 10's targets, each on one table of bench/profile_engine.py:
FLOOR_MAX_RATIO = 2.0  # the engine at most this many times the Spark floor's time, on the narrow and the wide table
PER_COLUMN_MIN_SPEEDUP = 1.5  # the engine at least this many times faster than one job per column, on the wide table
MAX_SCANS = 3  # a 200-column table profiled in at most this many scans, with a 2 GB driver (bench/wide_table.py)


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


def ratio_to(measurements: list[Measurement], measurement: Measurement, reference: str) -> float | None:
    """The measurement's seconds over `reference`'s seconds on the same table (the reference is 1.0)."""
    seconds = _seconds(measurements, reference, measurement.table)
    return measurement.seconds / seconds if seconds else None


def verdicts(measurements: list[Measurement], *, wide: str, narrow: str) -> list[Verdict]:
    found = []
    for table in (narrow, wide):
        engine, floor = _seconds(measurements, ENGINE, table), _seconds(measurements, FLOOR, table)
        if engine and floor:
            ratio = engine / floor
            found.append(Verdict(f"engine time / Spark floor time on {table} (<=)", ratio, FLOOR_MAX_RATIO,
                                 ratio <= FLOOR_MAX_RATIO))
    engine_wide, per_column = _seconds(measurements, ENGINE, wide), _seconds(measurements, PER_COLUMN, wide)
    if engine_wide and per_column:
        speedup = per_column / engine_wide
        found.append(Verdict(f"engine speed-up over one job per column on {wide} (>=)", speedup,
                             PER_COLUMN_MIN_SPEEDUP, speedup >= PER_COLUMN_MIN_SPEEDUP))
    return found


def scans_verdict(scans: int | None, driver_memory: str) -> str:
    """The 200-column target's line; `scans` is None when the engine failed."""
    met = scans is not None and scans <= MAX_SCANS
    memory = driver_memory.upper()
    memory = f"{memory[:-1]} {memory[-1]}B" if memory[-1:] in "KMGT" and memory[:-1].isdigit() else driver_memory
    return f"≤ {MAX_SCANS} scans with {memory} driver: {'met' if met else 'MISSED'}"


def text_table(rows: list[tuple[str, ...]], numeric: set[int]) -> str:
    """Rows of cells (the first is the header) as aligned columns, numeric ones right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _ratio_cell(ratio: float | None) -> str:
    return f"{ratio:.2f}x" if ratio is not None else "-"


def results_table(measurements: list[Measurement]) -> str:
    rows = [("contender", "table", "rows", "cols", "seconds", "vs engine", "vs floor", "note")]
    for m in measurements:
        rows.append((m.contender, m.table, f"{m.rows:,}", str(m.columns), f"{m.seconds:.2f}",
                     _ratio_cell(ratio_to(measurements, m, ENGINE)), _ratio_cell(ratio_to(measurements, m, FLOOR)),
                     m.note))
    return text_table(rows, numeric={2, 3, 4, 5, 6})


def as_json(measurements: list[Measurement]) -> list[dict]:
    return [
        {**asdict(m), "ratio_vs_engine": ratio_to(measurements, m, ENGINE),
         "ratio_vs_floor": ratio_to(measurements, m, FLOOR)}
        for m in measurements
    ]


@dataclass(frozen=True)
class GrowthStep:
    """From one size to the next: how much the size grew and how much the time did."""

    size_from: int
    size_to: int
    seconds_from: float
    seconds_to: float

    @property
    def size_ratio(self) -> float:
        return self.size_to / self.size_from

    @property
    def time_ratio(self) -> float:
        return self.seconds_to / self.seconds_from

    @property
    def at_most_linear(self) -> bool:
        return self.time_ratio <= self.size_ratio


def growth_steps(points: list[tuple[int, float]]) -> list[GrowthStep]:
    """Consecutive steps of (size, seconds) points, in increasing size."""
    ordered = sorted(points)
    return [GrowthStep(a[0], b[0], a[1], b[1]) for a, b in zip(ordered, ordered[1:])]


def growth_verdict(axis: str, steps: list[GrowthStep]) -> Verdict:
    """Met when every step's time ratio is at most its size ratio; the value is the worst step's excess."""
    worst = max(steps, key=lambda step: step.time_ratio / step.size_ratio)
    excess = worst.time_ratio / worst.size_ratio
    return Verdict(f"engine time grows at most linearly in {axis} (worst step: time ratio / size ratio <=)", excess,
                   1.0, all(step.at_most_linear for step in steps))
