"""Unchanged tables, on the server: versions kept with results, the manifest's `previous_tables`, `force_full`."""

from __future__ import annotations

import copy

import pytest

from dataquality.models import ProfileResult, ProfileRun, ProfileRunStatus
from dataquality.services.results.completion import complete_profile_run
from dataquality.services.results.manifest import build_manifest
from tests.dataquality.fixtures.callback import load_payload, make_profile_run, make_table_group

pytestmark = pytest.mark.django_db


def versioned_payload(version: int = 12) -> dict:
    payload = load_payload("engine_payload")
    payload["tables"][0]["delta_version"] = version
    return payload


def test_the_manifest_offers_the_last_completed_run_tables_as_the_payload_had_them():
    group = make_table_group()
    previous = make_profile_run(group)
    payload = versioned_payload()
    complete_profile_run(profile_run_id=previous.pk, payload=payload)

    offered = build_manifest(make_profile_run(group, status=ProfileRunStatus.QUEUED))["previous_tables"]

    [(key, entry)] = offered.items()
    assert key == "s.t" and (entry["profile_run_id"], entry["delta_version"]) == (str(previous.pk), 12)
    sent_table = payload["tables"][0]
    table = entry["table"]
    assert (table["row_count"], table["column_count"]) == (sent_table["row_count"], sent_table["column_count"])
    assert [column["column_name"] for column in table["columns"]] == [c["column_name"] for c in sent_table["columns"]]
    for sent, offered_column in zip(sent_table["columns"], table["columns"]):
        assert offered_column["null_count"] == sent["null_count"] and offered_column["mean"] == sent["mean"]
        assert [entry["count"] for entry in offered_column["top_patterns"]] == [e["count"] for e in sent["top_patterns"]]
    email = next(column for column in table["columns"] if column["column_name"] == "email")
    assert email["top_values"] == [] and email["min_value"] is None  # PII stays withheld
    assert [a["anomaly_type"] for a in entry["anomalies"]] == [a["anomaly_type"] for a in payload["anomalies"]]


def test_a_reused_table_completes_a_new_run_with_its_origin():
    group = make_table_group()
    previous = make_profile_run(group)
    complete_profile_run(profile_run_id=previous.pk, payload=versioned_payload())
    current = make_profile_run(group)
    entry = build_manifest(current)["previous_tables"]["s.t"]
    reused = {**copy.deepcopy(entry["table"]), "delta_version": 12, "reused_from": entry["profile_run_id"]}

    complete_profile_run(
        profile_run_id=current.pk,
        payload={"status": "completed", "tables": [reused], "anomalies": entry["anomalies"], "warnings": ["w1"]},
    )

    result = ProfileResult.objects.get(profile_run=current)
    assert (result.delta_version, str(result.reused_from)) == (12, str(previous.pk))
    current.refresh_from_db()
    assert current.warnings == ["w1"]
    assert current.anomaly_count == len(entry["anomalies"])  # the same data: no drift against the previous run


def test_a_force_full_run_is_offered_nothing_to_reuse():
    group = make_table_group()
    complete_profile_run(profile_run_id=make_profile_run(group).pk, payload=versioned_payload())

    assert build_manifest(make_profile_run(group, force_full=True))["previous_tables"] == {}


def test_tables_without_a_version_are_not_offered():
    group = make_table_group()
    complete_profile_run(profile_run_id=make_profile_run(group).pk, payload=load_payload("engine_payload"))

    assert build_manifest(make_profile_run(group))["previous_tables"] == {}


def test_the_run_api_says_which_tables_were_reused(viewer_client):
    group = make_table_group()
    previous = make_profile_run(group, status=ProfileRunStatus.COMPLETED)
    run = make_profile_run(group, status=ProfileRunStatus.COMPLETED)
    run.results.create(schema_name="s", table_name="t", row_count=1, delta_version=4, reused_from=previous.pk)
    run.results.create(schema_name="s", table_name="u", row_count=1, delta_version=5)

    detail = viewer_client.get(f"/data-quality/profile-runs/{run.pk}").json()
    results = viewer_client.get(f"/data-quality/profile-runs/{run.pk}/results").json()

    assert detail["reused_tables"] == [{"schema_name": "s", "table_name": "t", "reused_from": str(previous.pk)}]
    assert [(t["table_name"], t["reused_from"], t["delta_version"]) for t in results["tables"]] == [
        ("t", str(previous.pk), 4), ("u", None, 5)]


@pytest.mark.parametrize(("body", "force_full"), [(None, False), ({"force_full": True}, True)])
def test_the_start_request_takes_force_full(operator_client, workspace, table_group, body, force_full):
    workspace.ready()

    response = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs", body, format="json")

    assert response.status_code == 202, response.content
    assert ProfileRun.objects.get(pk=response.json()["profile_run_id"]).force_full is force_full


@pytest.mark.parametrize("body", [{"force_full": "perhaps"}, ["force_full"]])
def test_a_bad_start_body_is_refused_with_a_reason(operator_client, table_group, body):
    response = operator_client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs", body, format="json")

    assert response.status_code == 400
    assert not ProfileRun.objects.exists()
