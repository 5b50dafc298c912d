"""`results_schema`: validated as catalog.schema; the group's, else its connection's, else the setting's, is the
job parameter."""

from __future__ import annotations

import pytest

from dataquality.models import Connection, ProfileRun
from dataquality.services.launch.profiling import job_parameters

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]


@pytest.mark.parametrize(
    ("setting", "connection_schema", "group_schema", "expected"),
    [
        ("", "", "", ""),
        ("lake.default_dq", "", "", "lake.default_dq"),
        ("lake.default_dq", "lake.ws_dq", "", "lake.ws_dq"),
        ("lake.default_dq", "lake.ws_dq", "lake.group_dq", "lake.group_dq"),
    ],
)
def test_the_group_overrides_the_connection_which_overrides_the_setting(
    settings, table_group, setting, connection_schema, group_schema, expected
):
    settings.DATA_QUALITY_RESULTS_SCHEMA = setting
    table_group.connection = Connection.objects.create(name="ws", host="https://h", secret_ref="X",
                                                       results_schema=connection_schema)
    table_group.results_schema = group_schema
    table_group.save()

    assert job_parameters(ProfileRun(table_group=table_group))["results_schema"] == expected


@pytest.mark.parametrize("value", ["lake", "lake.dq.x", "lake.d-q", "lake.`dq`", "lake. dq"])
def test_a_results_schema_that_is_not_catalog_dot_schema_gets_400(operator_client, table_group, value):
    response = operator_client.patch(f"/data-quality/table-groups/{table_group.pk}", {"results_schema": value},
                                     format="json")

    assert response.status_code == 400, response.content
    assert "catalog.schema" in str(response.json()["errors"]["results_schema"])


def test_a_valid_results_schema_is_kept(operator_client, table_group):
    response = operator_client.patch(f"/data-quality/table-groups/{table_group.pk}", {"results_schema": "lake.dq"},
                                     format="json")

    assert response.status_code == 200 and response.json()["results_schema"] == "lake.dq"
