"""The permission matrix (README, "Permissions"): every route of the URL conf, every verb, every role.

`MATRIX` is the expected rule of each endpoint. The URL conf is walked, so an endpoint without a rule here
fails `test_every_route_has_a_rule`; each rule is then tried through the HTTP stack with a user holding
each shipped role, and the README must show the same table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver, resolve
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from django.utils import timezone

from dataquality.models import Connection, Dataset, ProfileAnomaly, ProfileRun, Table, TableGroup
from tests.conftest import user_as
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no permission", "dq_viewer", "dq_operator", "dq_admin", "staff")

# A rule is the set of roles that may call the endpoint. "staff" is a staff member holding dq_admin.
PUBLIC = frozenset(ROLES)
LOGGED_IN = PUBLIC - {"anonymous"}
VIEWER = frozenset({"dq_viewer", "dq_operator", "dq_admin", "staff"})
OPERATOR = frozenset({"dq_operator", "dq_admin", "staff"})
ADMIN = frozenset({"dq_admin", "staff"})
STAFF = frozenset({"staff"})
CALLBACK_TOKEN = frozenset()  # the notebook's bearer token of its run, never a user

RULE_NAMES = {
    PUBLIC: "anyone", LOGGED_IN: "logged in", VIEWER: "dq_viewer", OPERATOR: "dq_operator", ADMIN: "dq_admin",
    STAFF: "staff", CALLBACK_TOKEN: "run's callback token",
}

MATRIX: dict[tuple[str, str], frozenset] = {
    ("/admin/", "ANY"): STAFF,  # Django's admin: staff, then model permissions and grants (test_admin_permissions)
    ("/healthz", "GET"): PUBLIC,
    ("/favicon.ico", "ANY"): PUBLIC,  # a redirect to a static file
    ("/accounts/login/", "GET"): PUBLIC,  # the pages' login form
    ("/accounts/login/", "POST"): PUBLIC,
    ("/accounts/login/", "PUT"): PUBLIC,  # Django's LoginView treats it as POST
    ("/accounts/logout/", "POST"): PUBLIC,
    ("/api/schema", "GET"): LOGGED_IN,
    ("/api/docs", "GET"): LOGGED_IN,
    ("/api/redoc", "GET"): LOGGED_IN,
    ("/", "GET"): VIEWER,  # the landing page: the latest run of each group
    ("/data-quality/connections", "GET"): STAFF,
    ("/data-quality/connections", "POST"): STAFF,
    ("/data-quality/connections/{pk}", "GET"): STAFF,
    ("/data-quality/connections/{pk}", "PUT"): STAFF,
    ("/data-quality/connections/{pk}", "PATCH"): STAFF,
    ("/data-quality/connections/{pk}", "DELETE"): STAFF,
    ("/data-quality/datasets", "GET"): VIEWER,
    ("/data-quality/datasets", "POST"): OPERATOR,
    ("/data-quality/datasets/{pk}", "GET"): VIEWER,
    ("/data-quality/datasets/{pk}", "PUT"): OPERATOR,
    ("/data-quality/datasets/{pk}", "PATCH"): OPERATOR,
    ("/data-quality/datasets/{pk}", "DELETE"): ADMIN,
    ("/data-quality/datasets/{pk}/profile-runs", "POST"): OPERATOR,
    ("/data-quality/table-groups", "GET"): VIEWER,
    ("/data-quality/table-groups", "POST"): OPERATOR,
    ("/data-quality/table-groups/{pk}", "GET"): VIEWER,
    ("/data-quality/table-groups/{pk}", "PUT"): OPERATOR,
    ("/data-quality/table-groups/{pk}", "PATCH"): OPERATOR,
    ("/data-quality/table-groups/{pk}", "DELETE"): ADMIN,
    ("/data-quality/table-groups/{pk}/profile-runs", "POST"): OPERATOR,
    ("/data-quality/table-groups/{pk}/history", "GET"): VIEWER,
    ("/data-quality/table-groups/{pk}/report", "GET"): VIEWER,  # the group page
    ("/data-quality/runs", "GET"): VIEWER,  # the runs page
    ("/data-quality/anomalies/{pk}/disposition", "POST"): OPERATOR,  # triage_profileanomaly and a grant
    ("/data-quality/anomalies/{pk}/triage", "POST"): OPERATOR,  # the report's triage form, then back to the report
    ("/data-quality/tables", "GET"): VIEWER,
    ("/data-quality/tables", "POST"): OPERATOR,
    ("/data-quality/tables/{pk}", "GET"): VIEWER,
    ("/data-quality/tables/{pk}", "PUT"): OPERATOR,
    ("/data-quality/tables/{pk}", "PATCH"): OPERATOR,
    ("/data-quality/tables/{pk}", "DELETE"): OPERATOR,
    ("/data-quality/profile-runs", "GET"): VIEWER,
    ("/data-quality/profile-runs/{pk}", "GET"): VIEWER,
    ("/data-quality/profile-runs/{pk}/anomalies", "GET"): VIEWER,
    ("/data-quality/profile-runs/{pk}/results", "GET"): VIEWER,
    ("/data-quality/profile-runs/{pk}/cancel", "POST"): OPERATOR,
    ("/data-quality/profile-runs/{profile_run_id}/report", "GET"): VIEWER,
    ("/data-quality/profile-runs/{profile_run_id}/report/tables/{table_name}", "GET"): VIEWER,
    ("/data-quality/testgen/profile-runs/{profile_run_id}/complete", "POST"): CALLBACK_TOKEN,
    ("/data-quality/testgen/profile-runs/{profile_run_id}/manifest", "GET"): CALLBACK_TOKEN,
}


# --- walking the URL conf -----------------------------------------------------------------------------------

def _readable(route: str) -> str:
    """`^datasets/(?P<pk>[^/.]+)/?$` → `datasets/{pk}`."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path() converters
    return route.replace("^", "").replace("$", "").replace("/?", "")


