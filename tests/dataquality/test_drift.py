"""Drift: two completions of one group whose answers are known. Each type fires when planted and stays quiet on
a clean repeat; a first run raises none; a repeated callback adds nothing."""

import copy

import pytest

from dataquality.drift_catalogue import DRIFT_TYPES
from dataquality.models import ProfileAnomaly, ProfileRunStatus, TableGroup
from dataquality.services.results.completion import complete_profile_run
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, make_table_group, run_client

pytestmark = pytest.mark.django_db


def col(name, data_type, general_type, position, **metrics) -> dict:
    return {"column_name": name, "data_type": data_type, "general_type": general_type, "ordinal_position": position,
            "row_count": 1000, "null_count": 0, **metrics}


def top(*values) -> list[dict]:
    return [{"value": value, "count": 100} for value in values]


BASELINE = {
    "status": "completed",
    "anomalies": [],
    "tables": [
        {
            "schema_name": "sales", "table_name": "orders", "row_count": 1000, "column_count": 5,
            "columns": [
                col("order_id", "bigint", "numeric", 1, distinct_count=1000, mean=500.5, stddev=288.8),
                col("status", "string", "text", 2, null_count=10, distinct_count=3,
                    top_values=top("open", "closed", "pending")),
                col("amount", "double", "numeric", 3, distinct_count=800, mean=50.0, stddev=5.0),
                col("note", "string", "text", 4, null_count=20, distinct_count=500),
                col("legacy", "string", "text", 5, null_count=1000, distinct_count=0),
            ],
        },
        {
            "schema_name": "crm", "table_name": "accounts", "row_count": 200, "column_count": 1,
            "columns": [col("id", "bigint", "numeric", 1, row_count=200, distinct_count=200, mean=100.5, stddev=57.9)],
        },
    ],
}


def orders(payload) -> dict:
    return payload["tables"][0]


def column(payload, name) -> dict:
    return next(entry for entry in orders(payload)["columns"] if entry["column_name"] == name)


def plant(change):
    def planted():
        payload = copy.deepcopy(BASELINE)
        change(payload)
        return payload
    return planted


PLANTED = {
    "row_count_drop": (None, plant(lambda p: orders(p).update(row_count=400))),
    "row_count_growth": (None, plant(lambda p: orders(p).update(row_count=2500))),
    "column_added": ("channel", plant(lambda p: orders(p)["columns"].append(col("channel", "string", "text", 6)))),
    "column_dropped": ("legacy", plant(lambda p: orders(p)["columns"].pop())),
    "data_type_change": ("amount", plant(lambda p: column(p, "amount").update(data_type="decimal(10,2)"))),
    "null_share_increase": ("note", plant(lambda p: column(p, "note").update(null_count=200))),  # 2% to 20%
    "distinct_count_change": ("amount", plant(lambda p: column(p, "amount").update(distinct_count=300))),
    "mean_shift": ("amount", plant(lambda p: column(p, "amount").update(mean=66.0))),  # 3.2 standard deviations
    "new_top_value": ("status", plant(lambda p: column(p, "status").update(
        distinct_count=4, top_values=top("open", "closed", "pending", "refunded")))),
    "vanished_top_value": ("status", plant(lambda p: column(p, "status").update(
        distinct_count=2, top_values=top("open", "closed")))),
}


def clean_repeat() -> dict:
    """The baseline again, with the noise of a normal day just inside every threshold."""
    payload = copy.deepcopy(BASELINE)
    orders(payload).update(row_count=1490)  # +49%
    column(payload, "amount").update(mean=64.5, distinct_count=401)  # 2.9 standard deviations, factor 1.995
    column(payload, "note").update(null_count=110)  # 2% to 11%: +9 share points
    column(payload, "status").update(top_values=top("pending", "open", "closed"))  # same values, new order
    return payload


def complete(table_group, payload, **run_fields):
    run = make_profile_run(table_group, **run_fields)
    return complete_profile_run(profile_run_id=run.pk, payload=payload)


def drift_of(run) -> list[tuple]:
    drift_ids = {anomaly_type.id for anomaly_type in DRIFT_TYPES}
    return sorted(
        (anomaly.table_name, anomaly.column_name, anomaly.anomaly_type)
        for anomaly in ProfileAnomaly.objects.filter(profile_run=run, anomaly_type__in=drift_ids)
    )


