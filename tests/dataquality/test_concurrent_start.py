"""Two start requests at once for one group: the database lets exactly one run through.

Runs on PostgreSQL (CI's second pass): SQLite serialises writers, so it cannot show the race.
"""

import threading

import pytest
from django.db import connection, connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dataquality.models import ProfileRun

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_starts_give_one_run_and_one_409(workspace, table_group, operator_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions")
    workspace.ready()
    key = Token.objects.create(user=operator_user).key
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        barrier.wait()
        try:
            statuses.append(client.post(f"/data-quality/table-groups/{table_group.pk}/profile-runs").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [202, 409]
    assert ProfileRun.objects.count() == 1
    assert len(workspace.calls_to("run-now")) == 1
