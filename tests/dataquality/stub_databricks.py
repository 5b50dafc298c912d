"""A tiny Databricks API on 127.0.0.1 for tests that run code in another process (a Celery worker),
where `responses` cannot reach."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class StubDatabricks:
    def __init__(self, run_state: dict, payload: dict):
        self.run_state = run_state
        self.payload = json.dumps(payload).encode()
        self.requests: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                stub.requests.append(url.path)
                if url.path == "/api/2.2/jobs/runs/get":
                    self._json(stub.run_state)
                elif url.path == "/api/2.0/dbfs/read":
                    offset = int(parse_qs(url.query)["offset"][0])
                    chunk = stub.payload[offset:]
                    self._json({"bytes_read": len(chunk), "data": base64.b64encode(chunk).decode()})
                else:
                    self._json({"error_code": "ENDPOINT_NOT_FOUND", "message": url.path}, status=404)

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
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "StubDatabricks":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
