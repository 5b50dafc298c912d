"""A tiny Databricks API on 127.0.0.1 for tests that run code in another process (a Celery worker or beat),
where `responses` cannot reach. It answers runs/get and DBFS reads with what it was given, and keeps jobs:
jobs/list, jobs/create, jobs/reset and jobs/run-now (one run per idempotency token, as Databricks does)."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

JOBS = "/api/2.2/jobs"
# Who the stub says the token acts as; it created every job it lists.
STUB_IDENTITY = "stub-app@example.com"


class StubDatabricks:
    """`run_state` is the runs/get answer for every run, or `run_states(run_id)` gives one per run; every answer
    takes `latency` seconds, many at once (the sweep benchmark's slow workspace)."""

    def __init__(
        self,
        run_state: dict | None = None,
        payload: dict | None = None,
        *,
        run_states: Callable[[str], dict] | None = None,
        latency: float = 0.0,
    ):
        self.run_state = run_state or {"state": {"life_cycle_state": "RUNNING"}}
        self.run_states = run_states or (lambda run_id: self.run_state)
        self.payload = json.dumps(payload or {}).encode()
        self.requests: list[str] = []
        self.jobs: dict[int, dict] = {}  # job id -> settings
        self.runs: dict[str, int] = {}  # idempotency token -> run id
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Databricks does
            # Headers and body go out as two writes: without this, Nagle's algorithm holds the body back until
            # the client's delayed ACK (40 ms on Linux) on a kept-alive connection.
            disable_nagle_algorithm = True

            def do_GET(self):
                url = urlsplit(self.path)
                stub.requests.append(url.path)
                time.sleep(latency)
                if url.path == f"{JOBS}/runs/get":
                    self._json(stub.run_states(parse_qs(url.query)["run_id"][0]))
                elif url.path == f"{JOBS}/list":
                    self._json({"jobs": stub.listed_jobs(parse_qs(url.query).get("name", [None])[0]), "has_more": False})
                elif url.path == "/api/2.0/preview/scim/v2/Me":
                    self._json({"userName": STUB_IDENTITY})
                elif url.path == "/api/2.0/dbfs/read":
                    offset = int(parse_qs(url.query)["offset"][0])
                    chunk = stub.payload[offset:]
                    self._json({"bytes_read": len(chunk), "data": base64.b64encode(chunk).decode()})
                else:
                    self._not_found(url.path)

            def do_POST(self):
                url = urlsplit(self.path)
                stub.requests.append(url.path)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                time.sleep(latency)
                answer = stub.post(url.path, body)
                if answer is None:
                    self._not_found(url.path)
                else:
                    self._json(answer)

            def _not_found(self, path: str):
                self._json({"error_code": "ENDPOINT_NOT_FOUND", "message": path}, status=404)

            def _json(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def listed_jobs(self, name: str | None) -> list[dict]:
        return [
            {"job_id": job_id, "creator_user_name": STUB_IDENTITY, "settings": settings}
            for job_id, settings in self.jobs.items()
            if name is None or settings.get("name", "").lower() == name.lower()
        ]

    def post(self, path: str, body: dict) -> dict | None:
        with self.lock:
            if path == f"{JOBS}/create":
                job_id = 500 + len(self.jobs) + 1
                self.jobs[job_id] = body
                return {"job_id": job_id}
            if path == f"{JOBS}/reset":
                self.jobs[int(body["job_id"])] = body["new_settings"]
                return {}
            if path == f"{JOBS}/run-now":
                token = body.get("idempotency_token") or f"untokened-{len(self.runs)}"
                run_id = self.runs.setdefault(token, 7000 + len(self.runs) + 1)
                return {"run_id": run_id, "number_in_job": run_id}
        return None

    def __enter__(self) -> "StubDatabricks":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
