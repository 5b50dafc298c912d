"""Triage (contract 11.3, 11.4): streaks, dispositions carried forward, mutes, folding, counts and alerts."""

import json
from datetime import timedelta
from unittest import mock

import pytest
import responses
from django.core import mail
from django.test import override_settings

from dataquality.models import AnomalyMute, ProfileAnomaly
from tests.dataquality.fixtures.callback import make_table_group
from tests.dataquality.monitoring.series import START, complete_at, daily, payload

pytestmark = pytest.mark.django_db
CONSTANT = {"table_name": "sales.orders", "column_name": "note", "anomaly_type": "constant_column",
            "severity": "low", "description": "one value"}
PII = {"table_name": "sales.orders", "column_name": "customer", "anomaly_type": "potential_pii",
       "severity": "high", "description": "looks like SSNs"}


def with_constant(present: bool) -> dict:
    return payload(anomalies=[CONSTANT] if present else [])


def constant_of(run) -> ProfileAnomaly | None:
    return run.anomalies.filter(anomaly_type="constant_column").first()


def test_a_streak_is_counted_across_runs_and_reset_by_a_run_without_it():
    runs = daily(make_table_group(), [with_constant(present) for present in (True, True, True, False, True)])

    streak = [constant_of(run) for run in runs[:3]]
    assert [anomaly.occurrences for anomaly in streak] == [1, 2, 3]
    assert [anomaly.is_new for anomaly in streak] == [True, False, False]
    assert {anomaly.first_seen_run_id for anomaly in streak} == {runs[0].pk}
    assert len({anomaly.fingerprint for anomaly in streak}) == 1
    assert constant_of(runs[3]) is None
    again = constant_of(runs[4])
    assert (again.occurrences, again.first_seen_run_id) == (1, runs[4].pk)


def dispose(client, anomaly, disposition, **fields):
    return client.post(f"/data-quality/anomalies/{anomaly.pk}/disposition", {"disposition": disposition, **fields},
                       format="json")


def test_a_dismissal_is_carried_to_its_recurrence_and_ended_by_a_gap(operator_client):
    group = make_table_group()
    first = complete_at(group, with_constant(True), START)
    response = dispose(operator_client, constant_of(first), "dismissed", note="by design")
    assert response.status_code == 200, response.content
    assert response.json()["disposition_by"] == "operator"

    second = complete_at(group, with_constant(True), START + timedelta(days=1))
    carried = constant_of(second)
    assert (carried.disposition, carried.disposition_note, carried.disposition_by) == ("dismissed", "by design", "operator")

    complete_at(group, with_constant(False), START + timedelta(days=2))
    after_gap = complete_at(group, with_constant(True), START + timedelta(days=3))
    assert constant_of(after_gap).disposition == "open"


def test_a_mute_survives_a_gap_and_ends_at_muted_until(operator_client):
    group = make_table_group()
    first = complete_at(group, with_constant(True), START)
    until = (START + timedelta(days=10)).isoformat()
    with mock.patch("django.utils.timezone.now", return_value=START + timedelta(hours=1)):
        assert dispose(operator_client, constant_of(first), "muted", muted_until=until).status_code == 200

    complete_at(group, with_constant(False), START + timedelta(days=1))
    muted = complete_at(group, with_constant(True), START + timedelta(days=2))
    assert constant_of(muted).disposition == "muted" and constant_of(muted).muted_until is not None
    expired = complete_at(group, with_constant(True), START + timedelta(days=11))
    assert constant_of(expired).disposition == "open"


def test_reopening_lifts_the_mute(operator_client):
    group = make_table_group()
    first = complete_at(group, with_constant(True), START)
    dispose(operator_client, constant_of(first), "muted")
    second = complete_at(group, with_constant(True), START + timedelta(days=1))
    assert dispose(operator_client, constant_of(second), "open").status_code == 200
    assert not AnomalyMute.objects.exists()
    assert constant_of(complete_at(group, with_constant(True), START + timedelta(days=2))).disposition == "open"


