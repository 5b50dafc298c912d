"""The demo's REST client: it sets up and starts a run the way any API consumer would, with a DRF token."""

from __future__ import annotations

from collections.abc import Iterator

import requests

DATASET_NAME = "Demo shop"
TABLE_GROUP_NAME = "shop tables"
REQUEST_TIMEOUT_SECONDS = 60


class ApiError(RuntimeError):
    """The API answered something the demo did not expect."""


class DemoApi:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Token {token}"

    def _call(self, method: str, path: str, *, expect: tuple[int, ...] = (200,), **kwargs) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        response = self._session.request(method, url, timeout=REQUEST_TIMEOUT_SECONDS, **kwargs)
        if response.status_code not in expect:
            raise ApiError(f"{method} {path} answered {response.status_code}: {response.text[:500]}")
        return response

    def _pages(self, path: str, params: dict | None = None) -> Iterator[dict]:
        url: str | None = path
        while url:
            page = self._call("GET", url, params=params).json()
            params = None  # `next` carries the query
            yield from page["results"]
            url = page["next"]

    # --- set-up: find what an earlier demo made, or make it ------------------------------------

    def ensure_dataset(self) -> dict:
        for dataset in self._pages("/data-quality/datasets"):
            if dataset["name"] == DATASET_NAME:
                return dataset
        return self._call("POST", "/data-quality/datasets", expect=(201,), json={
            "name": DATASET_NAME, "description": "A generated shop warehouse with planted data-quality problems.",
        }).json()

    def ensure_table_group(self, dataset_id: int, *, catalog: str, schema_name: str) -> dict:
        for group in self._pages("/data-quality/table-groups", {"dataset": dataset_id}):
            if group["name"] == TABLE_GROUP_NAME:
                return group
        return self._call("POST", "/data-quality/table-groups", expect=(201,), json={
            "dataset": dataset_id, "name": TABLE_GROUP_NAME, "catalog": catalog, "schema_name": schema_name,
            "include_mask": "%",
        }).json()

    # --- runs -----------------------------------------------------------------------------------

    def start_run(self, table_group_id: int) -> dict:
        """Start a run; a run an interrupted demo left active is canceled first, so the group is free again."""
        path = f"/data-quality/table-groups/{table_group_id}/profile-runs"
        response = self._call("POST", path, expect=(202, 409))
        if response.status_code == 409:
            stale = response.json()["profile_run"]["profile_run_id"]
            self.cancel_run(stale)
            response = self._call("POST", path, expect=(202,))
        return response.json()

    def cancel_run(self, profile_run_id: str) -> None:
        self._call("POST", f"/data-quality/profile-runs/{profile_run_id}/cancel", expect=(202, 409))

    def run(self, profile_run_id: str) -> dict:
        return self._call("GET", f"/data-quality/profile-runs/{profile_run_id}").json()

    def results(self, profile_run_id: str) -> dict:
        return self._call("GET", f"/data-quality/profile-runs/{profile_run_id}/results").json()

    def anomalies(self, profile_run_id: str) -> list[dict]:
        return list(self._pages(f"/data-quality/profile-runs/{profile_run_id}/anomalies"))
