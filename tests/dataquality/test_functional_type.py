"""A column's functional type goes from the payload to the model, `/results`, the run report and the admin."""

import pytest
from django.urls import reverse

from dataquality.models import ProfileColumn
from tests.dataquality.fixtures.callback import complete_url, make_profile_run, run_client, wide_payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]


def _completed(functional_types: dict[str, str]):
    payload = wide_payload(1, 2)
    for column in payload["tables"][0]["columns"]:
        if column["column_name"] in functional_types:
            column["functional_type"] = functional_types[column["column_name"]]
    profile_run = make_profile_run()
    response = run_client(profile_run).post(complete_url(profile_run.pk), payload, format="json")
    return profile_run, response


def test_stored_on_the_column_and_returned_by_results(viewer_client):
    profile_run, response = _completed({"c00": "id_foreign"})
    assert response.status_code == 200
    stored = ProfileColumn.objects.get(column_name="c00")
    assert (stored.functional_type, "functional_type" in stored.extra) == ("id_foreign", False)
    assert ProfileColumn.objects.get(column_name="c01").functional_type == ""  # an older notebook sends none
    results = viewer_client.get(f"/data-quality/profile-runs/{profile_run.pk}/results").json()
    by_name = {column["column_name"]: column for column in results["tables"][0]["columns"]}
    assert (by_name["c00"]["functional_type"], by_name["c01"]["functional_type"]) == ("id_foreign", "")


def test_a_functional_type_too_long_to_store_is_refused_with_a_reason():
    _, response = _completed({"c00": "x" * 31})
    assert response.status_code == 400
    assert "functional_type" in response.content.decode()


def test_shown_in_the_report_and_the_admin(client, admin_user):
    profile_run, _ = _completed({"c00": "person_given_name"})
    client.force_login(admin_user)
    report = client.get(reverse("profile-run-report", args=[profile_run.pk])).content.decode()
    assert '<span class="muted" title="Functional type">person_given_name</span>' in report
    changelist = client.get(reverse("admin:dataquality_profilecolumn_changelist")).content.decode()
    assert "person_given_name" in changelist
