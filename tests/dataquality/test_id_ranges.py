"""Ids out of the database's integer range answer 4xx with a reason, never a driver's OverflowError (500).

Runs on SQLite and, in CI's second pass, on PostgreSQL, whose drivers fail differently on such numbers.
"""

import pytest

from dataquality.models import Connection, ProfileRun, Table, TableGroup
from tests.dataquality.workspace import HOST

pytestmark = pytest.mark.django_db

# The value a property-based fuzzer found, and the first integer past a 64-bit id.
OUT_OF_RANGE = ["-20233828619361746204242962236309504", str(2**63)]

ID_FILTERS = [
    ("/data-quality/profile-runs", "dataset"),
    ("/data-quality/profile-runs", "table_group"),
    ("/data-quality/table-groups", "dataset"),
    ("/data-quality/table-groups", "connection"),
    ("/data-quality/tables", "table_group"),
    ("/data-quality/profile-runs/{run}/anomalies", "dataset"),
    ("/data-quality/profile-runs/{run}/anomalies", "table_group"),
]


@pytest.fixture
def run(table_group):
    return ProfileRun.objects.create(table_group=table_group, status="completed")


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("path, name", ID_FILTERS)
def test_an_out_of_range_id_filter_is_a_400_with_a_reason(staff_client, run, path, name, value):
    response = staff_client.get(path.format(run=run.pk), {name: value})

    assert response.status_code == 400, response.content
    assert response.json()["errors"][name] == ["Not a valid id: ids are whole numbers from 1 to 9223372036854775807."]


@pytest.mark.parametrize("path, name", ID_FILTERS)
def test_an_id_filter_still_filters(staff_client, run, path, name):
    value = {"dataset": run.table_group.dataset_id, "table_group": run.table_group_id}.get(name)
    if value is None:  # connection: the group has none, so filter by another one
        value = Connection.objects.create(name="other", host=HOST, secret_ref="DATABRICKS_SECRET_REF_X").pk
    response = staff_client.get(path.format(run=run.pk), {name: value})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/data-quality/datasets/{id}"),
        ("get", "/data-quality/table-groups/{id}"),
        ("get", "/data-quality/tables/{id}"),
        ("get", "/data-quality/connections/{id}"),
        ("patch", "/data-quality/table-groups/{id}"),
        ("delete", "/data-quality/tables/{id}"),
        ("post", "/data-quality/datasets/{id}/profile-runs"),
        ("post", "/data-quality/table-groups/{id}/profile-runs"),
    ],
)
def test_an_out_of_range_path_id_is_a_404(staff_client, databricks_settings, method, path, value):
    response = getattr(staff_client, method)(path.format(id=value), {}, format="json")
    assert response.status_code == 404, response.content
    assert response.json()["detail"]


@pytest.mark.parametrize("value", [int(v) for v in OUT_OF_RANGE])
def test_an_out_of_range_id_in_a_body_is_a_400(staff_client, table_group, value):
    group = staff_client.post(
        "/data-quality/table-groups",
        {"dataset": value, "connection": value, "name": "x", "schema_name": "s"},
        format="json",
    )
    table = staff_client.post("/data-quality/tables", {"table_group": value, "schema_name": "s", "table_name": "t"}, format="json")
    connection = staff_client.post(
        "/data-quality/connections",
        {"name": "c", "host": HOST, "secret_ref": "DATABRICKS_SECRET_REF_C", "allowed_users": [value], "allowed_groups": [value]},
        format="json",
    )

    assert group.status_code == 400 and set(group.json()["errors"]) == {"dataset", "connection"}
    assert table.status_code == 400 and "table_group" in table.json()["errors"]
    assert connection.status_code == 400 and set(connection.json()["errors"]) >= {"allowed_users", "allowed_groups"}
    assert TableGroup.objects.count() == 1 and not Table.objects.exists() and not Connection.objects.exists()
