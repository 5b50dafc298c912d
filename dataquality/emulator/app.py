"""Routing and authentication: one request in, one `Response` out, with no HTTP plumbing."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .catalog_api import TABLES_PATH, CatalogApi
from .errors import ApiError, endpoint_not_found, invalid_parameter, malformed_request
from .executor import LOG_FILE, log_tail
from .faults import FaultInjector
from .files_api import FILES_PREFIX, FilesApi
from .jobs_api import JobsApi
from .params import ApiRequest
from .run_page import render_index, render_run_page
from .shapes import CREATOR
from .store import Store

_JOBS_PATH = re.compile(r"^/api/(2\.1|2\.2)/jobs/(.+?)/?$")
_RUN_PAGE = re.compile(r"^/jobs/(\d+)/runs/(\d+)/?$")
_HOST_HEADER = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
DBFS_READ = "/api/2.0/dbfs/read"
# Who the token acts as: one user owns every job here, as `creator_user_name` says.
SCIM_ME = "/api/2.0/preview/scim/v2/Me"
FAULTS_PATH = "/emulator/faults"
INDEX_RUNS = 100


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, document: object, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return cls(status, json.dumps(document).encode(), {"Content-Type": "application/json", **(headers or {})})

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode(), {"Content-Type": "text/html; charset=utf-8"})

    @classmethod
    def error(cls, error: ApiError) -> Response:
        return cls.json(error.body(), error.status, error.headers)


class EmulatorApp:
    def __init__(
        self, *, token: str, store: Store, jobs: JobsApi, files: FilesApi, faults: FaultInjector, server_url,
        catalog: CatalogApi,
    ) -> None:
        self._token = token.encode()
        self._store = store
        self._jobs_routes = jobs.routes()
        self._files = files
        self._catalog = catalog
        self._faults = faults
        self._server_url = server_url

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        parts = urlsplit(target)
        query = {name: values[-1] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
        request = ApiRequest(
            method=method, path=parts.path, query=query, headers=headers, base_url=self._base_url(headers)
        )
        try:
            return self._route(request, body)
        except ApiError as error:
            return Response.error(error)

    def _route(self, request: ApiRequest, body: bytes) -> Response:
        path = request.path
        if path == "/healthz":
            return Response.json({"status": "ok"})
        if request.method == "GET" and path == "/":
            return Response.html(render_index(self._store.list_runs()[:INDEX_RUNS]))
        if request.method == "GET" and _RUN_PAGE.match(path):
            return self._run_page(*map(int, _RUN_PAGE.match(path).groups()))
        if path == FAULTS_PATH:
            self._authenticate(request.headers)
            return self._fault_settings(request, body)
        if not path.startswith("/api/"):
            raise endpoint_not_found(request.method, path)
        self._authenticate(request.headers)
        refusal = self._faults.before_request(path)
        if refusal is not None:
            raise refusal
        return self._api(request, body)

    def _api(self, request: ApiRequest, body: bytes) -> Response:
        path, method = request.path, request.method
        match = _JOBS_PATH.match(path)
        if match:
            handler = self._jobs_routes.get((method, match.group(2)))
            if handler is None:
                raise endpoint_not_found(method, path)
            return Response.json(handler(_with_body(request, body, version=match.group(1))))
        if path == SCIM_ME and method == "GET":
            return Response.json({"id": "1", "userName": CREATOR, "displayName": CREATOR, "active": True})
        if path.rstrip("/") == TABLES_PATH and method == "GET":
            return Response.json(self._catalog.list_tables(request))
        if path == DBFS_READ and method == "GET":
            return Response.json(self._files.dbfs_read(request))
        if path.startswith(FILES_PREFIX + "/") and method in ("GET", "HEAD"):
            raw = self._files.download(request)
            return Response(raw.status, raw.body, raw.headers)
        raise endpoint_not_found(method, path)

    def _base_url(self, headers: Mapping[str, str]) -> str:
        """The address the client used (its Host header), so that links work behind any name or port mapping."""
        host = (headers.get("Host") or "").strip()
        return f"http://{host}" if _HOST_HEADER.match(host) else self._server_url()

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        """401 without a bearer credential; 403 "Invalid access token." for a wrong one, as Databricks answers
        (its `error_code` there is the number 403, not a string)."""
        scheme, _, credential = (headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise ApiError(401, "UNAUTHENTICATED", "Credential was not sent or was of an unsupported type for this API.")
        if not hmac.compare_digest(credential.strip().encode(), self._token):
            raise ApiError(403, 403, "Invalid access token.")

    def _run_page(self, job_id: int, run_id: int) -> Response:
        run = self._store.get_run(run_id)
        if run is None or run["job_id"] != job_id:
            return Response.html("<!doctype html><title>Not found</title><h1>No such run</h1>", 404)
        log = log_tail(Path(run["run_dir"]) / LOG_FILE) if run["run_dir"] else ""
        return Response.html(render_run_page(run, str(run["settings"].get("name", "")), log))

    def _fault_settings(self, request: ApiRequest, body: bytes) -> Response:
        if request.method == "POST":
            try:
                self._faults.update(_json_body(body))
            except ValueError as error:
                raise invalid_parameter(str(error)) from None
        elif request.method != "GET":
            raise endpoint_not_found(request.method, request.path)
        return Response.json(self._faults.as_dict())


def _json_body(body: bytes) -> dict:
    if not body.strip():
        return {}
    try:
        document = json.loads(body)
    except ValueError as error:
        raise malformed_request(f"Could not parse request object: {error}") from None
    if not isinstance(document, dict):
        raise malformed_request("Could not parse request object: expected a JSON object.")
    return document


def _with_body(request: ApiRequest, body: bytes, *, version: str) -> ApiRequest:
    parsed = _json_body(body) if request.method not in ("GET", "HEAD") else {}
    return replace(request, version=version, body=parsed)