def _methods(callback) -> list[str]:
    if getattr(callback, "actions", None):  # a viewset route
        return sorted(method.upper() for method in callback.actions if method not in ("head", "options"))
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        methods = sorted(m.upper() for m in view_class.http_method_names if m not in ("head", "options") and hasattr(view_class, m))
        return ["ANY"] if set(methods) >= {"GET", "POST", "PUT", "PATCH", "DELETE"} else methods  # a redirect
    return ["GET"]  # a function view: ours answer GET only (require_GET), anything else 405


def walk(patterns=None, prefix: str = "/"):
    """(route, method) of every endpoint. The admin counts as one; format-suffix twins share their route's rule."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + _readable(str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            if route == "/admin/":
                yield ("/admin/", "ANY")
            else:
                yield from walk(pattern.url_patterns, route)
        elif "{format}" not in route:
            for method in _methods(pattern.callback):
                yield (route, method)


def test_every_route_has_a_rule_and_every_rule_a_route():
    routes = set(walk())
    assert routes - MATRIX.keys() == set(), "endpoints without a rule in MATRIX (and the README)"
    assert MATRIX.keys() - routes == set(), "rules of endpoints that no longer exist"


def matrix_markdown() -> str:
    header = "| endpoint | verb | " + " | ".join(ROLES) + " |"
    lines = [header, "|" + "---|" * (len(ROLES) + 2)]
    for (route, method), allowed in MATRIX.items():
        marks = " | ".join("yes" if name in allowed else "-" for name in ROLES)
        lines.append(f"| `{route}` | {method} | {marks} |")
    return "\n".join(lines)


def test_the_readme_shows_this_matrix():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert matrix_markdown() in readme, "README's permission matrix differs; paste matrix_markdown()"


# --- trying each rule with each role ---------------------------------------------------------------------

@pytest.fixture
def objects(db):
    dataset = Dataset.objects.create(name="Sales")
    group = TableGroup.objects.create(dataset=dataset, name="orders", catalog="main", schema_name="sales")
    table = Table.objects.create(table_group=group, schema_name="sales", table_name="orders")
    run = ProfileRun.objects.create(table_group=group, status="completed")
    anomaly = ProfileAnomaly.objects.create(
        profile_run=run, table_name="sales.orders", anomaly_type="constant_column", severity="low",
        description="one value", detected_at=timezone.now(),
    )
    connection = Connection.objects.create(name="spare", host=HOST, secret_ref="DATABRICKS_SECRET_REF_SPARE")
    return {"dataset": dataset, "group": group, "table": table, "run": run, "connection": connection, "anomaly": anomaly}


def _user(role_name: str, django_user_model):
    return None if role_name == "anonymous" else user_as(django_user_model, role_name)


def _path_and_body(route: str, method: str, objects) -> tuple[str, dict | None]:
    resource = route.split("/")[2] if route.startswith("/data-quality/") else ""
    pk = {
        "connections": objects["connection"].pk, "datasets": objects["dataset"].pk, "table-groups": objects["group"].pk,
        "tables": objects["table"].pk, "profile-runs": objects["run"].pk, "testgen": objects["run"].pk,
        "anomalies": objects["anomaly"].pk,
    }.get(resource)
    path = route.replace("{pk}", str(pk)).replace("{profile_run_id}", str(pk)).replace("{table_name}", "sales.orders")
    bodies = {
        "connections": {"name": "other", "host": HOST, "secret_ref": "DATABRICKS_SECRET_REF_OTHER"},
        "datasets": {"name": "Finance"},
        "table-groups": {"dataset": objects["dataset"].pk, "name": "ledger", "schema_name": "fin"},
        "tables": {"table_group": objects["group"].pk, "schema_name": "sales", "table_name": "lines"},
        "anomalies": {"disposition": "confirmed", "note": "known"},
    }
    if path.endswith("/history"):
        path += "?metric=row_count&table=sales.orders"
    body = bodies.get(resource) if method in ("POST", "PUT", "PATCH") and not path.endswith(("profile-runs", "cancel")) else None
    return path, body


def _is_rest(path: str) -> bool:
    view_class = getattr(resolve(path.partition("?")[0]).func, "cls", None)
    return view_class is not None and issubclass(view_class, APIView)


@pytest.mark.parametrize("role_name", ROLES)
@pytest.mark.parametrize("route, method", [key for key in MATRIX if key[0] != "/admin/"])
def test_each_role_gets_what_the_matrix_says(route, method, role_name, objects, workspace, django_user_model):
    workspace.ready()
    path, body = _path_and_body(route, method, objects)
    client = APIClient()
    user = _user(role_name, django_user_model)
    if user is not None and _is_rest(path):  # a real REST token, so the callback views see what a caller would send
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    elif user is not None:  # a page: the browser's session
        client.force_login(user)

    response = getattr(client, "get" if method == "ANY" else method.lower())(path, body, format="json")

    allowed = role_name in MATRIX[(route, method)]
    sent_to_login = response.status_code == 302 and response["Location"].startswith(f"{resolve_url(settings.LOGIN_URL)}?next=")
    refused = response.status_code in (401, 403) or sent_to_login
    assert refused != allowed, f"{role_name} {method} {path}: {response.status_code} {response.content[:200]!r}"
    if not refused:
        return
    if role_name == "anonymous" or MATRIX[(route, method)] == CALLBACK_TOKEN:
        assert response.status_code == 401 or sent_to_login  # pages send a browser to the login
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role_name", ROLES)
def test_the_admin_site_is_for_staff(client, role_name, django_user_model):
    user = _user(role_name, django_user_model)
    if user is not None:
        client.force_login(user)

    response = client.get("/admin/")

    if role_name in MATRIX[("/admin/", "ANY")]:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# --- reads, with and without a grant on the connection ---------------------------------------------------
# A user sees a connection's groups, tables, runs and what they found only with a grant on it: lists leave the
# rows out, details answer 404 (README, "Reading needs a grant").

READ_LISTS = {  # list path → how to find the object in its answer
    "/data-quality/table-groups": "group",
    "/data-quality/tables": "table",
    "/data-quality/profile-runs": "run",
}
READ_DETAILS = [
    "/data-quality/table-groups/{group}",
    "/data-quality/tables/{table}",
    "/data-quality/profile-runs/{run}",
    "/data-quality/profile-runs/{run}/anomalies",
    "/data-quality/profile-runs/{run}/results",
    "/data-quality/profile-runs/{run}/report",
    "/data-quality/profile-runs/{run}/report/tables/payroll.salaries",
]
ADMIN_LISTS = {  # the admin's changelists, and what each row of ours shows
    "/admin/dataquality/tablegroup/": "payroll-group",
    "/admin/dataquality/table/": "salaries",
    "/admin/dataquality/profilerun/": "payroll-group",
    "/admin/dataquality/profileanomaly/": "payroll_anomaly",
    "/admin/dataquality/profilecolumn/": "payroll_column",
}
ADMIN_DETAILS = ["/admin/dataquality/tablegroup/{group}/change/", "/admin/dataquality/profilerun/{run}/change/"]


@pytest.fixture
def granted_objects(db):
    """A group on a connection, with a table, a completed run, an anomaly and a column."""
    connection = Connection.objects.create(name="payroll", host=HOST, secret_ref="DATABRICKS_SECRET_REF_PAYROLL")
    dataset = Dataset.objects.create(name="HR")
    group = TableGroup.objects.create(dataset=dataset, connection=connection, name="payroll-group", schema_name="payroll")
    table = Table.objects.create(table_group=group, schema_name="payroll", table_name="salaries")
    run = ProfileRun.objects.create(table_group=group, status="completed")
    run.results.create(schema_name="payroll", table_name="salaries", row_count=1, column_count=1)
    run.anomalies.create(
        table_name="payroll.salaries", column_name="payroll_column", anomaly_type="payroll_anomaly", severity="low",
        description="x", detected_at=run.created_at,
    )
    run.columns.create(schema_name="payroll", table_name="salaries", column_name="payroll_column", ordinal_position=1)
    return {"connection": connection, "group": group.pk, "table": table.pk, "run": run.pk}


def _reader(role_name: str, granted: bool, objects, django_user_model):
    user = user_as(django_user_model, role_name)
    if granted:
        objects["connection"].allowed_users.add(user)
    return user


@pytest.mark.parametrize("granted", [True, False], ids=["granted", "not granted"])
@pytest.mark.parametrize("role_name", [name for name in ROLES if name != "anonymous"])
def test_reads_need_a_grant_on_the_connection(role_name, granted, granted_objects, django_user_model):
    client = APIClient()
    client.force_login(_reader(role_name, granted, granted_objects, django_user_model))
    may_read = role_name in VIEWER
    sees = may_read and (granted or role_name == "staff")  # staff who manage connections hold every grant

    for path, key in READ_LISTS.items():
        response = client.get(path)
        assert response.status_code == (200 if may_read else 403), path
        if may_read:
            listed = {row.get("id", row.get("profile_run_id")) for row in response.json()["results"]}
            assert (str(granted_objects[key]) in map(str, listed)) == sees, path
    for template in READ_DETAILS:
        path = template.format(**granted_objects)
        assert client.get(path).status_code == (200 if sees else 404 if may_read else 403), path
    landing = client.get("/")
    assert landing.status_code == (200 if may_read else 403)
    assert (b"payroll-group" in landing.content) == sees


@pytest.mark.parametrize("granted", [True, False], ids=["granted", "not granted"])
@pytest.mark.parametrize("role_name", ["dq_viewer", "dq_operator", "dq_admin"])
def test_the_admin_shows_staff_only_what_they_hold_a_grant_on(role_name, granted, granted_objects, client, django_user_model):
    user = _reader(role_name, granted, granted_objects, django_user_model)
    user.is_staff = True  # staff without the connection permission held with is_staff: not every grant
    user.save()
    holds_every_grant = user.has_perm("dataquality.change_connection")
    sees = granted or holds_every_grant
    client.force_login(user)

    for path, shown in ADMIN_LISTS.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert (shown in response.content.decode()) == sees, path
    for template in ADMIN_DETAILS:
        response = client.get(template.format(**granted_objects))
        if sees:
            assert response.status_code == 200
        else:  # the admin's answer to an id it does not know
            assert response.status_code == 302 and response["Location"] == "/admin/"
