"""The benchmarks' Spark session, and what they read from its event log once it has stopped: job timings per
contender, and how many times a table was scanned.

Jobs and stages are attributed to a contender by the wall-clock window it ran in, so nothing depends on job groups
or descriptions that the engine might set itself.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SparkJob:
    job_id: int
    submitted_ms: int
    completed_ms: int
    call_site: str

    @property
    def seconds(self) -> float:
        return (self.completed_ms - self.submitted_ms) / 1000


@dataclass
class JobWindow:
    """The wall-clock span of one timed contender, in epoch milliseconds as Spark logs them."""

    label: str
    started_ms: int
    ended_ms: int
    jobs: list[SparkJob] = field(default_factory=list)

    def summary(self, top: int = 5) -> dict:
        """Job count, summed job time, and the call sites that took longest (summed over their jobs)."""
        by_call_site: dict[str, list[float]] = defaultdict(list)
        for job in self.jobs:
            by_call_site[job.call_site].append(job.seconds)
        slowest = sorted(by_call_site.items(), key=lambda item: sum(item[1]), reverse=True)[:top]
        return {
            "label": self.label,
            "wall_seconds": round((self.ended_ms - self.started_ms) / 1000, 3),
            "job_count": len(self.jobs),
            "job_seconds": round(sum(job.seconds for job in self.jobs), 3),
            "slowest_call_sites": [
                {"call_site": site, "jobs": len(times), "seconds": round(sum(times), 3)} for site, times in slowest
            ],
        }


def epoch_ms() -> int:
    """Now, in epoch milliseconds as Spark logs its times."""
    return time.time_ns() // 1_000_000


def start_spark(event_log_dir: Path, memory: str, app_name: str = "dq-profiler-bench"):
    """A local session with its event log in `event_log_dir` (one file per application, named by its id)."""
    from notebooks.dq_profiler.local_spark import local_spark_session

    event_log_dir.mkdir(parents=True, exist_ok=True)
    spark = local_spark_session(
        app_name,
        memory=memory,
        **{
            "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": event_log_dir.resolve().as_uri(),
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        },
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def event_log_file(event_log_dir: Path, application_id: str) -> Path:
    return event_log_dir / application_id


def read_jobs(event_log: Path) -> list[SparkJob]:
    starts: dict[int, tuple[int, str]] = {}
    jobs: list[SparkJob] = []
    with event_log.open(encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            kind = event.get("Event")
            if kind == "SparkListenerJobStart":
                properties = event.get("Properties") or {}
                call_site = properties.get("callSite.short") or event["Stage Infos"][0]["Stage Name"]
                # Repository-relative, so printed figures name no machine's folders.
                call_site = call_site.replace(f"{REPOSITORY}/", "")
                starts[event["Job ID"]] = (event["Submission Time"], call_site)
            elif kind == "SparkListenerJobEnd" and event["Job ID"] in starts:
                submitted, call_site = starts.pop(event["Job ID"])
                jobs.append(SparkJob(event["Job ID"], submitted, event["Completion Time"], call_site))
    return jobs


def assign_jobs(windows: list[JobWindow], jobs: list[SparkJob]) -> None:
    for job in jobs:
        for window in windows:
            if window.started_ms <= job.submitted_ms <= window.ended_ms:
                window.jobs.append(job)
                break


def count_scans(event_log: Path, window: JobWindow | None = None) -> int:
    """Stages that read parquet files and ran (submitted within `window` if given).

    A stage reads files when one of its RDDs is a `FileScanRDD`. Stages skipped because their shuffle output was
    reused are never submitted, so they log no completion and do not count; a stage retried after a failure counts
    once, for its successful attempt.
    """
    scanned: set[int] = set()
    with event_log.open(encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            if event.get("Event") != "SparkListenerStageCompleted":
                continue
            stage = event["Stage Info"]
            if stage.get("Failure Reason") or not any(rdd.get("Name") == "FileScanRDD" for rdd in stage["RDD Info"]):
                continue
            submitted = stage.get("Submission Time")
            if window is None or (submitted is not None and window.started_ms <= submitted <= window.ended_ms):
                scanned.add(stage["Stage ID"])
    return len(scanned)
