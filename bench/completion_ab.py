"""A/B of the completion sink: a baseline commit's `complete_profile_run` against the working tree's, in one run.

    .venv/bin/python bench/completion_ab.py [--baseline 8249dce] [--completions 30] [--rounds 3]
                                            [--database-url postgres://postgres@127.0.0.1:5432/dq_completion_ab]

The baseline's code comes from git (`git archive` into a temporary directory). Each side gets a database of its own
(`<database>_baseline`, `<database>_current`, dropped and created), migrated by its own code, and completes
`--completions` runs of the load test's payload (20 tables x 30 columns with top values and patterns, 0.34 MB of
JSON; bench/scale.py) in a process of its own, after two warm-up completions. The sides alternate for `--rounds`,
so both meet the same machine load; the best round of each is compared. What is timed is the service's own work for
one callback (validation, judging, writing in one transaction), not HTTP.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# Run in each tree, with that tree first on sys.path: only APIs both sides have.
CHILD = """
import json, os, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from bench.scale import payload
from dataquality.models import Dataset, ProfileRun, TableGroup
from dataquality.services.results.completion import complete_profile_run
body = payload()
dataset = Dataset.objects.create(name="completion-ab")
def complete(n):
    group = TableGroup.objects.create(dataset=dataset, name=f"g{n}", catalog="main", schema_name="sales")
    run = ProfileRun.objects.create(table_group=group, status="running", databricks_run_id=str(n))
    complete_profile_run(profile_run_id=run.pk, payload=json.loads(body))
count = int(sys.argv[1])
for n in range(2):
    complete(n)
started = time.perf_counter()
for n in range(2, 2 + count):
    complete(n)
print(f"{(time.perf_counter() - started) / count:.4f}")
"""


def _recreate(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _seconds_per_completion(tree: Path, database_url: str, completions: int, var_dir: str) -> float:
    _recreate(database_url)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "conversioncentral.settings", "DEBUG": "True",
           "DATABASE_URL": database_url, "LOG_LEVEL": "ERROR", "CONVERSIONCENTRAL_VAR_DIR": var_dir,
           "PYTHONPATH": str(tree)}
    finished = subprocess.run([sys.executable, "-c", CHILD, str(completions)], cwd=tree, env=env,
                              capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise SystemExit(f"the completions in {tree} failed:\n{finished.stderr[-3000:]}")
    return float(finished.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="8249dce", help="the commit to compare with (before the speed-ups)")
    parser.add_argument("--completions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/dq_completion_ab")
    args = parser.parse_args()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as work:
        baseline = Path(work) / "baseline"
        baseline.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline], cwd=REPO_ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive.stdout, check=True)
        sides = {f"baseline {args.baseline}": baseline, f"current {head} + working tree": REPO_ROOT}
        times: dict[str, list[float]] = {name: [] for name in sides}
        for round_number in range(1, args.rounds + 1):
            for name, tree in sides.items():
                suffix = "baseline" if tree == baseline else "current"
                seconds = _seconds_per_completion(tree, f"{args.database_url}_{suffix}", args.completions, work)
                times[name].append(seconds)
                print(f"round {round_number}  {name:<32} {seconds * 1000:8.1f} ms a completion", flush=True)
    best = {name: min(values) for name, values in times.items()}
    (baseline_name, baseline_best), (current_name, current_best) = best.items()
    print(f"best of {args.rounds}: baseline {baseline_best * 1000:.1f} ms, current {current_best * 1000:.1f} ms a "
          f"20 x 30 completion; speed-up {baseline_best / current_best:.2f}x "
          f"({args.completions} completions a round, PostgreSQL)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
