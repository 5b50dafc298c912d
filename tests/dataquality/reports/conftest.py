"""Runs for the report tests: completed through the completion service from payloads the engine wrote."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from dataquality.models import ProfileRun
from dataquality.services.results.completion import complete_profile_run
from tests.dataquality.fixtures.callback import load_payload, make_profile_run, make_table_group


def completed_run(table_group, payload: dict, *, minutes_ago: int = 0, **fields) -> ProfileRun:
    """A run of `table_group` started and completed through the completion service with `payload`."""
    started = timezone.now() - timezone.timedelta(minutes=minutes_ago + 2)
    run = make_profile_run(
        table_group, started_at=started, run_page_url="https://adb-1234.5.azuredatabricks.net/jobs/42/runs/4711",
        **fields,
    )
    if minutes_ago:
        # Order runs in time as the comparison does: by when they were written.
        ProfileRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=minutes_ago + 3))
    return complete_profile_run(profile_run_id=run.pk, payload=payload)


@pytest.fixture
def group(db):
    return make_table_group("orders")


@pytest.fixture
def engine_run(group):
    """A completed run whose payload is the engine's own output (tests/dataquality/fixtures/engine_payload.json)."""
    return completed_run(group, load_payload("engine_payload"))


@pytest.fixture
def viewer(django_user_model):
    """A logged-in user who may view runs (of the default workspace) and nothing else."""
    member = django_user_model.objects.create_user(username="viewer")
    member.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_profilerun", "use_default_workspace"], content_type__app_label="dataquality"
        )
    )
    return member


@pytest.fixture
def viewer_page(client, viewer):
    client.force_login(viewer)
    return client

