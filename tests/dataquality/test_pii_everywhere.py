"""The leak of issue 23: for a column flagged as potential PII, mean and standard deviation give its values back
(two rows: 123456789 and 987654321 answer mean 555555555 and stddev 611079935.16). No value-bearing figure of
such a column reaches any surface: the stored row, the API, the admin, the report, drift descriptions."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from dataquality.models import ProfileColumn
from dataquality.services.access.pii import WITHHELD_METRICS, is_pii_column, withheld_extra
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, make_table_group, run_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]

LOW, HIGH, MEAN, STDDEV = 123456789, 987654321, 555555555.0, 611079935.16
# Every way a surface might print one of those numbers.
LEAKS = [
    text for number in (LOW, HIGH, MEAN, STDDEV, 111223000.0)
    for text in (str(int(number)), f"{int(number):,}", f"{number:g}", f"{number:.4g}", f"{number:,.1f}")
]
FLAG = {"table_name": "hr.people", "column_name": "ssn", "anomaly_type": "potential_pii", "severity": "high",
        "description": "Looks like SSNs"}


def _ssn(mean: float = MEAN, stddev: float = STDDEV) -> dict:
    return {
        "column_name": "ssn", "data_type": "bigint", "general_type": "numeric", "ordinal_position": 1,
        "row_count": 2, "null_count": 0, "distinct_count": 2, "min_value": LOW, "max_value": HIGH,
        "mean": mean, "stddev": stddev, "p25": float(LOW), "p50": float(LOW), "p75": float(HIGH),
        "zero_count": 0, "negative_count": 0,
        "nan_count": 0,  # a count: kept
        "value_sum": LOW + HIGH, "median_value": str(HIGH),  # value-derived `extra` fields: withheld
        "top_values": [{"value": LOW, "count": 1}], "top_patterns": [],
    }


def _payload(column: dict, anomalies: list[dict]) -> dict:
    table = {"schema_name": "hr", "table_name": "people", "row_count": 2, "column_count": 1, "columns": [column]}
    return {"status": "completed", "anomalies": anomalies, "tables": [table]}


def _complete(group, payload) -> str:
    run = make_profile_run(group)
    assert run_client(run).post(complete_url(run.pk), payload, format="json").status_code == 200
    return run.pk


@pytest.fixture
def pii_run(db):
    """A run flagging `ssn` as PII, after a run (before the flag) whose mean differs: drift would name both."""
    group = make_table_group("people")
    _complete(group, _payload(_ssn(mean=111223000.0, stddev=1000.0), []))
    return _complete(group, _payload(_ssn(), [FLAG]))


def _assert_no_leak(text: str, surface: str) -> None:
    leaked = [number for number in LEAKS if number in text]
    assert not leaked, f"{surface} shows {leaked}"


def test_the_stored_column_keeps_counts_only(pii_run):
    column = ProfileColumn.objects.get(profile_run_id=pii_run)
    assert [getattr(column, name) for name in WITHHELD_METRICS] == [None] * len(WITHHELD_METRICS)
    assert column.extra == {"nan_count": 0}
    assert (column.row_count, column.null_count, column.distinct_count) == (2, 0, 2)


def test_the_api_withholds_mean_stddev_and_extra(pii_run, staff_client):
    results = staff_client.get(f"/data-quality/profile-runs/{pii_run}/results")
    (column,) = results.json()["tables"][0]["columns"]
    # `/results` gives every metric at one level: the counts of `extra` stay, nothing else of it does.
    assert (column["mean"], column["stddev"], column["nan_count"]) == (None, None, 0)
    assert "value_sum" not in column and "median_value" not in column
    _assert_no_leak(results.content.decode(), "/results")
    _assert_no_leak(staff_client.get(f"/data-quality/profile-runs/{pii_run}/anomalies").content.decode(), "/anomalies")


def test_drift_descriptions_name_no_value(pii_run, staff_client):
    anomalies = staff_client.get(f"/data-quality/profile-runs/{pii_run}/anomalies").json()["results"]
    assert "mean_shift" not in {anomaly["anomaly_type"] for anomaly in anomalies}


def test_the_admin_withholds_them(pii_run, admin_client):
    column = ProfileColumn.objects.get(profile_run_id=pii_run)
    for url in (
        reverse("admin:dataquality_profilecolumn_change", args=[column.pk]),
        reverse("admin:dataquality_profilerun_change", args=[pii_run]),
        reverse("admin:dataquality_profileanomaly_changelist"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        _assert_no_leak(response.content.decode(), url)


def test_the_report_withholds_them(pii_run, admin_client):
    response = admin_client.get(reverse("profile-run-report", args=[pii_run]))
    assert response.status_code == 200
    _assert_no_leak(response.content.decode(), "the report")


def test_the_migration_clears_what_was_stored(staff_client):
    run = make_profile_run(status="completed")
    run.anomalies.create(**FLAG, detected_at=run.created_at)
    kept = {"mean": MEAN, "stddev": STDDEV, "extra": {"nan_count": 0, "value_sum": LOW + HIGH}}
    for name in ("ssn", "badge"):
        ProfileColumn.objects.create(profile_run=run, schema_name="hr", table_name="people", column_name=name, **kept)
    run.column_values.create(schema_name="hr", table_name="people", column_name="ssn", kind="value",
                             value=str(LOW), frequency=1, rank=1)

    importlib.import_module("dataquality.migrations.0013_clear_stored_pii_statistics").clear_stored_pii_statistics(
        django_apps, None
    )

    ssn, badge = (ProfileColumn.objects.get(column_name=name) for name in ("ssn", "badge"))
    assert (ssn.mean, ssn.stddev, ssn.extra) == (None, None, {"nan_count": 0})
    assert (badge.mean, badge.extra) == (MEAN, kept["extra"])  # not flagged: untouched
    assert not run.column_values.exists()


def test_the_rule_tells_a_pii_column_from_a_runs_anomalies():
    assert is_pii_column([FLAG], "hr.people", "ssn")
    assert not is_pii_column([FLAG], "hr.people", "name")
    assert withheld_extra({"nan_count": 3, "blank_count": None, "value_sum": 5, "flag_count": True}) == {
        "nan_count": 3, "blank_count": None,
    }
