"""A fake Databricks workspace at the HTTP boundary (`responses`), for service and API tests."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, quote, urlsplit

import responses
from responses import matchers

HOST = "https://adb-1234.5.azuredatabricks.net"
JOBS = f"{HOST}/api/2.2/jobs"
DBFS_READ = f"{HOST}/api/2.0/dbfs/read"
FILES = f"{HOST}/api/2.0/fs/files"
SCIM_ME = f"{HOST}/api/2.0/preview/scim/v2/Me"
# The identity the app's credentials act as in this workspace.
APP_IDENTITY = "conversioncentral-app@example.com"


class FakeWorkspace:
    """Registers Jobs API answers and records what was sent."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.next_job_id = 100
        self.next_run_id = 9000
        self.dbfs_files: dict[str, bytes] = {}
        self._serving_dbfs = False

    def calls_to(self, path: str) -> list:
        return [call for call in self.mock.calls if call.request.url.split("?")[0] == f"{JOBS}/{path}"]

    def bodies(self, path: str) -> list[dict]:
        return [json.loads(call.request.body) for call in self.calls_to(path)]

    def no_existing_jobs(self) -> None:
        self.mock.get(f"{JOBS}/list", json={"jobs": [], "has_more": False})

    def existing_job(self, job_id: int, settings: dict, creator: str = APP_IDENTITY) -> None:
        job = {"job_id": job_id, "creator_user_name": creator, "settings": settings}
        self.mock.get(f"{JOBS}/list", json={"jobs": [job], "has_more": False})
        self.mock.get(SCIM_ME, json={"userName": APP_IDENTITY})

    def accepts_create(self) -> None:
        def create(request):
            self.next_job_id += 1
            return 200, {}, json.dumps({"job_id": self.next_job_id})

        self.mock.add_callback(responses.POST, f"{JOBS}/create", callback=create)

    def accepts_run_now(self) -> None:
        def run_now(request):
            self.next_run_id += 1
            return 200, {}, json.dumps({"run_id": self.next_run_id, "number_in_job": 1})

        self.mock.add_callback(responses.POST, f"{JOBS}/run-now", callback=run_now)

    def accepts(self, path: str, answer: dict | None = None) -> None:
        self.mock.post(f"{JOBS}/{path}", json=answer or {})

    def refuses(self, path: str, status: int, error_code: str, message: str) -> None:
        self.mock.post(f"{JOBS}/{path}", status=status, json={"error_code": error_code, "message": message})

    def ready(self) -> "FakeWorkspace":
        """The happy path: no job yet, create and run-now accepted."""
        self.no_existing_jobs()
        self.accepts_create()
        self.accepts_run_now()
        return self

    # --- runs and payload files (the monitor's side) ---------------------------------------------

    def run_state(self, run_id, life_cycle: str, result: str | None = None, message: str = "") -> None:
        """`jobs/runs/get` for `run_id` answers this state (older `state` object)."""
        state = {"life_cycle_state": life_cycle, "state_message": message}
        if result:
            state["result_state"] = result
        self.mock.get(
            f"{JOBS}/runs/get",
            json={"run_id": int(run_id), "state": state},
            match=[matchers.query_param_matcher({"run_id": str(run_id)})],
        )

    def run_get_fails(self, run_id, **answer) -> None:
        """`jobs/runs/get` for `run_id` answers with an error: `status=`/`json=`, or `body=` an exception."""
        self.mock.get(f"{JOBS}/runs/get", match=[matchers.query_param_matcher({"run_id": str(run_id)})], **answer)

    def unknown_run(self, run_id) -> None:
        self.run_get_fails(
            run_id, status=400, json={"error_code": "INVALID_PARAMETER_VALUE", "message": f"Run {run_id} does not exist."}
        )

    def dbfs_file(self, path: str, content: bytes) -> None:
        """A DBFS file (`dbfs:/...`), served in the chunks the client asks for."""
        self.serves_dbfs()
        self.dbfs_files[path.removeprefix("dbfs:")] = content

    def serves_dbfs(self) -> None:
        """DBFS reads are answered: the files given to `dbfs_file`, and 404 for any other path."""
        if not self._serving_dbfs:
            self.mock.add_callback(responses.GET, DBFS_READ, callback=self._read_dbfs)
            self._serving_dbfs = True

    def _read_dbfs(self, request):
        query = {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}
        content = self.dbfs_files.get(query["path"])
        if content is None:
            return 404, {}, json.dumps({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No such file."})
        offset, length = int(query["offset"]), int(query["length"])
        chunk = content[offset:offset + length]
        return 200, {}, json.dumps({"bytes_read": len(chunk), "data": base64.b64encode(chunk).decode()})

    def volume_file(self, path: str, content: bytes) -> None:
        self.mock.get(f"{FILES}{quote(path)}", body=content)

    def missing_volume_file(self, path: str) -> None:
        missing = {"error_code": "NOT_FOUND", "message": f"No file or directory exists on path {path}."}
        self.mock.get(f"{FILES}{quote(path)}", status=404, json=missing)

    def file_reads(self) -> list:
        return [call for call in self.mock.calls if call.request.url.startswith((DBFS_READ, FILES))]

    def writes(self) -> list:
        """Every request that could change something in the workspace."""
        return [call for call in self.mock.calls if call.request.method != "GET"]
