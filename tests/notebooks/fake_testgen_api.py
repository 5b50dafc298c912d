"""A local stand-in for the two `testgen` endpoints the notebook calls, on a real socket (127.0.0.1, free port)."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b"{}"
    headers: tuple[tuple[str, str], ...] = ()


class FakeTestgenApi:
    """Serves `GET …/manifest` and `POST …/complete` for one run; scripted answers first, then the defaults.

    Defaults: the manifest (200, or 404 when none is set) and 200 for the callback.
    """

    def __init__(self, profile_run_id: str, manifest: dict[str, Any] | None = None) -> None:
        self.profile_run_id = profile_run_id
        self.manifest = manifest
        self.manifest_answers: deque[Answer] = deque()
        self.callback_answers: deque[Answer] = deque()
        self.requests: list[RecordedRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def callback_url(self) -> str:
        return f"{self.base_url}/data-quality/testgen/profile-runs/{self.profile_run_id}/complete"

    def callbacks(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.method == "POST"]

    def manifest_requests(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.method == "GET"]

    def __enter__(self) -> FakeTestgenApi:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, method: str, path: str) -> Answer:
        run_path = f"/data-quality/testgen/profile-runs/{self.profile_run_id}"
        if method == "GET" and path == f"{run_path}/manifest":
            if self.manifest_answers:
                return self.manifest_answers.popleft()
            if self.manifest is None:
                return Answer(404, b'{"detail": "Not found."}')
            return Answer(200, json.dumps(self.manifest).encode())
        if method == "POST" and path == f"{run_path}/complete":
            return self.callback_answers.popleft() if self.callback_answers else Answer(200, b'{"status": "completed"}')
        return Answer(404, b'{"detail": "Not found."}')

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                api.requests.append(RecordedRequest(self.command, self.path, dict(self.headers.items()), body))
                answer = api._answer(self.command, self.path)
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = _respond

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        return Handler
