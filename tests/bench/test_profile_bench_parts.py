"""The profiling benchmarks' pure-Python parts: target verdicts, growth steps and scan counting."""

import json

from bench.report import (
    ENGINE, FLOOR, PER_COLUMN, GrowthStep, Measurement, growth_steps, growth_verdict, results_table, scans_verdict,
    verdicts,
)
from bench.spark_jobs import JobWindow, count_scans


def _measurements(narrow_engine, narrow_floor, wide_engine, wide_floor, wide_per_column):
    return [
        Measurement(ENGINE, "narrow", 5, 8, narrow_engine),
        Measurement(FLOOR, "narrow", 5, 8, narrow_floor),
        Measurement(ENGINE, "wide", 2, 60, wide_engine),
        Measurement(FLOOR, "wide", 2, 60, wide_floor),
        Measurement(PER_COLUMN, "wide", 2, 60, wide_per_column),
    ]


def test_the_three_targets_are_met_at_their_limits():
    found = verdicts(_measurements(20.0, 10.0, 30.0, 15.0, 45.0), wide="wide", narrow="narrow")
    assert [(v.target, v.value, v.met) for v in found] == [
        ("engine time / Spark floor time on narrow (<=)", 2.0, True),
        ("engine time / Spark floor time on wide (<=)", 2.0, True),
        ("engine speed-up over one job per column on wide (>=)", 1.5, True),
    ]


def test_each_target_is_missed_past_its_limit():
    found = verdicts(_measurements(21.0, 10.0, 31.0, 15.0, 45.0), wide="wide", narrow="narrow")
    assert [v.met for v in found] == [False, False, False]
    assert found[2].line() == "MISSED: engine speed-up over one job per column on wide (>=): 1.45 (target 1.5)"


def test_the_results_table_has_a_ratio_to_the_floor():
    table = results_table(_measurements(20.0, 10.0, 30.0, 15.0, 45.0)).splitlines()
    assert "vs engine  vs floor" in table[0]
    engine_wide = next(line for line in table if line.startswith(ENGINE) and " wide " in line)
    assert "1.00x" in engine_wide and "2.00x" in engine_wide


def test_growth_is_linear_when_no_step_grows_faster_than_its_size():
    steps = growth_steps([(1000, 4.0), (250, 2.0), (500, 2.5)])  # unordered on purpose
    assert steps == [GrowthStep(250, 500, 2.0, 2.5), GrowthStep(500, 1000, 2.5, 4.0)]
    assert growth_verdict("rows", steps).met
    missed = growth_verdict("columns", growth_steps([(15, 1.0), (30, 2.2), (60, 4.0)]))
    assert not missed.met and round(missed.value, 2) == 1.1


def test_the_scan_target_verdict():
    assert scans_verdict(3, "2g") == "≤ 3 scans with 2 GB driver: met"
    assert scans_verdict(4, "2g").endswith("MISSED")
    assert scans_verdict(None, "2g").endswith("MISSED")  # the engine failed


def _stage(stage_id, submitted, rdds, failure=None):
    info = {"Stage ID": stage_id, "Stage Attempt ID": 0, "Submission Time": submitted,
            "RDD Info": [{"Name": name} for name in rdds]}
    if failure:
        info["Failure Reason"] = failure
    return {"Event": "SparkListenerStageCompleted", "Stage Info": info}


def test_scans_are_the_stages_that_read_files_and_ran_within_the_window(tmp_path):
    events = [
        {"Event": "SparkListenerJobStart", "Job ID": 0, "Stage IDs": [0], "Submission Time": 100},
        _stage(0, 100, ["FileScanRDD", "MapPartitionsRDD"]),  # before the window: the table's check
        _stage(1, 1000, ["MapPartitionsRDD", "FileScanRDD"]),  # scan 1
        _stage(2, 1100, ["ShuffledRowRDD", "MapPartitionsRDD"]),  # reads a shuffle, not the files
        _stage(3, 1200, ["FileScanRDD"], failure="fetch failed"),  # failed attempt ...
        _stage(3, 1300, ["FileScanRDD"]),  # ... and its retry: scan 2
        _stage(4, 1400, ["ParallelCollectionRDD"]),  # reading parquet footers for the schema
        _stage(5, 1500, ["FileScanRDD"]),  # scan 3 (stages skipped for a reused shuffle log no completion)
        _stage(6, 9000, ["FileScanRDD"]),  # after the window
    ]
    log = tmp_path / "local-1"
    log.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")
    assert count_scans(log, JobWindow("engine", 1000, 2000)) == 3
    assert count_scans(log) == 5