def test_every_drift_type_has_planted_data():
    assert set(PLANTED) == {anomaly_type.id for anomaly_type in DRIFT_TYPES}


def test_a_groups_first_completed_run_raises_no_drift():
    first = complete(make_table_group(), PLANTED["row_count_drop"][1]())
    assert drift_of(first) == [] and first.anomaly_count == 0


@pytest.mark.parametrize("anomaly_type", DRIFT_TYPES, ids=lambda anomaly_type: anomaly_type.id)
def test_fires_when_planted(anomaly_type):
    group = make_table_group()
    complete(group, BASELINE)
    column_name, planted = PLANTED[anomaly_type.id]

    second = complete(group, planted())

    assert drift_of(second) == [("sales.orders", column_name, anomaly_type.id)]
    anomaly = second.anomalies.get(anomaly_type=anomaly_type.id)
    assert anomaly.severity == anomaly_type.severity and anomaly.detected_at == second.completed_at
    assert second.anomaly_count == 1


def test_descriptions_state_the_figures():
    group = make_table_group()
    complete(group, BASELINE)
    second = complete(group, PLANTED["row_count_drop"][1]())
    assert second.anomalies.get().description == "400 rows, down 60.0% from 1,000 in the previous completed run"
    third = complete(group, PLANTED["vanished_top_value"][1]())
    # Compared with the second run: back from 400 to 1000 rows, and 'pending' gone from the status column.
    assert third.anomalies.get(anomaly_type="row_count_growth").description == (
        "1,000 rows, up 150.0% from 400 in the previous completed run"
    )
    assert third.anomalies.get(anomaly_type="vanished_top_value").description == "Values no longer present: 'pending'"


def test_quiet_on_a_clean_repeat():
    group = make_table_group()
    complete(group, BASELINE)
    assert drift_of(complete(group, clean_repeat())) == []
    assert drift_of(complete(group, BASELINE)) == []


def test_columns_without_every_value_listed_are_not_compared_for_values():
    group = make_table_group()
    baseline = copy.deepcopy(BASELINE)
    column(baseline, "status").update(distinct_count=40)  # ten of forty values listed: not low-cardinality
    complete(group, baseline)
    changed = copy.deepcopy(baseline)
    column(changed, "status").update(top_values=top("open", "closed", "refunded"))
    assert drift_of(complete(group, changed)) == []


def test_drift_adds_to_the_notebooks_anomalies_and_their_count():
    group = make_table_group()
    complete(group, BASELINE)
    payload = PLANTED["column_dropped"][1]()
    payload["anomalies"] = [{"table_name": "sales.orders", "column_name": "note", "anomaly_type": "high_null_ratio",
                             "severity": "medium", "description": "2 of 1000"}]
    second = complete(group, payload)
    assert second.anomaly_count == 2
    assert sorted(second.anomalies.values_list("anomaly_type", flat=True)) == ["column_dropped", "high_null_ratio"]


def test_a_drop_reported_by_an_older_notebook_is_not_added_twice():
    group = make_table_group()
    complete(group, BASELINE)
    payload = PLANTED["row_count_drop"][1]()
    payload["anomalies"] = [{"table_name": "sales.orders", "anomaly_type": "row_count_drop", "severity": "high",
                             "description": "400 rows, down from 1000"}]
    second = complete(group, payload)
    assert list(second.anomalies.values_list("anomaly_type", flat=True)) == ["row_count_drop"]
    assert second.anomaly_count == 1


def test_the_previous_run_is_the_latest_completed_one_before_it():
    group = make_table_group()
    complete(group, BASELINE)
    failed = complete(group, {"status": "failed", "error_message": "cluster lost"})
    third = complete(group, PLANTED["row_count_growth"][1]())
    assert failed.status == ProfileRunStatus.FAILED and drift_of(failed) == []
    assert drift_of(third) == [("sales.orders", None, "row_count_growth")]
    other_group = complete(make_table_group(), BASELINE)  # another group's history does not count
    assert drift_of(other_group) == []


