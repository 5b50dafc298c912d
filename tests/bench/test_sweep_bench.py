"""The sweep benchmark still runs: a small shape, in a process of its own (it sets up Django itself)."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_sweep_benchmark_runs_and_reports_both_figures():
    finished = subprocess.run(
        [sys.executable, "bench/sweep.py", "--runs", "60", "--latency-ms", "5", "--threads", "4"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    lines = finished.stdout.splitlines()
    assert lines[0].startswith("60 active runs: 12 succeeded without a callback, 4 failed, 1 stuck in queued")
    assert lines[1].startswith("one sweep, 4 threads:") and "target under 15 s: met" in lines[1]
    assert lines[2].startswith("one sweep, 1 thread:") and lines[3].startswith("speed-up: ")
