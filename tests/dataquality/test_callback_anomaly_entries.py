"""The callback's anomalies: severities from the catalogue only (400 naming the entry), and a type the server
does not know kept (a newer notebook may know it), within a short id's length and characters, logged once."""

import logging

import pytest

from dataquality.models import ProfileAnomaly
from dataquality.services.results import payloads
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, run_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]


def _anomaly(**fields) -> dict:
    return {"table_name": "s.t", "column_name": "c", "anomaly_type": "null_ratio", "severity": "medium",
            "description": "d", **fields}


def _post(*anomalies):
    run = make_profile_run()
    response = run_client(run).post(complete_url(run.pk), {"status": "completed", "anomalies": list(anomalies)}, format="json")
    return run, response


def test_a_severity_outside_the_catalogue_is_a_400_naming_the_entry():
    run, response = _post(_anomaly(), _anomaly(severity="urgent"))
    assert response.status_code == 400
    errors = response.json()["errors"]["anomalies"]
    # Keyed by the entry's position: the second anomaly is the bad one.
    assert errors == {"1": {"severity": ["Unknown severity 'urgent': one of high, medium, low."]}}
    assert not ProfileAnomaly.objects.exists()


def test_a_severity_in_another_case_is_stored_as_the_catalogues():
    run, response = _post(_anomaly(severity=" High"))
    assert response.status_code == 200
    assert ProfileAnomaly.objects.get().severity == "high"


@pytest.mark.parametrize("anomaly_type", ["x" * 65, "drop table;", "<script>", ""])
def test_an_anomaly_type_is_a_short_id(anomaly_type):
    run, response = _post(_anomaly(anomaly_type=anomaly_type))
    assert response.status_code == 400
    assert "anomaly_type" in response.json()["errors"]["anomalies"]["0"]


def test_an_unknown_type_is_kept_and_logged_once(caplog, monkeypatch):
    monkeypatch.setattr(payloads, "_logged_unknown_types", set())
    with caplog.at_level(logging.WARNING, logger="dataquality.services.results.payloads"):
        _post(_anomaly(anomaly_type="newer_type"), _anomaly(anomaly_type="newer_type", column_name="d"))
        _post(_anomaly(anomaly_type="newer_type"))
    assert ProfileAnomaly.objects.filter(anomaly_type="newer_type").count() == 3
    assert [record.getMessage() for record in caplog.records if "newer_type" in record.getMessage()] == [
        "Anomaly type 'newer_type' is not in this server's catalogue; kept and shown as unknown"
    ]
