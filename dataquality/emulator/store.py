"""The emulator's state: jobs and runs in one SQLite file under the data dir, so it survives restarts.

One connection, serialised by a lock: the emulator serves a handful of requests at a time, and a single writer
keeps the checks that must be atomic (idempotency token, concurrent-run limit) simple.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ACTIVE_STATES = ("PENDING", "RUNNING", "TERMINATING")  # what counts against max_concurrent_runs
UNFINISHED_STATES = ("QUEUED",) + ACTIVE_STATES  # what `runs/list?active_only=true` lists

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    job_id INTEGER PRIMARY KEY,
    created_time INTEGER NOT NULL,
    settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    task_run_id INTEGER NOT NULL UNIQUE,
    job_id INTEGER NOT NULL,
    idempotency_token TEXT UNIQUE,
    settings TEXT NOT NULL,             -- the job's settings when the run was triggered
    parameters TEXT NOT NULL,           -- run-now job_parameters / notebook_params
    life_cycle_state TEXT NOT NULL,
    result_state TEXT,
    state_message TEXT NOT NULL DEFAULT '',
    termination_code TEXT,
    termination_type TEXT,
    user_cancelled_or_timedout INTEGER NOT NULL DEFAULT 0,
    stop_reason TEXT,                   -- CANCELED or TIMEDOUT once a kill was sent
    forced_result TEXT,                 -- fault injection decided at trigger time
    drop_callback INTEGER NOT NULL DEFAULT 0,
    start_time INTEGER NOT NULL,
    execution_start_time INTEGER,
    end_time INTEGER,
    notebook_result TEXT,
    error TEXT,
    error_trace TEXT,
    pid INTEGER,
    run_dir TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_job ON runs (job_id, run_id);
"""
_JSON_COLUMNS = ("settings", "parameters")


def _owner_only(database: Path) -> None:
    """The store holds runs' parameters, callback tokens among them: its file is the owner's alone, and SQLite
    gives its `-wal` and `-shm` the file's mode (those left by an older run are fixed here)."""
    os.close(os.open(database, os.O_CREAT | os.O_RDWR, 0o600))
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        if path.exists():
            path.chmod(0o600)


def now_ms() -> int:
    return int(time.time() * 1000)


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _owner_only(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- Jobs -------------------------------------------------------------------------------------

    def create_job(self, settings: dict) -> dict:
        with self._lock, self._transaction():
            job_id = self._next_id("job")
            created = now_ms()
            self._db.execute(
                "INSERT INTO jobs (job_id, created_time, settings) VALUES (?, ?, ?)",
                (job_id, created, json.dumps(settings)),
            )
        return {"job_id": job_id, "created_time": created, "settings": settings}

    def get_job(self, job_id: int) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return _decoded(row)

    def list_jobs(self) -> list[dict]:
        """Newest first, as Databricks lists them."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM jobs ORDER BY job_id DESC").fetchall()
        return [_decoded(row) for row in rows]

    def replace_job_settings(self, job_id: int, settings: dict) -> bool:
        with self._lock:
            cursor = self._db.execute("UPDATE jobs SET settings = ? WHERE job_id = ?", (json.dumps(settings), job_id))
        return cursor.rowcount == 1

    def delete_job(self, job_id: int) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM jobs WHERE job_id = ?", (job_id,))
        return cursor.rowcount == 1

    # --- Runs -------------------------------------------------------------------------------------

    def trigger_run(
        self,
        job: dict,
        *,
        idempotency_token: str | None,
        parameters: dict,
        initial_fields: Callable[[int], dict],
    ) -> tuple[dict, bool]:
        """(run, created). A known idempotency token returns its run and creates nothing.

        `initial_fields(active_run_count)` decides the new run's first state; it is called under the lock,
        so two run-now calls can never both see room for one more run.
        """
        with self._lock, self._transaction():
            if idempotency_token:
                existing = self._db.execute(
                    "SELECT * FROM runs WHERE idempotency_token = ?", (idempotency_token,)
                ).fetchone()
                if existing is not None:
                    return _decoded(existing), False
            run_id = self._next_id("run")
            task_run_id = self._next_id("run")
            fields = {
                "run_id": run_id,
                "task_run_id": task_run_id,
                "job_id": job["job_id"],
                "idempotency_token": idempotency_token or None,
                "settings": json.dumps(job["settings"]),
                "parameters": json.dumps(parameters),
                "start_time": now_ms(),
                **initial_fields(self._count_active(job["job_id"])),
            }
            columns = ", ".join(fields)
            self._db.execute(
                f"INSERT INTO runs ({columns}) VALUES ({', '.join('?' * len(fields))})", tuple(fields.values())
            )
        return self.get_run(run_id), True

    def get_run(self, run_id: int) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return _decoded(row)

    def get_run_by_task_run_id(self, task_run_id: int) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM runs WHERE task_run_id = ?", (task_run_id,)).fetchone()
        return _decoded(row)

    def list_runs(self, job_id: int | None = None, states: Iterable[str] | None = None) -> list[dict]:
        """Newest first."""
        query, arguments = "SELECT * FROM runs WHERE 1=1", []
        if job_id is not None:
            query += " AND job_id = ?"
            arguments.append(job_id)
        if states is not None:
            states = tuple(states)
            query += f" AND life_cycle_state IN ({', '.join('?' * len(states))})"
            arguments.extend(states)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY run_id DESC", arguments).fetchall()
        return [_decoded(row) for row in rows]

    def update_run(self, run_id: int, *, only_if_state: Iterable[str] | None = None, **fields: Any) -> bool:
        """Set fields; with `only_if_state`, only while the run is still in one of those states."""
        assignments = ", ".join(f"{name} = ?" for name in fields)
        query, arguments = f"UPDATE runs SET {assignments} WHERE run_id = ?", [*fields.values(), run_id]
        if only_if_state is not None:
            states = tuple(only_if_state)
            query += f" AND life_cycle_state IN ({', '.join('?' * len(states))})"
            arguments.extend(states)
        with self._lock:
            return self._db.execute(query, arguments).rowcount == 1

    def count_active(self, job_id: int) -> int:
        with self._lock:
            return self._count_active(job_id)

    # --- Plumbing ---------------------------------------------------------------------------------

    def _count_active(self, job_id: int) -> int:
        placeholders = ", ".join("?" * len(ACTIVE_STATES))
        row = self._db.execute(
            f"SELECT COUNT(*) FROM runs WHERE job_id = ? AND life_cycle_state IN ({placeholders})",
            (job_id, *ACTIVE_STATES),
        ).fetchone()
        return row[0]

    def _next_id(self, name: str) -> int:
        self._db.execute("INSERT OR IGNORE INTO counters (name, value) VALUES (?, 0)", (name,))
        self._db.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (name,))
        return self._db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, traceback) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _decoded(row: sqlite3.Row | None) -> dict | None:
    if row is None:
        return None
    record = dict(row)
    for column in _JSON_COLUMNS:
        if column in record and record[column] is not None:
            record[column] = json.loads(record[column])
    return record
