"""Errors in Databricks' shape: `{"error_code": ..., "message": ...}` with the HTTP status Databricks uses."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, error_code: Any, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message}


def invalid_parameter(message: str) -> ApiError:
    return ApiError(400, "INVALID_PARAMETER_VALUE", message)


def malformed_request(message: str) -> ApiError:
    return ApiError(400, "MALFORMED_REQUEST", message)


def not_found(kind: str, identifier: Any, api_version: str) -> ApiError:
    """A missing job or run: Jobs API 2.2 answers 404, the older versions 400 (as Databricks did for years)."""
    message = f"{kind} {identifier} does not exist."
    if api_version == "2.2":
        return ApiError(404, "RESOURCE_DOES_NOT_EXIST", message)
    return ApiError(400, "INVALID_PARAMETER_VALUE", message)


def endpoint_not_found(method: str, path: str) -> ApiError:
    return ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {path}'")
