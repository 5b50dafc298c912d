"""The admin as a data engineer works in it: anomalies across runs, a runs list that fits one screen,
read-only pages without Save or Delete, and a group page that starts a run under the API's permission."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from dataquality.models import ProfileAnomaly, ProfileColumn, ProfileResult, ProfileRun
from tests.dataquality.workspace import JOBS

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", email="root@example.com", password=None)
    client.force_login(admin)
    return client


def permission(codename: str) -> Permission:
    """A permission of ProfileRun or TableGroup by codename; custom ones are made here when no migration has yet."""
    model = "tablegroup" if codename.endswith("tablegroup") else "profilerun"
    content_type = ContentType.objects.get(app_label="dataquality", model=model)
    found, _ = Permission.objects.get_or_create(
        codename=codename, content_type=content_type, defaults={"name": codename.replace("_", " ")}
    )
    return found


@pytest.fixture
def staff_with(client, django_user_model):
    """A logged-in staff user holding exactly the given permissions, and the grant of the default workspace."""

    def make(*codenames: str):
        member = django_user_model.objects.create_user(username=f"engineer{len(codenames)}", is_staff=True)
        default_workspace = Permission.objects.get(content_type__app_label="dataquality", codename="use_default_workspace")
        member.user_permissions.set([*(permission(codename) for codename in codenames), default_workspace])
        client.force_login(member)
        return client

    return make


def add_anomaly(run, severity: str, description: str, table_name: str = "sales.orders", anomaly_type="null_ratio"):
    return ProfileAnomaly.objects.create(
        profile_run=run, table_name=table_name, column_name="id", anomaly_type=anomaly_type, severity=severity,
        description=description, detected_at=timezone.now(),
    )


@pytest.fixture
def run(table_group):
    now = timezone.now()
    run = ProfileRun.objects.create(
        table_group=table_group, status="completed", databricks_run_id="9001", databricks_job_id="101",
        run_page_url="https://adb-1234.5.azuredatabricks.net/jobs/101/runs/9001",
        started_at=now - timezone.timedelta(seconds=95), completed_at=now, anomaly_count=3,
    )
    add_anomaly(run, "high", "2 duplicates", anomaly_type="duplicate_key_values")
    add_anomaly(run, "medium", "40% nulls", table_name="sales.customers")
    add_anomaly(run, "low", "leading spaces")
    return run


def test_anomalies_are_registered_with_the_plural_spelt_right(admin_client, run):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Profile anomalies" in page
    assert "anomalys" not in page.lower()


def test_anomaly_list_filters_by_severity_type_run_and_table(admin_client, run, table_group):
    other_run = ProfileRun.objects.create(table_group=table_group, status="failed")
    add_anomaly(other_run, "high", "other run's anomaly")
    url = reverse("admin:dataquality_profileanomaly_changelist")

    def shown(**query) -> set[str]:
        page = admin_client.get(url, query).content.decode()
        return {text for text in ("2 duplicates", "40% nulls", "leading spaces", "other run&#x27;s anomaly") if text in page}

    assert shown(severity="high") == {"2 duplicates", "other run&#x27;s anomaly"}
    assert shown(anomaly_type__exact="duplicate_key_values") == {"2 duplicates"}
    assert shown(profile_run__profile_run_id__exact=str(run.pk)) == {"2 duplicates", "40% nulls", "leading spaces"}
    assert shown(table_name__exact="sales.customers") == {"40% nulls"}
    assert shown(q="duplicates") == {"2 duplicates"}


@pytest.mark.parametrize("model", ["profileanomaly", "profilecolumn"])
def test_the_run_filter_lists_the_latest_runs_and_the_chosen_one(admin_client, table_group, model):
    runs = []
    for age in range(25, 0, -1):  # oldest first
        runs.append(ProfileRun.objects.create(table_group=table_group, status="failed"))
        ProfileRun.objects.filter(pk=runs[-1].pk).update(created_at=timezone.now() - timezone.timedelta(hours=age))
    oldest, newest = runs[0], runs[-1]
    url = reverse(f"admin:dataquality_{model}_changelist")

    page = admin_client.get(url).content.decode()
    assert f"profile_run__profile_run_id__exact={newest.pk}" in page
    assert f"profile_run__profile_run_id__exact={oldest.pk}" not in page
    assert page.count("profile_run__profile_run_id__exact=") == 20

    chosen = admin_client.get(url, {"profile_run__profile_run_id__exact": str(oldest.pk)}).content.decode()
    assert f"profile_run__profile_run_id__exact={oldest.pk}" in chosen
    assert admin_client.get(url, {"profile_run__profile_run_id__exact": "not-a-run"}).status_code in (200, 302)


def test_severity_filter_lists_the_most_severe_first(admin_client, run):
    page = admin_client.get(reverse("admin:dataquality_profileanomaly_changelist")).content.decode()
    assert page.index("?severity=high") < page.index("?severity=medium") < page.index("?severity=low")


def test_anomaly_severity_is_coloured(admin_client, run):
    page = admin_client.get(reverse("admin:dataquality_profileanomaly_changelist")).content.decode()
    assert '<span class="dq-sev sev-high">high</span>' in page
    assert '<span class="dq-sev sev-medium">medium</span>' in page
    assert "dataquality/admin.css" in page


@pytest.mark.parametrize("model", ["profilerun", "profileanomaly", "profilecolumn"])
def test_read_only_pages_show_no_save_or_delete(admin_client, run, model):
    column = ProfileColumn.objects.create(profile_run=run, table_name="orders", column_name="id")
    obj = {"profilerun": run, "profileanomaly": run.anomalies.first(), "profilecolumn": column}[model]
    page = admin_client.get(reverse(f"admin:dataquality_{model}_change", args=[obj.pk])).content.decode()
    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert "deletelink" not in page
    assert admin_client.post(reverse(f"admin:dataquality_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403


def test_runs_list_shows_short_id_dataset_duration_and_counts_by_severity(admin_client, run):
    page = admin_client.get(reverse("admin:dataquality_profilerun_changelist")).content.decode()
    assert f'title="{run.pk}">{str(run.pk)[:8]}<' in page
    assert "Sales" in page  # the dataset
    assert "1m 35s" in page
    for severity in ("high", "medium", "low"):
        assert f'<span class="dq-sev sev-{severity}" title="{severity}">1</span>' in page
    assert "9001 ↗" in page


def test_run_page_lists_its_tables_and_coloured_anomalies(admin_client, run):
    ProfileResult.objects.create(profile_run=run, schema_name="sales", table_name="orders", row_count=10, column_count=2)
    page = admin_client.get(reverse("admin:dataquality_profilerun_change", args=[run.pk])).content.decode()
    assert "Profile anomalies" in page
    assert '<span class="dq-sev sev-high">high</span>' in page
    assert "1m 35s" in page


def test_columns_filter_by_run_and_table(admin_client, run, table_group):
    other_run = ProfileRun.objects.create(table_group=table_group, status="failed")
    ProfileColumn.objects.create(profile_run=run, table_name="orders", column_name="order_total")
    ProfileColumn.objects.create(profile_run=run, table_name="customers", column_name="customer_email")
    ProfileColumn.objects.create(profile_run=other_run, table_name="orders", column_name="order_legacy")
    url = reverse("admin:dataquality_profilecolumn_changelist")

    def shown(**query) -> set[str]:
        page = admin_client.get(url, query).content.decode()
        return {name for name in ("order_total", "customer_email", "order_legacy") if name in page}

    assert shown(profile_run__profile_run_id__exact=str(run.pk)) == {"order_total", "customer_email"}
    assert shown(table_name__exact="orders") == {"order_total", "order_legacy"}


def test_group_page_shows_recent_runs_and_the_start_button(admin_client, table_group, run):
    for _ in range(11):
        ProfileRun.objects.create(table_group=table_group, status="failed")
    page = admin_client.get(reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])).content.decode()
    assert "Recent profile runs (latest 10)" in page
    assert page.count(reverse("admin:dataquality_profilerun_change", args=[run.pk])) == 0  # older than the 10 latest
    assert "Start a profile run" in page
    assert reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk]) in page


def test_group_page_saves_with_runs_inline(admin_client, table_group, run):
    url = reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"dataset": table_group.dataset_id, "name": "orders renamed", "connection": ""})
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(key): value for key, value in management.initial.items()})
        for index, child in enumerate(formset.formset.forms):
            data[child.add_prefix(formset.formset.model._meta.pk.name)] = child.instance.pk
            data[child.add_prefix(formset.formset.fk.name)] = table_group.pk

    assert admin_client.post(url, data).status_code == 302
    table_group.refresh_from_db()
    assert table_group.name == "orders renamed"
    assert ProfileRun.objects.get(pk=run.pk).status == "completed"


def test_start_button_starts_a_run_and_opens_it(admin_client, table_group, workspace):
    workspace.ready()
    response = admin_client.post(reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk]))
    started = ProfileRun.objects.get()
    assert started.status == "running" and started.requested_by == "root"
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:dataquality_profilerun_change", args=[started.pk])


def test_start_button_reports_a_launch_left_queued_after_a_429(admin_client, table_group, workspace):
    workspace.no_existing_jobs()
    workspace.mock.post(f"{JOBS}/create", status=429, json={"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Slow down"})

    response = admin_client.post(
        reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk]), follow=True
    )

    assert ProfileRun.objects.get().status == "queued"
    (message,) = [str(message) for message in response.context["messages"]]
    assert "queued. Databricks could not take the launch yet" in message


def test_start_button_reports_an_active_run(admin_client, table_group, workspace):
    ProfileRun.objects.create(table_group=table_group, status="running")
    response = admin_client.post(
        reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk]), follow=True
    )
    assert ProfileRun.objects.count() == 1
    assert any("active" in str(message).lower() for message in response.context["messages"])


def test_start_needs_the_start_permission(staff_with, table_group, workspace):
    client = staff_with("view_tablegroup", "change_tablegroup")
    page = client.get(reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])).content.decode()
    assert "Start a profile run" not in page

    response = client.post(reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("admin:dataquality_tablegroup_changelist"),
        {"action": "start_profile_run", "_selected_action": [str(table_group.pk)]},
    )
    assert not ProfileRun.objects.exists()
    assert workspace.calls_to("run-now") == []


def test_start_with_the_start_permission(staff_with, table_group, workspace):
    workspace.ready()
    client = staff_with("view_tablegroup", "start_profilerun")
    assert "Start a profile run" in client.get(
        reverse("admin:dataquality_tablegroup_change", args=[table_group.pk])
    ).content.decode()
    assert client.post(reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk])).status_code == 302
    assert ProfileRun.objects.get().status == "running"


def test_start_view_takes_only_post(admin_client, table_group):
    response = admin_client.get(reverse("admin:dataquality_tablegroup_start_profile_run", args=[table_group.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize("object_id", ["abc", "99999"])
def test_start_view_answers_404_for_an_id_that_is_no_group(admin_client, object_id, workspace):
    response = admin_client.post(reverse("admin:dataquality_tablegroup_start_profile_run", args=[object_id]))
    assert response.status_code == 404
    assert workspace.calls_to("run-now") == []


def test_run_actions_follow_the_api_permissions(staff_with, run):
    page = staff_with("view_profilerun").get(reverse("admin:dataquality_profilerun_changelist")).content.decode()
    assert "cancel_runs" not in page and "reconcile_runs" not in page

    client = staff_with("view_profilerun", "cancel_profilerun")
    page = client.get(reverse("admin:dataquality_profilerun_changelist")).content.decode()
    assert "cancel_runs" in page and "reconcile_runs" not in page
