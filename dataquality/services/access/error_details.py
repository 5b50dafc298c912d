"""What an error may tell whom, in the API's answers and on the report pages.

Staff see the full reason. Other users see what they can act on, but no setting or environment variable
name, no allow-list and no workspace host: a "not configured" reason names only that, and hosts and URLs
are cut out of Databricks' answers and of the errors stored on runs. The full reason is logged.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "Databricks is not configured for this request; an administrator can see why in the logs."

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.IGNORECASE)
_HOST_ARGUMENT = re.compile(r"\bhost=(['\"])[^'\"]*\1")
# A quoted DNS name with at least two dots (`'adb-1.2.azuredatabricks.net'`), as connection errors print them;
# unquoted `schema.table` names are kept.
_QUOTED_HOST = re.compile(r"(['\"])[a-z0-9-]+(?:\.[a-z0-9-]+){2,}(?::\d+)?\1", re.IGNORECASE)


def sees_full_reasons(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def without_hosts(text: str) -> str:
    text = _URL.sub("<url>", text)
    text = _HOST_ARGUMENT.sub("host=<host>", text)
    return _QUOTED_HOST.sub("<host>", text)


def for_user(text: str, user) -> str:
    """An error text as this user may see it."""
    return text if sees_full_reasons(user) else without_hosts(text)


def not_configured(exc, user) -> dict:
    """The body of a 503 for a `DatabricksNotConfigured`: its problems for staff, their gist for others."""
    if sees_full_reasons(user):
        return {"detail": str(exc), "problems": exc.problems}
    logger.warning("%s", exc)
    return {"detail": NOT_CONFIGURED}