def test_a_failed_or_erroring_table_is_not_compared():
    group = make_table_group()
    complete(group, BASELINE)
    payload = PLANTED["column_dropped"][1]()
    orders(payload).update(error="AnalysisException: table not found", columns=[], row_count=None)
    assert drift_of(complete(group, payload)) == []


def test_a_groups_own_thresholds_override_the_settings(settings):
    group = make_table_group(drift_thresholds={"row_count_drop": 0.3})
    complete(group, BASELINE)
    payload = copy.deepcopy(BASELINE)
    orders(payload).update(row_count=650)  # -35%: quiet under the default 50%, fires under the group's 30%
    assert drift_of(complete(group, payload)) == [("sales.orders", None, "row_count_drop")]

    settings.DRIFT_ROW_COUNT_GROWTH = 0.2
    payload = copy.deepcopy(BASELINE)
    orders(payload).update(row_count=800)  # +23% on 650
    assert drift_of(complete(group, payload)) == [("sales.orders", None, "row_count_growth")]


def test_a_repeated_callback_adds_no_drift_rows(callback_secret):
    group = make_table_group()
    complete(group, BASELINE)
    run = make_profile_run(group)
    payload = PLANTED["mean_shift"][1]()
    client = run_client(run)

    for _ in range(3):
        assert client.post(complete_url(run.pk), payload, format="json").status_code == 200

    assert drift_of(run) == [("sales.orders", "amount", "mean_shift")]
    run.refresh_from_db()
    assert run.anomaly_count == 1


def test_a_run_completed_after_a_timeout_gets_its_drift_once(callback_secret):
    group = make_table_group()
    complete(group, BASELINE)
    run = make_profile_run(group, status=ProfileRunStatus.FAILED, error_message="timed out")
    client = run_client(run)
    payload = PLANTED["data_type_change"][1]()

    assert client.post(complete_url(run.pk), payload, format="json").status_code == 200
    assert client.post(complete_url(run.pk), payload, format="json").status_code == 200

    assert drift_of(run) == [("sales.orders", "amount", "data_type_change")]


def test_drift_shows_in_the_api_anomalies(permitted_client):
    group = make_table_group()
    complete(group, BASELINE)
    second = complete(group, PLANTED["column_added"][1]())
    reader = permitted_client("view_profilerun", "view_profileanomaly")
    body = reader.get(f"/data-quality/profile-runs/{second.pk}/anomalies").json()
    assert [(row["anomaly_type"], row["column_name"]) for row in body["results"]] == [("column_added", "channel")]


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"row_count_drop": 1.5}, "at most 1"),
        ({"row_count_drops": 0.5}, "Unknown threshold"),
        ({"mean_shift_stddevs": "three"}, "must be a number"),
        ({"distinct_count_factor": 1}, "greater than 1"),
        ([0.5], "Must be an object"),
    ],
)
def test_bad_drift_thresholds_are_a_400_naming_the_field(permitted_client, table_group, overrides, reason):
    editor = permitted_client("view_tablegroup", "change_tablegroup")
    url = f"/data-quality/table-groups/{table_group.pk}"
    response = editor.patch(url, {"drift_thresholds": overrides}, format="json")
    assert response.status_code == 400
    assert reason in " ".join(response.json()["errors"]["drift_thresholds"])
    assert TableGroup.objects.get(pk=table_group.pk).drift_thresholds == {}
    accepted = editor.patch(url, {"drift_thresholds": {"row_count_drop": 0.3}}, format="json")
    assert accepted.status_code == 200 and accepted.json()["drift_thresholds"] == {"row_count_drop": 0.3}


def test_drift_shows_on_the_run_report_with_its_catalogue_name(client, django_user_model):
    from django.contrib.auth.models import Permission

    group = make_table_group()
    complete(group, BASELINE)
    second = complete(group, PLANTED["null_share_increase"][1]())
    viewer = django_user_model.objects.create_user(username="report-reader")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_profilerun", "use_default_workspace"], content_type__app_label="dataquality")
    )
    client.force_login(viewer)

    page = client.get(f"/data-quality/profile-runs/{second.pk}/report").content.decode()

    assert "Null share increase" in page and "Null share up from 2.0% to 20.0%" in page
