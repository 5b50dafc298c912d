"""The demo's background processes: started with their output in a log file, stopped in reverse order, always.

Each child gets a process group of its own, so a Ctrl-C in the terminal reaches the demo alone, and the demo stops
the children (and whatever they started) itself, in order.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

STOP_GRACE_SECONDS = 10


class ServiceFailed(RuntimeError):
    """A service exited or never became ready; the message ends with the tail of its log."""


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Service:
    name: str
    argv: list[str]
    log_path: Path
    ready: Callable[[], bool]
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, *, cwd: Path, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            self.check_alive()
            if time.monotonic() > deadline:
                raise self.failure(f"{self.name} was not ready after {timeout:.0f} s")
            time.sleep(0.25)

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise self.failure(f"{self.name} exited with code {self.process.returncode}")

    def failure(self, message: str) -> ServiceFailed:
        return ServiceFailed(f"{message}; the end of {self.log_path}:\n{log_tail(self.log_path)}")

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL after a grace period."""
        if self.process is None or self.process.poll() is not None:
            return
        _signal_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_GRACE_SECONDS)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)  # the child leads its own group (start_new_session)
    except ProcessLookupError:
        pass


class Stack:
    """Services started in order and stopped in reverse, also when a start fails or the user interrupts."""

    def __init__(self, *, cwd: Path, env: dict[str, str]) -> None:
        self._cwd = cwd
        self._env = env
        self._services: list[Service] = []

    def start(self, service: Service, *, ready_timeout: float) -> Service:
        self._services.append(service)
        service.start(cwd=self._cwd, env=self._env)
        service.wait_ready(ready_timeout)
        return service

    def check_alive(self) -> None:
        for service in self._services:
            service.check_alive()

    def stop(self) -> None:
        while self._services:
            self._services.pop().stop()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
