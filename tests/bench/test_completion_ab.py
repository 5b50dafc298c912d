"""The completion A/B (bench/completion_ab.py) still runs: one completion a side, against the commit it names."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.dataquality.celery_processes import database_url

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_completion_ab_times_both_sides_and_gives_the_ratio():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the current side writes with COPY")
    bench_url = database_url().rsplit("/", 1)[0] + "/dq_completion_ab_test"
    finished = subprocess.run(
        [sys.executable, "bench/completion_ab.py", "--completions", "1", "--rounds", "1", "--database-url", bench_url],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert re.search(r"round 1  baseline 8249dce +\d+\.\d ms a completion", finished.stdout)
    assert re.search(r"speed-up \d+\.\d\dx \(1 completions a round, PostgreSQL\)", finished.stdout)
