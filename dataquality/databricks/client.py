"""The Databricks client: Jobs API 2.2, DBFS read and the Files API, and nothing else.

Every Databricks call of the app goes through `DatabricksClient`; build one with
`dataquality.services.access.workspaces.get_client`.
"""

from __future__ import annotations

import base64
import logging
import random as random_module
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from .auth import Credentials, OAuthMachineToMachine, PersonalAccessToken
from .errors import DatabricksAuthError, DatabricksError, DatabricksPermanentError, DatabricksTransientError
from .hosts import base_url
from .transport import Transport

# Not "dataquality.databricks" itself: that logger has exactly one line per HTTP request.
logger = logging.getLogger(__name__)

JOBS = "/api/2.2/jobs"
DBFS_READ = "/api/2.0/dbfs/read"
SCIM_ME = "/api/2.0/preview/scim/v2/Me"
FILES = "/api/2.0/fs/files"
UC_TABLES = "/api/2.1/unity-catalog/tables"
DBFS_READ_CHUNK = 1024 * 1024  # the most DBFS read returns per call
JOBS_PAGE_SIZE = 100  # the most jobs/list returns per page


class DatabricksClient:
    """One workspace, one set of credentials.

    Pass `token` (PAT) or `client_id` + `client_secret` (OAuth M2M). `sleep`, `monotonic` and `random`
    are injectable so that retries and token expiry can be tested without waiting. `pace`, called before every
    HTTP attempt, is how the app shares one rate limit per workspace between its processes (it may raise
    `DatabricksRateLimited`); the client itself keeps no state about other callers.
    """

    def __init__(
        self,
        host: str,
        *,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        timeout: float = 30.0,
        retry_max_seconds: float = 60.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random_module.random,
        pace: Callable[[], None] | None = None,
    ) -> None:
        self._transport = Transport(
            base_url(host),
            timeout=timeout,
            retry_max_seconds=retry_max_seconds,
            session=session,
            sleep=sleep,
            monotonic=monotonic,
            random=random,
            pace=pace,
        )
        self._credentials = _credentials(self._transport, token, client_id, client_secret, monotonic)

    @property
    def host(self) -> str:
        """The workspace base URL, `https://host` (no trailing slash)."""
        return self._transport.base_url

    # --- Jobs -------------------------------------------------------------------------------------

    def create_job(self, settings: Mapping[str, Any]) -> str:
        """Create a job and return its id.

        Never repeated blindly: after an answer that leaves it open whether the job was created
        (connection error, timeout, 5xx), a job of the same name *and* tags is adopted if there is one;
        otherwise the original error is raised.
        """
        try:
            answer = self._call("POST", f"{JOBS}/create", json=dict(settings))
        except DatabricksTransientError:
            existing = self._find_after_ambiguous_create(settings)
            if existing is None:
                raise
            logger.warning(
                "databricks jobs/create outcome unknown; adopted job %s named %r", existing, settings["name"]
            )
            return existing
        return str(_required(answer, "job_id", f"POST {JOBS}/create"))

    def get_job(self, job_id: str | int) -> dict:
        return self._call("GET", f"{JOBS}/get", params={"job_id": job_id}, retry=True)

    def list_jobs(self, name: str | None = None) -> list[dict]:
        """All jobs (with an exact, case-insensitive name filter when given), every page."""
        params: dict[str, Any] = {"limit": JOBS_PAGE_SIZE}
        if name is not None:
            params["name"] = name
        jobs: list[dict] = []
        while True:
            answer = self._call("GET", f"{JOBS}/list", params=params, retry=True)
            jobs.extend(answer.get("jobs", []))
            page_token = answer.get("next_page_token")
            if not page_token or answer.get("has_more") is False:
                return jobs
            params["page_token"] = page_token

    def find_job_by_name(self, name: str, tags: Mapping[str, str] | None = None) -> str | None:
        """The id of the newest job named exactly `name` that carries all of `tags` and that this client's own
        identity created, or None.

        Only our own jobs are adopted: anyone who may create jobs could pre-create one with our name and tags,
        keep view rights on it as its owner, and so read the callback tokens that travel as run parameters.
        """
        wanted = dict(tags or {})
        matches = [
            job
            for job in self.list_jobs(name=name)
            if job.get("settings", {}).get("name") == name
            and wanted.items() <= (job.get("settings", {}).get("tags") or {}).items()
        ]
        if not matches:
            return None
        me = self.current_user_name()
        ours = [job for job in matches if job.get("creator_user_name") == me]
        if len(ours) < len(matches):
            logger.warning(
                "databricks job(s) %s named %r were created by someone else; not adopting them",
                sorted(job["job_id"] for job in matches if job not in ours), name,
            )
        if not ours:
            return None
        newest = max(ours, key=lambda job: job.get("created_time", 0))
        return str(newest["job_id"])

    def current_user_name(self) -> str:
        """The user (or service principal application id) these credentials act as: what Databricks writes
        as a job's `creator_user_name`."""
        return str(_required(self._call("GET", SCIM_ME, retry=True), "userName", f"GET {SCIM_ME}"))

    def reset_job(self, job_id: str | int, settings: Mapping[str, Any]) -> None:
        self._call("POST", f"{JOBS}/reset", json={"job_id": int(job_id), "new_settings": dict(settings)})

    def update_job(
        self, job_id: str | int, new_settings: Mapping[str, Any], fields_to_remove: list[str] | None = None
    ) -> None:
        body: dict[str, Any] = {"job_id": int(job_id), "new_settings": dict(new_settings)}
        if fields_to_remove:
            body["fields_to_remove"] = list(fields_to_remove)
        self._call("POST", f"{JOBS}/update", json=body)

    def delete_job(self, job_id: str | int) -> None:
        self._call("POST", f"{JOBS}/delete", json={"job_id": int(job_id)})

    # --- Runs -------------------------------------------------------------------------------------

    def run_now(
        self, job_id: str | int, job_parameters: Mapping[str, Any], idempotency_token: str | None = None
    ) -> dict:
        """Start a run; the answer has `run_id` and `number_in_job`.

        Retried only with an `idempotency_token`, with which Databricks starts at most one run.
        """
        body: dict[str, Any] = {"job_id": int(job_id), "job_parameters": dict(job_parameters)}
        if idempotency_token:
            body["idempotency_token"] = idempotency_token
        answer = self._call("POST", f"{JOBS}/run-now", json=body, retry=bool(idempotency_token))
        _required(answer, "run_id", f"POST {JOBS}/run-now")
        return answer

    def get_run(self, run_id: str | int) -> dict:
        return self._call("GET", f"{JOBS}/runs/get", params={"run_id": run_id}, retry=True)

    def list_runs(self, job_id: str | int, active_only: bool = False, limit: int = 25) -> list[dict]:
        """The newest `limit` runs of a job (one page)."""
        params = {"job_id": job_id, "active_only": str(active_only).lower(), "limit": limit}
        return self._call("GET", f"{JOBS}/runs/list", params=params, retry=True).get("runs", [])

    def cancel_run(self, run_id: str | int) -> None:
        # Canceling twice is the same as once, so this one may be retried.
        self._call("POST", f"{JOBS}/runs/cancel", json={"run_id": int(run_id)}, retry=True)

    def get_run_output(self, run_id: str | int) -> dict:
        return self._call("GET", f"{JOBS}/runs/get-output", params={"run_id": run_id}, retry=True)

    # --- Files ------------------------------------------------------------------------------------

    def read_payload(self, path: str) -> bytes:
        """The bytes of a `dbfs:/…` or `/Volumes/…` file (`dbfs:/Volumes/…` is a volume too)."""
        if path.startswith("dbfs:/Volumes/"):
            return self.read_volume_file(path.removeprefix("dbfs:"))
        if path.startswith("/Volumes/"):
            return self.read_volume_file(path)
        if path.startswith("dbfs:/"):
            return self.read_dbfs(path)
        raise DatabricksPermanentError(
            f"Cannot read {path!r}: a payload path must start with 'dbfs:/' or '/Volumes/'.",
            error_code="INVALID_PAYLOAD_PATH",
        )

    def read_dbfs(self, path: str) -> bytes:
        """A whole DBFS file, read 1 MB at a time. Takes `dbfs:/x` or `/x`."""
        dbfs_path = _checked_path(path.removeprefix("dbfs:"))
        chunks: list[bytes] = []
        offset = 0
        while True:
            params = {"path": dbfs_path, "offset": offset, "length": DBFS_READ_CHUNK}
            answer = self._call("GET", DBFS_READ, params=params, retry=True)
            bytes_read = int(answer.get("bytes_read") or 0)
            if bytes_read:
                chunks.append(base64.b64decode(answer.get("data", "")))
                offset += bytes_read
            if bytes_read < DBFS_READ_CHUNK:
                return b"".join(chunks)

    def read_volume_file(self, path: str) -> bytes:
        """A whole Unity Catalog volume file (`/Volumes/catalog/schema/volume/…`) via the Files API."""
        if not path.startswith("/Volumes/"):
            raise DatabricksPermanentError(f"Not a volume path: {path!r}.", error_code="INVALID_PAYLOAD_PATH")
        return self._call("GET", f"{FILES}{quote(_checked_path(path))}", retry=True, raw=True)

    # --- Unity Catalog ----------------------------------------------------------------------------

    def list_table_names(self, catalog: str, schema: str) -> list[str]:
        """The names of a schema's tables and views, every page. One attempt per page, no retries: it serves a
        quick check, whose caller goes on without it when the workspace does not answer.
        A missing catalog or schema raises `DatabricksNotFound`."""
        params: dict[str, Any] = {"catalog_name": catalog, "schema_name": schema}
        names: list[str] = []
        while True:
            answer = self._call("GET", UC_TABLES, params=params)
            names.extend(str(table["name"]) for table in answer.get("tables") or [] if table.get("name"))
            if not answer.get("next_page_token"):
                return names
            params["page_token"] = answer["next_page_token"]

    # --- Plumbing ---------------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": self._credentials.authorization()}
        try:
            return self._transport.request(method, path, headers=headers, **kwargs)
        except DatabricksAuthError as error:
            if error.status == 401:
                self._credentials.invalidate()  # an OAuth token revoked early: fetch a new one next time
            raise

    def _find_after_ambiguous_create(self, settings: Mapping[str, Any]) -> str | None:
        """The job an ambiguous jobs/create may have made; None when unknown (the caller re-raises)."""
        if not settings.get("name"):
            return None
        try:
            return self.find_job_by_name(settings["name"], settings.get("tags"))
        except DatabricksError as lookup_error:
            logger.warning("databricks could not look for the job after an ambiguous create: %s", lookup_error)
            return None


def _credentials(
    transport: Transport,
    token: str | None,
    client_id: str | None,
    client_secret: str | None,
    monotonic: Callable[[], float],
) -> Credentials:
    if token:
        return PersonalAccessToken(token)
    if client_id and client_secret:
        return OAuthMachineToMachine(transport, client_id, client_secret, monotonic=monotonic)
    raise ValueError("DatabricksClient needs a token, or a client_id and client_secret.")


def _required(answer: Any, key: str, request: str) -> Any:
    """`answer[key]`, or a typed error: a 2xx answer without it is as good as a refusal."""
    if not isinstance(answer, dict) or answer.get(key) is None:
        raise DatabricksPermanentError(f"Databricks answered without a {key}.", request=request)
    return answer[key]


def _checked_path(path: str) -> str:
    """An absolute path without `..` segments, so a stored payload path cannot wander elsewhere."""
    if not path.startswith("/") or ".." in path.split("/"):
        raise DatabricksPermanentError(f"Invalid file path {path!r}.", error_code="INVALID_PAYLOAD_PATH")
    return path
