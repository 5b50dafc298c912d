"""Typed errors of the Databricks client.

Callers decide from the type (or `permanent`) whether to retry later, fail a run, or answer 502/503;
they never parse HTTP statuses themselves.
"""

from __future__ import annotations

# Databricks answers some lookups of a missing job or run with 400 and one of these codes.
_NOT_FOUND_CODES = frozenset({"INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST"})


class DatabricksNotConfigured(Exception):
    """No usable workspace host, credentials or job settings: a deployment problem, not a Databricks answer.

    Carries every problem found, so that an operator fixes the deployment in one go, not one setting per try.
    """

    def __init__(self, *problems: str) -> None:
        self.problems = [problem.rstrip(". ") for problem in problems]
        super().__init__(f"Databricks is not configured: {'; '.join(self.problems)}.")


class ConnectionSettingsError(ValueError):
    """A connection names a host or secret reference that this deployment does not allow."""


class DatabricksError(Exception):
    """A failed Databricks call.

    `message` is Databricks' own message (or the connection error), already redacted; `request` is
    `"METHOD /path"` when the error comes from a call; `retry_after` is the wait Databricks asked for.
    """

    permanent = True

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        request: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.request = request
        self.retry_after = retry_after

    def __str__(self) -> str:
        answer = " ".join(part for part in (str(self.status or ""), self.error_code or "") if part)
        text = f"{answer}: {self.message}" if answer else self.message
        return f"Databricks {self.request} failed: {text}" if self.request else text


class DatabricksAuthError(DatabricksError):
    """401 or 403: the credentials are wrong, expired or lack a permission."""


class DatabricksNotFound(DatabricksError):
    """The job, run or file does not exist (any more)."""


class DatabricksPermanentError(DatabricksError):
    """A request Databricks refuses as it stands; repeating it will not help."""


class DatabricksTransientError(DatabricksError):
    """Connection error, timeout or 5xx: the request may or may not have been applied."""

    permanent = False


class DatabricksRateLimited(DatabricksError):
    """429: try again after `retry_after` seconds (None when Databricks did not say)."""

    permanent = False


def error_for_response(
    status: int,
    error_code: str | None,
    message: str,
    *,
    request: str | None = None,
    retry_after: float | None = None,
) -> DatabricksError:
    """The typed error for a non-2xx answer."""
    kwargs = {"status": status, "error_code": error_code, "request": request, "retry_after": retry_after}
    if status in (401, 403):
        return DatabricksAuthError(message, **kwargs)
    if status == 404 or _is_not_found(error_code, message):
        return DatabricksNotFound(message, **kwargs)
    if status == 429:
        return DatabricksRateLimited(message, **kwargs)
    if status >= 500:
        return DatabricksTransientError(message, **kwargs)
    return DatabricksPermanentError(message, **kwargs)


def _is_not_found(error_code: str | None, message: str) -> bool:
    if error_code == "RESOURCE_DOES_NOT_EXIST":
        return True
    return error_code in _NOT_FOUND_CODES and "does not exist" in message.lower()
