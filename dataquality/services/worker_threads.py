"""A few threads that work through items as they are submitted, each in its own database connection: the sweep
and the launcher use them so that one slow Databricks answer does not hold up the others."""

from __future__ import annotations

import queue
import threading

from django.db import connections

_DONE = object()


class WorkerThreads:
    """Threads that work on items as they come, so the caller can fetch the next batch while this one is still
    being worked on. Each thread keeps its own database connection and closes it at the end. With one thread,
    the calling thread does the work itself (in its own connection and transaction)."""

    def __init__(self, threads: int, work, name: str = "worker"):
        self._work = work
        self._results: list = []
        self._queue: queue.Queue = queue.Queue(maxsize=2 * threads)
        self._threads = [
            threading.Thread(target=self._run, name=f"{name}-{number}", daemon=True)
            for number in range(threads if threads > 1 else 0)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, item) -> None:
        if self._threads:
            self._queue.put(item)  # blocks while every thread is busy: items never run far ahead
        else:
            self._results.append(self._work(item))

    def finish(self) -> list:
        """Wait for every submitted item; the results of the work, in the order it ended."""
        for _ in self._threads:
            self._queue.put(_DONE)
        for thread in self._threads:
            thread.join()
        return self._results

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not _DONE:
                self._results.append(self._work(item))
        finally:
            connections.close_all()  # this thread's own connections