@pytest.mark.parametrize(("rows", "customers", "cause"), [(400, 400, "row_count_drop"), (2500, 2600, "row_count_growth")])
def test_distinct_count_changes_that_restate_the_rows_are_folded_under_them(rows, customers, cause):
    group = make_table_group()
    daily(group, [payload(), payload(rows=rows, customers=customers)])
    run = group.profile_runs.order_by("-created_at").first()
    table = run.anomalies.get(anomaly_type=cause)
    column = run.anomalies.get(anomaly_type="distinct_count_change")
    assert column.caused_by_id == table.pk
    assert run.open_anomaly_count == run.anomalies.filter(caused_by__isnull=True).count()


def test_a_distinct_count_moving_against_the_rows_is_not_folded():
    group = make_table_group()
    daily(group, [payload(), payload(rows=400, customers=2500)])
    run = group.profile_runs.order_by("-created_at").first()
    assert run.anomalies.get(anomaly_type="distinct_count_change").caused_by_id is None


def test_folding_applies_to_baseline_anomalies_too():
    group = make_table_group()
    runs = daily(group, [payload()] * 6 + [payload(rows=400, customers=400)])
    cause = runs[-1].anomalies.get(anomaly_type="row_count_outside_baseline")
    assert runs[-1].anomalies.get(anomaly_type="distinct_count_outside_baseline").caused_by_id == cause.pk


def test_the_counts_on_the_run_are_what_the_anomaly_list_shows(operator_client):
    group = make_table_group()
    first = complete_at(group, payload(anomalies=[CONSTANT]), START)
    run = complete_at(group, payload(rows=400, customers=400, note_nulls=300, anomalies=[CONSTANT]),
                      START + timedelta(days=1))
    dispose(operator_client, run.anomalies.get(anomaly_type="null_share_increase"), "dismissed")
    run.refresh_from_db()
    listed = operator_client.get(f"/data-quality/profile-runs/{run.pk}/anomalies?page_size=500").json()["results"]
    open_ones = [a for a in listed if a["disposition"] in ("open", "confirmed") and a["caused_by"] is None]
    new_ones = [a for a in open_ones if a["is_new"] and a["disposition"] == "open"]
    assert (run.open_anomaly_count, run.new_anomaly_count) == (len(open_ones), len(new_ones))
    assert run.anomaly_count == len(listed) and first.new_anomaly_count == 1
    detail = operator_client.get(f"/data-quality/profile-runs/{run.pk}").json()
    assert (detail["open_anomaly_count"], detail["new_anomaly_count"]) == (len(open_ones), len(new_ones))
    new_listed = operator_client.get(f"/data-quality/profile-runs/{run.pk}/anomalies?is_new=true").json()["count"]
    assert new_listed == len([a for a in listed if a["is_new"]])


@override_settings(PROFILE_ALERT_EMAILS=["team@example.com"], PROFILE_ALERT_WEBHOOK_URL="https://hooks.example.com/x")
@responses.activate
def test_an_alert_lists_exactly_the_new_high_anomalies_once(django_capture_on_commit_callbacks):
    responses.post("https://hooks.example.com/x", status=200)
    group = make_table_group()
    with django_capture_on_commit_callbacks(execute=True):
        complete_at(group, payload(anomalies=[CONSTANT]), START)
    assert mail.outbox == []  # a low anomaly alone: no alert
    with django_capture_on_commit_callbacks(execute=True):
        run = complete_at(group, payload(rows=400, customers=400, anomalies=[CONSTANT, PII]), START + timedelta(days=1))

    assert len(mail.outbox) == 1 and len(responses.calls) == 1
    sent = {(a["anomaly_type"], a["column_name"]) for a in json.loads(responses.calls[0].request.body)["anomalies"]}
    expected = set(run.anomalies.filter(severity="high", occurrences=1, caused_by__isnull=True).values_list(
        "anomaly_type", "column_name"))
    assert sent == expected == {("row_count_drop", None), ("potential_pii", "customer")}
    assert "potential_pii on sales.orders.customer" in mail.outbox[0].body


