"""The pages' own login: viewers need not be staff, so the admin's login (staff only) would lock them out."""

import pytest
from django.urls import reverse

from tests.dataquality.reports.conftest import completed_run
from tests.dataquality.fixtures.callback import load_payload

pytestmark = pytest.mark.django_db


def test_a_non_staff_viewer_logs_in_and_is_sent_back_to_the_report(client, viewer, group):
    viewer.set_password("a long demo password")
    viewer.save()
    run = completed_run(group, load_payload("engine_payload"))
    report = reverse("profile-run-report", args=[run.pk])

    login_page = client.get(report, follow=True)
    assert login_page.redirect_chain[-1][0] == f"/accounts/login/?next={report}"
    assert b'name="password"' in login_page.content

    answer = client.post("/accounts/login/", {"username": "viewer", "password": "a long demo password", "next": report})

    assert answer.status_code == 302 and answer["Location"] == report
    assert client.get(report).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, viewer):
    answer = client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})
    assert answer.status_code == 200
    assert b"did not match" in answer.content
    assert client.get("/").status_code == 302


def test_logging_out_ends_the_session(client, viewer):
    client.force_login(viewer)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
