"""No value of a column flagged as potential PII reaches a reader: no top values, no min or max, no
percentiles, no mean, whatever the payload holds. Posted through the callback, read through `/results`."""

import importlib

import pytest
from django.apps import apps as django_apps

from dataquality.models import ProfileAnomaly, ProfileColumn
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, run_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]

SSN = "001-23-4567"


def _column(name: str, **metrics) -> dict:
    return {"column_name": name, "data_type": "string", "general_type": "text", "row_count": 3, "null_count": 0,
            "distinct_count": 3, "top_patterns": [{"value": "NNN-NN-NNNN", "count": 3}], **metrics}


PAYLOAD = {
    "status": "completed",
    "anomalies": [{"table_name": "hr.people", "column_name": "ssn", "anomaly_type": "potential_pii",
                   "severity": "high", "description": "Looks like SSNs"}],
    "tables": [{
        "schema_name": "hr", "table_name": "people", "row_count": 3, "column_count": 3,
        "columns": [
            _column("ssn", min_value=SSN, max_value="999-99-9999", top_values=[{"value": SSN, "count": 1}]),
            _column("badge", data_type="bigint", general_type="numeric", min_value=100200300, max_value=900800700,
                    p25=100200300.0, p50=500400300.0, p75=900800700.0, mean=500466433.3),
            _column("city", min_value="Bern", max_value="Zug", top_values=[{"value": "Bern", "count": 2}]),
        ],
    }],
}


@pytest.fixture(params=["staff_client", "viewer_client", "operator_client", "dq_admin_client"])
def reader(request):
    return request.getfixturevalue(request.param)


def _columns_seen_by(reader, profile_run) -> dict[str, dict]:
    response = reader.get(f"/data-quality/profile-runs/{profile_run.pk}/results")
    assert response.status_code == 200
    (table,) = response.json()["tables"]
    return {column["column_name"]: column for column in table["columns"]}


def test_min_max_and_top_values_of_a_pii_column_are_withheld(reader):
    profile_run = make_profile_run()
    assert run_client(profile_run).post(complete_url(profile_run.pk), PAYLOAD, format="json").status_code == 200

    columns = _columns_seen_by(reader, profile_run)

    ssn = columns["ssn"]
    assert (ssn["min_value"], ssn["max_value"], ssn["top_values"]) == (None, None, [])
    assert ssn["top_patterns"] == [{"value": "NNN-NN-NNNN", "count": 3}]  # counts and patterns stay
    assert (ssn["null_count"], ssn["distinct_count"]) == (0, 3)
    assert SSN not in str(columns)
    # Columns not flagged keep their values.
    assert (columns["city"]["min_value"], columns["city"]["max_value"]) == ("Bern", "Zug")
    assert columns["city"]["top_values"] == [{"value": "Bern", "count": 2}]


def test_percentiles_of_a_numeric_pii_column_are_withheld_too(reader):
    payload = {**PAYLOAD, "anomalies": [{**PAYLOAD["anomalies"][0], "column_name": "badge"}]}
    profile_run = make_profile_run()
    assert run_client(profile_run).post(complete_url(profile_run.pk), payload, format="json").status_code == 200

    badge = _columns_seen_by(reader, profile_run)["badge"]

    # The mean too: with the row count it gives values back (with one row it is the value).
    assert [badge[name] for name in ("min_value", "max_value", "p25", "p50", "p75", "mean")] == [None] * 6


def test_the_migration_clears_values_stored_before(reader):
    profile_run = make_profile_run(status="completed")
    ProfileAnomaly.objects.create(profile_run=profile_run, table_name="hr.people", column_name="ssn",
                                  anomaly_type="potential_pii", severity="high", description="d",
                                  detected_at=profile_run.created_at)
    profile_run.results.create(schema_name="hr", table_name="people", row_count=3, column_count=2)
    for name in ("ssn", "city"):
        ProfileColumn.objects.create(profile_run=profile_run, schema_name="hr", table_name="people", column_name=name,
                                     min_value=f"{name}-min", max_value=f"{name}-max")

    migration = importlib.import_module("dataquality.migrations.0005_withhold_stored_pii_values")
    migration.withhold_stored_pii_values(django_apps, None)

    columns = _columns_seen_by(reader, profile_run)
    assert (columns["ssn"]["min_value"], columns["ssn"]["max_value"]) == (None, None)
    assert (columns["city"]["min_value"], columns["city"]["max_value"]) == ("city-min", "city-max")


def test_a_user_without_the_view_permissions_reads_nothing(api_client):
    profile_run = make_profile_run()
    run_client(profile_run).post(complete_url(profile_run.pk), PAYLOAD, format="json")

    response = api_client.get(f"/data-quality/profile-runs/{profile_run.pk}/results")

    assert response.status_code == 403
    assert SSN not in response.content.decode() and "Bern" not in response.content.decode()