@override_settings(PROFILE_ALERT_EMAILS=["team@example.com"])
def test_no_alert_for_a_run_whose_high_anomalies_all_recur(django_capture_on_commit_callbacks):
    group = make_table_group()
    with django_capture_on_commit_callbacks(execute=True):
        complete_at(group, payload(anomalies=[PII]), START)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        complete_at(group, payload(anomalies=[PII]), START + timedelta(days=1))
    assert len(mail.outbox) == 1


@override_settings(PROFILE_ALERT_EMAILS=["team@example.com"])
def test_no_alert_for_a_muted_new_anomaly(operator_client, django_capture_on_commit_callbacks):
    group = make_table_group()
    first = complete_at(group, payload(anomalies=[PII]), START)
    dispose(operator_client, first.anomalies.get(), "muted")
    mail.outbox.clear()
    complete_at(group, payload(), START + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        complete_at(group, payload(anomalies=[PII]), START + timedelta(days=2))
    assert mail.outbox == []


def test_a_mute_that_has_ended_already_is_refused(operator_client):
    run = complete_at(make_table_group(), with_constant(True), START)
    response = dispose(operator_client, constant_of(run), "muted", muted_until=START.isoformat())
    assert response.status_code == 400 and "muted_until" in response.json()["errors"]
    assert constant_of(run).disposition == "open" and not AnomalyMute.objects.exists()


@pytest.mark.parametrize("body", [{"disposition": "ignored"}, {}, {"disposition": "confirmed", "muted_until": "2099-01-01T00:00:00Z"}])
def test_a_bad_disposition_is_a_400_and_changes_nothing(operator_client, body):
    run = complete_at(make_table_group(), with_constant(True), START)
    response = operator_client.post(f"/data-quality/anomalies/{constant_of(run).pk}/disposition", body, format="json")
    assert response.status_code == 400
    assert constant_of(run).disposition == "open"


def test_a_viewer_may_not_triage(viewer_client):
    run = complete_at(make_table_group(), with_constant(True), START)
    assert dispose(viewer_client, constant_of(run), "dismissed").status_code == 403
    assert constant_of(run).disposition == "open"


def test_an_operator_without_a_grant_on_the_connection_may_not_triage(operator_client, workspace):
    from dataquality.models import Connection
    from tests.dataquality.workspace import HOST

    connection = Connection.objects.create(name="finance", host=HOST, secret_ref="DATABRICKS_SECRET_REF_FINANCE")
    run = complete_at(make_table_group(connection=connection), with_constant(True), START)
    # Without a grant the anomaly is not there for this user at all: 404, so ids of other workspaces do not leak.
    assert dispose(operator_client, constant_of(run), "dismissed").status_code == 404
    assert constant_of(run).disposition == "open"


@pytest.mark.parametrize(("query", "field"), [
    ("severity=urgent", "severity"), ("anomaly_type=made_up", "anomaly_type"), ("disposition=ignored", "disposition"),
])
def test_an_unknown_filter_value_is_a_400_listing_the_valid_ones(viewer_client, query, field):
    run = complete_at(make_table_group(), with_constant(True), START)
    response = viewer_client.get(f"/data-quality/profile-runs/{run.pk}/anomalies?{query}")
    assert response.status_code == 400 and "valid:" in str(response.json())
    assert field in str(response.json())


def test_filters_take_any_case_and_a_bare_table_name(viewer_client):
    run = complete_at(make_table_group(), payload(anomalies=[CONSTANT, PII]), START)
    base = f"/data-quality/profile-runs/{run.pk}/anomalies"
    assert viewer_client.get(f"{base}?severity=HIGH").json()["count"] == 1
    assert viewer_client.get(f"{base}?table_name=orders").json()["count"] == 2
    assert viewer_client.get(f"{base}?table_name=sales.orders&disposition=open&is_new=true").json()["count"] == 2
