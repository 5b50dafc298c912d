"""Runs each run's notebook for real, in a subprocess on local Spark, and moves runs through their life cycle.

QUEUED -> PENDING -> RUNNING -> (TERMINATING ->) TERMINATED / INTERNAL_ERROR. One supervisor thread starts
runs that have room under their job's `max_concurrent_runs`, polls the subprocesses, and enforces
`timeout_seconds`; `runs/cancel` asks for a stop, which the supervisor completes.

A run's subprocess is `python <notebook>.py` in its own process group (so a kill reaches the Spark JVM it
starts too), in the local mode of `notebooks/dq_profiler/runtime/local_mode.py`: widgets from a JSON file,
`dbfs:/`, `/Volumes/` and the warehouse tables mapped into the data dir, the exit value written to a file.

After a restart, runs that were PENDING, RUNNING or TERMINATING when the emulator died end as INTERNAL_ERROR
(their process, if it survived, is killed): nothing can tell whether such a run got its work done, and
Databricks itself ends a run whose driver vanished that way. QUEUED runs just wait on.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .config import EmulatorConfig
from .lifecycle import CANCELED, FAILED, FORCEABLE, INTERNAL_ERROR, INVALID_CONFIGURATION, SUCCESS, TIMEDOUT, ended
from .notebooks import NotebookUnavailable, resolve_notebook, widget_values
from .store import ACTIVE_STATES, Store, now_ms

logger = logging.getLogger(__name__)

LOG_FILE = "notebook.log"
EXIT_FILE = "exit.json"
WIDGETS_FILE = "widgets.json"
MESSAGE_LIMIT = 1000
TRACE_LIMIT = 16 * 1024
_TAIL_BYTES = 64 * 1024
# Settings of the emulator's own environment that must not leak into a run (credentials, test widgets).
_NOT_INHERITED = ("DATABRICKS_", "DQ_WIDGET", "DQ_LOCAL_", "DQ_NOTEBOOK_")


@dataclass
class _Active:
    process: subprocess.Popen
    deadline: float | None
    kill_sent_at: float | None = None


class RunExecutor:
    def __init__(self, store: Store, config: EmulatorConfig) -> None:
        self._store = store
        self._config = config
        self._lock = threading.RLock()
        self._active: dict[int, _Active] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="emulator-runs", daemon=True)

    def start(self) -> None:
        self.recover()
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        with self._lock:
            for run_id, active in list(self._active.items()):
                _signal_group(active.process.pid, signal.SIGKILL)
                active.process.wait(timeout=10)
                self._end_interrupted(run_id, "The emulator was stopped while the run was active.")
            self._active.clear()

    def recover(self) -> None:
        """End the runs a previous emulator process left active (see the module docstring)."""
        for run in self._store.list_runs(states=ACTIVE_STATES):
            _kill_orphan(run)
            self._end_interrupted(run["run_id"], "The run was interrupted: the emulator stopped while it was active.")

    def cancel(self, run_id: int) -> None:
        """Ask for a run to stop; a run that has not started yet ends CANCELED at once."""
        with self._lock:
            if run_id in self._active:
                self._request_stop(run_id, "CANCELED")
                return
            self._store.update_run(
                run_id, only_if_state=("QUEUED", "PENDING"), **ended(CANCELED, "Run cancelled before it started.")
            )

    def tick(self) -> None:
        """One supervisor pass: promote queued runs, start pending ones, watch running ones."""
        with self._lock:
            self._promote_queued()
            for run in reversed(self._store.list_runs(states=("PENDING",))):
                if run["run_id"] not in self._active:
                    self._launch(run)
            for run_id in list(self._active):
                self._watch(run_id)

    # --- Supervisor -------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.wait(self._config.poll_interval_seconds):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - one bad pass must not stop every later run
                if not self._stopping.is_set():
                    logger.exception("emulator supervisor pass failed")

    def _promote_queued(self) -> None:
        for run in reversed(self._store.list_runs(states=("QUEUED",))):
            limit = int(run["settings"].get("max_concurrent_runs", 1))
            if self._store.count_active(run["job_id"]) < limit:
                self._store.update_run(
                    run["run_id"], only_if_state=("QUEUED",), life_cycle_state="PENDING", state_message=""
                )

    def _launch(self, run: dict) -> None:
        run_id = run["run_id"]
        if run["forced_result"]:
            outcome = FORCEABLE[run["forced_result"]]
            message = f"Run forced to end {run['forced_result']} (emulator fault injection)."
            self._store.update_run(
                run_id, only_if_state=("PENDING",), execution_start_time=now_ms(), **ended(outcome, message)
            )
            return
        try:
            script = resolve_notebook(run["settings"], self._config.repository_root)
            run_dir = self._prepare_run_dir(run)
            process = self._spawn(script, run_dir, drop_callback=bool(run["drop_callback"]))
        except NotebookUnavailable as error:
            self._store.update_run(run_id, only_if_state=("PENDING",), **ended(INVALID_CONFIGURATION, str(error)))
            return
        except OSError as error:
            failure = ended(INTERNAL_ERROR, f"Could not start: {error}")
            self._store.update_run(run_id, only_if_state=("PENDING",), **failure)
            return
        timeout = _timeout_seconds(run["settings"])
        self._active[run_id] = _Active(process, time.monotonic() + timeout if timeout else None)
        self._store.update_run(
            run_id,
            life_cycle_state="RUNNING",
            state_message="",
            execution_start_time=now_ms(),
            pid=process.pid,
            run_dir=str(run_dir),
        )
        logger.info("emulator run %s started: %s (pid %s)", run_id, script.name, process.pid)

    def _watch(self, run_id: int) -> None:
        active = self._active[run_id]
        returncode = active.process.poll()
        if returncode is None:
            if active.kill_sent_at is None and active.deadline is not None and time.monotonic() > active.deadline:
                self._request_stop(run_id, "TIMEDOUT")
            elif active.kill_sent_at is not None:
                if time.monotonic() - active.kill_sent_at > self._config.kill_grace_seconds:
                    _signal_group(active.process.pid, signal.SIGKILL)
            return
        _signal_group(active.process.pid, signal.SIGKILL)  # whatever the notebook left behind (the Spark JVM)
        del self._active[run_id]
        self._store.update_run(run_id, **self._outcome(self._store.get_run(run_id), returncode))
        logger.info("emulator run %s ended with exit code %s", run_id, returncode)

    def _request_stop(self, run_id: int, reason: str) -> None:
        self._store.update_run(run_id, only_if_state=ACTIVE_STATES, life_cycle_state="TERMINATING", stop_reason=reason)
        self._active[run_id].kill_sent_at = time.monotonic()
        _signal_group(self._active[run_id].process.pid, signal.SIGTERM)

    def _outcome(self, run: dict, returncode: int) -> dict:
        stopped = _requested_stop(run)
        if stopped:
            return stopped
        run_dir = Path(run["run_dir"])
        if returncode == 0:
            exit_file = run_dir / EXIT_FILE
            result = exit_file.read_text(encoding="utf-8") if exit_file.exists() else None
            return ended(SUCCESS, "", notebook_result=result)
        error, trace = failure_text(run_dir / LOG_FILE, returncode)
        return ended(FAILED, error[:MESSAGE_LIMIT], error=error, error_trace=trace)

    def _end_interrupted(self, run_id: int, message: str) -> None:
        fields = _requested_stop(self._store.get_run(run_id)) or ended(INTERNAL_ERROR, message)
        self._store.update_run(run_id, only_if_state=ACTIVE_STATES, **fields)

    # --- One run's files and process ----------------------------------------------------------------

    def _prepare_run_dir(self, run: dict) -> Path:
        run_dir = self._config.runs_root / str(run["run_id"])
        run_dir.mkdir(parents=True, exist_ok=True)
        widgets = widget_values(run["settings"], run["parameters"])
        # The widgets hold the run's callback token: readable by this user only.
        descriptor = os.open(run_dir / WIDGETS_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(widgets, handle)
        (run_dir / EXIT_FILE).unlink(missing_ok=True)
        return run_dir

    def _spawn(self, script: Path, run_dir: Path, *, drop_callback: bool) -> subprocess.Popen:
        config = self._config
        environ = {name: value for name, value in os.environ.items() if not name.startswith(_NOT_INHERITED)}
        environ.update(
            {
                "PYTHONUNBUFFERED": "1",
                "DQ_WIDGETS_FILE": str(run_dir / WIDGETS_FILE),
                "DQ_NOTEBOOK_EXIT_FILE": str(run_dir / EXIT_FILE),
                "DQ_LOCAL_DBFS_ROOT": str(config.dbfs_root),
                "DQ_LOCAL_VOLUMES_ROOT": str(config.volumes_root),
                "DQ_LOCAL_WAREHOUSE_ROOT": str(config.warehouse_root),
                "DQ_LOCAL_RESULTS_ROOT": str(config.lakehouse_root),
            }
        )
        if drop_callback:
            environ["DQ_LOCAL_DROP_CALLBACK"] = "1"
        with open(run_dir / LOG_FILE, "ab") as log:
            return subprocess.Popen(
                [config.python, str(script)],
                cwd=str(script.parent),
                env=environ,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so a kill reaches the Spark JVM as well
            )


def _requested_stop(run: dict) -> dict | None:
    """How a run ends that was asked to stop (cancel or timeout), whatever its process did meanwhile."""
    if run["stop_reason"] == "CANCELED":
        return ended(CANCELED, "Run cancelled by the user.")
    if run["stop_reason"] == "TIMEDOUT":
        return ended(TIMEDOUT, f"Run timed out after {_timeout_seconds(run['settings'])} seconds.")
    return None


def _timeout_seconds(settings: dict) -> int:
    """The job's `timeout_seconds`, or its task's when that is shorter; 0 means none."""
    tasks = settings.get("tasks") or [{}]
    values = (settings.get("timeout_seconds"), tasks[0].get("timeout_seconds"))
    positive = [int(value) for value in values if value and int(value) > 0]
    return min(positive) if positive else 0


def log_tail(path: Path, limit: int = _TAIL_BYTES) -> str:
    if not path.exists():
        return ""
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - limit))
        return handle.read().decode("utf-8", "replace")


def failure_text(log_path: Path, returncode: int) -> tuple[str, str]:
    """(error, error_trace) of a failed notebook: its last Python exception, else the log's last line."""
    lines = log_tail(log_path).splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if starts:
        trace = lines[starts[-1]:]
        for offset, line in enumerate(trace[1:], start=1):
            if line.strip() and not line[0].isspace():
                return line.strip(), "\n".join(trace[: offset + 1])[-TRACE_LIMIT:]
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return last or f"The notebook exited with code {returncode}.", ""


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_orphan(run: dict) -> None:
    """Kill a run's process group left by an emulator that died, if that process is still this run's."""
    if not run["pid"] or not run["run_dir"]:
        return
    try:
        environ = Path(f"/proc/{run['pid']}/environ").read_bytes()
    except OSError:
        return
    if f"DQ_NOTEBOOK_EXIT_FILE={Path(run['run_dir']) / EXIT_FILE}".encode() in environ:
        _signal_group(run["pid"], signal.SIGKILL)
