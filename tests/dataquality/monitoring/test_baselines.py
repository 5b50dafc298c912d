"""Baselines learned from a group's history (contract 11.2), on series whose answers are known."""

from datetime import timedelta

import pytest
from django.test import override_settings

from tests.dataquality.fixtures.callback import make_table_group
from tests.dataquality.monitoring.series import START, complete_at, daily, judged, payload

pytestmark = pytest.mark.django_db
NO_BASELINES = override_settings(DQ_BASELINE_MIN_RUNS=1000, DQ_BASELINE_WINDOW=1000)


def creep(group):
    """Null share of `note`: 1% for eight runs, then 2%, 3%, 4%: never 10 points up from one run to the next."""
    return daily(group, [payload(note_nulls=nulls) for nulls in [10] * 8 + [20, 30, 40]])


def test_a_slow_creep_is_caught_by_the_baseline():
    runs = creep(make_table_group())

    assert judged(runs[-2]) == []  # 3% is on the band's edge
    assert judged(runs[-1]) == [("null_share_outside_baseline", "note", "medium")]
    anomaly = runs[-1].anomalies.get()
    assert (anomaly.observed, anomaly.expected_low, anomaly.expected_high, anomaly.baseline_runs) == pytest.approx(
        (0.04, 0.0, 0.03, 10)
    )
    assert anomaly.description == "Null share 4.0%, expected 0.0%–3.0% from the last 10 runs"


def test_previous_run_drift_alone_misses_the_creep():
    with NO_BASELINES:
        runs = creep(make_table_group())
    assert [judged(run) for run in runs] == [[]] * len(runs)


def test_a_two_valued_series_flagged_by_previous_run_drift_is_quiet_under_its_baseline():
    group = make_table_group()
    with override_settings(DQ_BASELINE_WINDOW=10):
        runs = daily(group, [payload(rows=1000 if day % 2 == 0 else 2100) for day in range(14)])

    assert judged(runs[1], "row_count_growth") == [("row_count_growth", None, "medium")]  # no baseline yet
    # A full window holds both values equally often: its median lies between them and its MAD spans them.
    assert [judged(run, "row_count_growth", "row_count_outside_baseline") for run in runs[10:]] == [[]] * 4


def test_the_floors_keep_a_flat_history_quiet():
    group = make_table_group()
    runs = daily(group, [payload()] * 10 + [payload(rows=1005, note_nulls=14, amount_mean=50.4)])
    assert judged(runs[-1]) == []


def test_fewer_runs_than_the_minimum_raise_no_baseline_anomaly():
    group = make_table_group()
    runs = daily(group, [payload(note_nulls=10)] * 4 + [payload(note_nulls=80)])
    assert judged(runs[-1], "null_share_outside_baseline") == []


def test_far_outside_the_band_is_high():
    runs = daily(make_table_group(), [payload(note_nulls=10)] * 8 + [payload(note_nulls=60)])
    assert judged(runs[-1]) == [("null_share_outside_baseline", "note", "high")]


@pytest.mark.parametrize(("sensitivity", "flagged"), [("low", False), ("medium", False), ("high", True)])
def test_sensitivity_changes_the_verdict(sensitivity, flagged):
    group = make_table_group(sensitivity=sensitivity)
    runs = daily(group, [payload(note_nulls=10)] * 8 + [payload(note_nulls=28)])  # 1.8 points above the median
    assert bool(judged(runs[-1], "null_share_outside_baseline")) is flagged


def test_every_monitored_metric_has_its_type():
    group = make_table_group()
    daily(group, [payload()] * 6)
    run = complete_at(group, payload(rows=1500, note_nulls=100, note_blanks=200, customers=1500, amount_mean=80.0),
                      START + timedelta(days=6))
    assert {kind for kind, _, _ in judged(run)} == {
        "row_count_outside_baseline", "null_share_outside_baseline", "blank_share_outside_baseline",
        "distinct_count_outside_baseline", "mean_outside_baseline",
    }


def weekly_rhythm(group, *, weeks=8):
    """Daily runs over `weeks` weeks: Mondays hold 5,000 rows, the other days 1,000."""
    bodies = [payload(rows=5000 if day % 7 == 0 else 1000) for day in range(weeks * 7)]
    return daily(group, bodies)


def test_a_weekday_rhythm_is_not_flagged_on_its_busy_day():
    group = make_table_group()
    weekly_rhythm(group)
    monday = complete_at(group, payload(rows=5000), START + timedelta(weeks=8))
    assert judged(monday, "row_count_outside_baseline", "row_count_growth") == []


def test_the_busy_day_volume_on_another_weekday_is_flagged():
    group = make_table_group()
    weekly_rhythm(group)
    tuesday = complete_at(group, payload(rows=5000), START + timedelta(weeks=8, days=1))
    assert judged(tuesday, "row_count_outside_baseline") == [("row_count_outside_baseline", None, "high")]
    assert "from the last 20 runs" in tuesday.anomalies.get(anomaly_type="row_count_outside_baseline").description


def test_a_quiet_busy_day_is_judged_against_the_same_weekdays():
    group = make_table_group()
    weekly_rhythm(group)
    monday = complete_at(group, payload(rows=1000), START + timedelta(weeks=8))
    anomaly = monday.anomalies.get(anomaly_type="row_count_outside_baseline")
    assert anomaly.description.endswith("from the last 8 Mondays")


def test_the_baseline_fields_are_returned_by_the_api(viewer_client):
    runs = creep(make_table_group())
    body = viewer_client.get(f"/data-quality/profile-runs/{runs[-1].pk}/anomalies").json()["results"][0]
    assert body["anomaly_type"] == "null_share_outside_baseline"
    assert (body["observed"], body["expected_low"], body["expected_high"], body["baseline_runs"]) == pytest.approx(
        (0.04, 0.0, 0.03, 10)
    )


def test_a_bad_sensitivity_is_a_400_naming_the_field(operator_client):
    group = make_table_group()
    response = operator_client.patch(f"/data-quality/table-groups/{group.pk}", {"sensitivity": "paranoid"}, format="json")
    assert response.status_code == 400 and "sensitivity" in response.json()["errors"]
