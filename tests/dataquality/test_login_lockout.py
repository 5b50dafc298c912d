"""Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failures a user name and an address are locked
out, on the pages' login and the admin's, with a clear message; the right password works once it expires."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(username="member", password=PASSWORD, is_staff=True)


def _log_in(client, path, password, username="member", address="10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_locked_out_after_the_limit_then_in_after_expiry(path, member):
    client = Client()
    for _ in range(2):
        assert _log_in(client, path, "wrong").status_code == 200  # the form again, with its error
    assert _log_in(client, path, "wrong").status_code == 429  # the third failure locks

    locked = _log_in(client, path, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode() and "after 3 failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))  # the lockout has expired
    assert _log_in(client, path, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_the_user_name_is_locked_from_any_address(member):
    client = Client()
    for number in range(3):
        _log_in(client, "/accounts/login/", "wrong", address=f"10.0.0.{number}")
    assert _log_in(client, "/accounts/login/", PASSWORD, address="10.9.9.9").status_code == 429


def test_the_address_is_locked_for_any_user_name(member):
    client = Client()
    for number in range(3):
        _log_in(client, "/accounts/login/", "wrong", username=f"guess{number}")
    assert _log_in(client, "/accounts/login/", PASSWORD).status_code == 429


def test_behind_a_proxy_the_client_is_counted_not_the_proxy(member, settings):
    settings.LOGIN_PROXY_COUNT = 1
    client = Client()
    for number in range(3):  # one client, spoofing what it can: the left of the header
        client.post("/accounts/login/", {"username": f"guess{number}", "password": "x"}, REMOTE_ADDR="10.0.0.254",
                    HTTP_X_FORWARDED_FOR=f"1.1.1.{number}, 203.0.113.7")
    other_client = {"REMOTE_ADDR": "10.0.0.254", "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.post("/accounts/login/", {"username": "member", "password": PASSWORD}, **other_client).status_code == 302
