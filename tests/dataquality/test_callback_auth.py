"""Who may call the notebook endpoints: only the bearer of the run's own, unexpired callback token."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dataquality.models import ProfileAnomaly, ProfileRun, ProfileRunStatus
from dataquality.services.results.callback_tokens import make_callback_token
from tests.dataquality.fixtures.callback import (
    bearer_client,
    complete_url,
    load_payload,
    make_profile_run,
    make_table_group,
    manifest_url,
    run_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("callback_secret")]

ENDPOINTS = ["complete", "manifest"]


def call(client: APIClient, endpoint: str, profile_run_id):
    if endpoint == "complete":
        return client.post(complete_url(profile_run_id), load_payload("seed_payload"), format="json")
    return client.get(manifest_url(profile_run_id))


def assert_refused(response, profile_run: ProfileRun, status_code: int = 401) -> None:
    assert response.status_code == status_code, response.content
    assert response.json()["detail"]
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.RUNNING
    assert not ProfileAnomaly.objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_missing_token_is_401_with_a_bearer_challenge(endpoint):
    profile_run = make_profile_run()
    response = call(APIClient(), endpoint, profile_run.pk)
    assert_refused(response, profile_run)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("token", ["not-the-token", "", "é", "a b"])
def test_wrong_token_is_401(endpoint, token):
    profile_run = make_profile_run()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_refused(call(client, endpoint, profile_run.pk), profile_run)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_runs_token_is_401(endpoint):
    profile_run = make_profile_run()
    other_run = make_profile_run(make_table_group(name="other"))
    assert_refused(call(run_client(other_run), endpoint, profile_run.pk), profile_run)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_rest_token_key_is_401(endpoint, scheme, user):
    profile_run = make_profile_run()
    key = Token.objects.create(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    assert_refused(call(client, endpoint, profile_run.pk), profile_run)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_session_is_401(endpoint, user):
    profile_run = make_profile_run()
    client = APIClient()
    client.force_login(user)
    assert_refused(call(client, endpoint, profile_run.pk), profile_run)


def test_token_under_the_previous_secret_is_accepted_during_rotation(settings, callback_secret):
    profile_run = make_profile_run()
    token_under_old_secret = make_callback_token(profile_run.pk)
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = "the-new-secret"
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET_PREVIOUS = callback_secret

    response = call(bearer_client(token_under_old_secret), "complete", profile_run.pk)

    assert response.status_code == 200, response.content
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.COMPLETED


def test_token_under_a_retired_secret_is_401(settings):
    profile_run = make_profile_run()
    token_under_old_secret = make_callback_token(profile_run.pk)
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = "the-new-secret"

    assert_refused(call(bearer_client(token_under_old_secret), "complete", profile_run.pk), profile_run)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_token_expires_after_the_grace_period(endpoint, settings):
    settings.PROFILE_CALLBACK_GRACE_HOURS = 24
    profile_run = make_profile_run(status=ProfileRunStatus.FAILED, completed_at=timezone.now() - timedelta(hours=25))

    response = call(run_client(profile_run), endpoint, profile_run.pk)

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    profile_run.refresh_from_db()
    assert profile_run.status == ProfileRunStatus.FAILED
    assert not ProfileAnomaly.objects.exists()


def test_token_still_works_within_the_grace_period(settings):
    settings.PROFILE_CALLBACK_GRACE_HOURS = 24
    profile_run = make_profile_run(status=ProfileRunStatus.FAILED, completed_at=timezone.now() - timedelta(hours=23))
    assert call(run_client(profile_run), "complete", profile_run.pk).status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unknown_run_with_its_own_valid_token_is_404(endpoint):
    unknown = uuid.uuid4()
    response = call(bearer_client(make_callback_token(unknown)), endpoint, unknown)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unknown_run_without_a_valid_token_is_401_not_404(endpoint):
    response = call(bearer_client("guess"), endpoint, uuid.uuid4())
    assert response.status_code == 401


def test_no_secret_configured_refuses_every_token(settings):
    profile_run = make_profile_run()
    client = run_client(profile_run)
    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = ""
    assert_refused(call(client, "complete", profile_run.pk), profile_run)


def test_token_check_refuses_non_ascii_tokens_without_crashing(settings):
    import uuid

    from dataquality.services.results.callback_tokens import make_callback_token, token_matches

    settings.DATABRICKS_PROFILE_CALLBACK_SECRET = "s"
    run_id = uuid.uuid4()
    assert token_matches(run_id, make_callback_token(run_id))
    assert not token_matches(run_id, "tökén")
