"""The HTTP server: a ThreadingHTTPServer on 127.0.0.1 around `EmulatorApp`, plus the run supervisor."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .app import EmulatorApp, Response
from .catalog_api import CatalogApi
from .config import EmulatorConfig
from .errors import ApiError
from .executor import RunExecutor
from .faults import FaultInjector
from .files_api import FilesApi
from .jobs_api import JobsApi
from .store import Store

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024


class EmulatorServer:
    """`start()` serves in a background thread (tests); `serve_forever()` blocks (the management command)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.store = Store(config.database_path)
        self.faults = FaultInjector(config.faults)
        self.executor = RunExecutor(self.store, config)
        self._httpd = ThreadingHTTPServer((config.host, config.port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.app = EmulatorApp(
            token=config.token,
            store=self.store,
            jobs=JobsApi(self.store, self.executor, self.faults),
            files=FilesApi(config),
            catalog=CatalogApi(config.warehouse_root),
            faults=self.faults,
            server_url=lambda: self.url,
        )
        self._thread: threading.Thread | None = None
        self.stopped = False

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> EmulatorServer:
        self.executor.start()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="emulator-http", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.executor.start()
        try:
            self._httpd.serve_forever()
        finally:
            self._close()

    def stop(self) -> None:
        """Stop a server started with `start()`; for `serve_forever()`, interrupt it instead."""
        if self.stopped:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=10)
        self._close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _close(self) -> None:
        self.stopped = True
        self._httpd.server_close()
        self.executor.stop()
        self.store.close()


class _Handler(BaseHTTPRequestHandler):
    server_version = "DatabricksEmulator/1.0"
    protocol_version = "HTTP/1.1"

    def _dispatch(self) -> None:
        started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            response = Response.error(ApiError(413, "REQUEST_LIMIT_EXCEEDED", "The request body is too large."))
            self.close_connection = True
        else:
            body = self.rfile.read(length) if length else b""
            try:
                response = self.server.app.handle(self.command, self.path, self.headers, body)
            except Exception:  # noqa: BLE001 - answer like Databricks would, and keep serving
                logger.exception("emulator failed on %s %s", self.command, self.path.split("?")[0])
                response = Response.error(ApiError(500, "INTERNAL_ERROR", "The emulator failed; see its log."))
        self.send_response(response.status)
        headers = {"Content-Length": str(len(response.body)), **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        # The path only: query strings can name files, and nothing here logs bodies or headers.
        logger.info(
            "emulator %s %s -> %s in %d ms",
            self.command, self.path.split("?")[0], response.status, (time.monotonic() - started) * 1000,
        )

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch

    def log_message(self, format: str, *args: object) -> None:  # the one line above replaces the default log
        pass
