"""The run report page: who may see it, and what it shows for completed, failed and partial runs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dataquality.models import ProfileColumn, ProfileColumnValue, ProfileResult
from tests.dataquality.fixtures.callback import load_payload, make_profile_run, wide_payload
from tests.dataquality.reports.conftest import completed_run

pytestmark = pytest.mark.django_db


def report_url(run) -> str:
    return reverse("profile-run-report", args=[run.pk])


def page_of(client, run) -> str:
    response = client.get(report_url(run))
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_is_the_contracts():
    run_id = "6f1c2a3e-1111-4222-8333-944455556666"
    assert reverse("profile-run-report", args=[run_id]) == f"/data-quality/profile-runs/{run_id}/report"


def test_anonymous_users_are_sent_to_the_login(client, engine_run):
    response = client.get(report_url(engine_run))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={report_url(engine_run)}"


def test_a_user_without_the_view_permission_gets_403(client, django_user_model, engine_run):
    client.force_login(django_user_model.objects.create_user(username="outsider"))
    assert client.get(report_url(engine_run)).status_code == 403


def test_an_unknown_run_is_404(viewer_page):
    assert viewer_page.get("/data-quality/profile-runs/6f1c2a3e-1111-4222-8333-944455556666/report").status_code == 404


@pytest.mark.parametrize("suffix", ["report", "report/tables/s.orders"])
def test_a_run_id_that_is_no_uuid_is_404_not_500(viewer_page, suffix):
    assert viewer_page.get(f"/data-quality/profile-runs/{'-' * 36}/{suffix}").status_code == 404


def test_a_trailing_slash_is_accepted(viewer_page, engine_run):
    assert viewer_page.get(report_url(engine_run) + "/").status_code == 200


def test_header_names_group_dataset_status_and_databricks_run(viewer_page, engine_run):
    page = page_of(viewer_page, engine_run)
    assert "orders" in page and "warehouse" in page  # group and dataset
    assert '<span class="status status-completed">completed</span>' in page
    assert 'href="https://adb-1234.5.azuredatabricks.net/jobs/42/runs/4711"' in page
    assert str(engine_run.pk)[:8] in page


def test_anomalies_are_grouped_by_severity_most_severe_first(viewer_page, engine_run):
    page = page_of(viewer_page, engine_run)
    groups = re.findall(r'data-severity-group="(\w+)"', page)
    assert groups == ["high", "medium", "low"]
    rows = re.findall(r'<tr class="anomaly" data-severity="(\w+)" data-type="(\w+)" data-table="([\w.]+)"[^>]*>', page)
    assert sorted(rows) == sorted([
        ("medium", "non_standard_blanks", "s.t"), ("low", "leading_spaces", "s.t"),
        ("high", "potential_pii", "s.t"), ("medium", "unlikely_date_values", "s.t"),
    ])
    # Each links to its table and to its column's details.
    assert 'href="#t0"' in page and 'id="t0"' in page
    anchor = re.search(r'<a href="#(t0-c\d+)" class="value">name</a>', page).group(1)
    assert f'<details class="column" id="{anchor}">' in page


def test_anomaly_types_are_named_from_the_engines_and_the_drift_catalogues(viewer_page, group):
    payload = load_payload("engine_payload")
    payload["anomalies"] += [
        {"table_name": "s.t", "column_name": "id", "anomaly_type": "mean_shift", "severity": "medium",
         "description": "planted drift"},
        {"table_name": "s.t", "column_name": "id", "anomaly_type": "made_up_type", "severity": "low",
         "description": "planted unknown"},
    ]
    page = page_of(viewer_page, completed_run(group, payload))
    assert ">Potential PII</span>" in page  # the engine's catalogue
    assert ">Mean shift</span>" in page  # the drift catalogue
    assert ">Unknown type: made_up_type</span>" in page  # neither: shown as unknown, with its id


def test_every_metric_of_the_column_is_listed_with_its_meaning(viewer_page, engine_run):
    from dataquality.reports.metrics import metrics_for

    page = page_of(viewer_page, engine_run)
    # The meanings are written once, in the glossary, which each metric links to (the script adds the hover).
    assert '<div id="m-null_count" data-meaning-of="null_count"><dt>Nulls</dt><dd>rows where the column is null. NaN is not null.</dd></div>' in page
    assert '<dt>25th percentile</dt><dd>a quarter of the non-null values lie below it (approximate);' in page
    for anchor, general_type in (("t0-c0", "numeric"), ("t0-c1", "text"), ("t0-c3", "boolean"), ("t0-c4", "date")):
        column = page[page.index(f'id="{anchor}"'):]
        column = column[: column.index("</details>")]
        shown = re.findall(r'<div data-metric="(\w+)"><dt><a href="#m-\1">', column)
        assert shown == [metric.key for metric in metrics_for(general_type)] + ["distinct_count_approximate"]
        assert all(f'id="m-{key}"' in page for key in shown)


def test_whitespace_and_empty_strings_are_visible(viewer_page, engine_run):
    page = page_of(viewer_page, engine_run)
    assert '<span class="value marked">␣a</span>' in page  # the top value " a"
    assert '<span class="value marked">&#x27;&#x27;</span>' in page  # the empty string
    assert "<span class=\"value\">&#x27;&#x27;</span>" in page  # the column's minimum, ''


def test_top_values_are_bars_with_count_and_share(viewer_page, engine_run):
    page = page_of(viewer_page, engine_run)
    flag = page[page.index('id="t0-c3"'):]
    flag = flag[: flag.index("</details>")]
    assert flag.count('<svg class="bar"') == 2
    assert '<td class="num bar-count" data-count="1">1</td>' in flag
    assert '<td class="num bar-share">33.3%</td>' in flag or '<td class="num bar-share">50.0%</td>' in flag


def test_quartiles_are_drawn_between_min_and_max(viewer_page, engine_run):
    page = page_of(viewer_page, engine_run)
    column = page[page.index('id="t0-c0"'):]
    column = column[: column.index("</details>")]
    assert "min 1, p25 1, median 2, p75 3, max 3" in column
    assert '<line class="median" x1="200.00"' in column  # 2 is half way from 1 to 3 on the 10..390 axis


def test_the_quartile_axis_is_labelled_with_the_tiles_precision(viewer_page, engine_run):
    ProfileColumn.objects.filter(profile_run=engine_run, column_name="id").update(
        min_value="0.5", max_value="504.99", p25=10.25, p50=100.0, p75=250.125)
    page = page_of(viewer_page, engine_run)
    column = page[page.index('id="t0-c0"'):]
    column = column[: column.index("</details>")]

    assert "<dt>max</dt><dd>504.99</dd>" in column and "504.99</span>" in column  # the axis and the tile agree
    assert "<dt>p75</dt><dd>250.1</dd>" in column


def test_a_small_share_that_is_not_zero_never_reads_zero_percent(viewer_page, engine_run):
    ProfileColumn.objects.filter(profile_run=engine_run, column_name="id").update(distinct_count=10)
    ProfileResult.objects.filter(profile_run=engine_run).update(row_count=120000)
    ProfileColumn.objects.filter(profile_run=engine_run, column_name="id").update(row_count=120000, null_count=0)

    page = page_of(viewer_page, engine_run)

    assert "<0.1%" in page or "&lt;0.1%" in page


def test_a_pii_column_shows_counts_but_no_values(viewer_page, engine_run):
    # The server withholds these already; rows written by any other path must not show them either.
    ProfileColumn.objects.filter(profile_run=engine_run, column_name="email").update(
        min_value="p@q.org", max_value="x@y.com"
    )
    ProfileColumnValue.objects.create(
        profile_run=engine_run, schema_name="s", table_name="t", column_name="email", kind="value",
        value="leaked@example.com", frequency=2, rank=1,
    )
    page = page_of(viewer_page, engine_run)
    assert "p@q.org" not in page and "x@y.com" not in page and "leaked@example.com" not in page
    column = page[page.index('id="t0-c2"'):]
    column = column[: column.index("</details>")]
    assert 'class="pii"' in column
    assert "withheld (potential PII)" in column
    assert "Top values withheld" in column
    assert "a@a.aaa" in column  # patterns and counts stay


def test_a_failed_run_shows_its_error(viewer_page, group):
    run = completed_run(group, {"status": "failed", "error_message": "Cluster terminated: spot instance lost"})
    page = page_of(viewer_page, run)
    assert '<span class="status status-failed">failed</span>' in page
    assert "Cluster terminated: spot instance lost" in page
    assert "No table was profiled in this run." in page


def test_a_running_run_says_its_results_are_to_come(viewer_page, group):
    page = page_of(viewer_page, make_profile_run(group, started_at=timezone.now()))
    assert "its results appear when it completes" in page


def test_a_failed_table_shows_its_error_beside_the_others(viewer_page, group):
    payload = load_payload("engine_payload")
    payload["tables"].append(
        {"schema_name": "s", "table_name": "gone", "row_count": None, "column_count": 0, "columns": [],
         "error": "[TABLE_OR_VIEW_NOT_FOUND] s.gone"}
    )
    page = page_of(viewer_page, completed_run(group, payload))
    failed = page[page.index('data-table="s.gone"'):]
    assert "This table could not be profiled" in failed and "[TABLE_OR_VIEW_NOT_FOUND] s.gone" in failed
    assert 'data-table="s.t"' in page and 'id="t1-c5"' in page  # the other table (after s.gone) keeps its columns


def test_a_run_without_a_previous_run_says_so(viewer_page, engine_run):
    page = page_of(viewer_page, engine_run)
    assert "This is the group's first completed run" in page
    assert "table-changes" not in page


def test_the_comparison_uses_the_previous_completed_run(viewer_page, group):
    earlier = load_payload("engine_payload")
    earlier["tables"][0]["row_count"] = 2
    for column in earlier["tables"][0]["columns"]:
        if column["column_name"] == "id":
            column.update(mean=1.0, distinct_count=2)
    previous = completed_run(group, earlier, minutes_ago=120)
    completed_run(group, {"status": "failed", "error_message": "lost"}, minutes_ago=60)  # not compared with
    current = completed_run(group, load_payload("engine_payload"))
    completed_run(group, load_payload("engine_payload"), minutes_ago=-30)  # later: not compared with

    page = page_of(viewer_page, current)
    assert reverse("profile-run-report", args=[previous.pk]) in page
    changes = page[page.index('id="comparison"'):]
    assert '<td class="num">2</td>' in changes and '<td class="num">3</td>' in changes
    assert '<span class="delta delta-up notable">+50.0%</span>' in changes  # rows 2 -> 3, and id's distinct 2 -> 3
    assert '<span class="delta delta-up notable">+100.0%</span>' in changes  # id's mean 1 -> 2


@pytest.fixture
def wide_run(group):
    """A run of 50 tables of 40 columns, after a previous run of the same shape."""
    completed_run(group, wide_payload(50, 40, tag="before"), minutes_ago=60)
    return completed_run(group, wide_payload(50, 40, tag="after"))


def test_query_count_is_bounded_for_50_tables_of_40_columns(viewer_page, wide_run, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):  # 12, plus the next run and the trends (run ids, rows, columns)
        page = page_of(viewer_page, wide_run)
    assert page.count('<article class="card table-section"') == 50
    assert page.count('<a href="/data-quality/profile-runs/') >= 2000  # every column, linked to its details


def test_a_large_runs_tables_have_pages_of_their_own(viewer_page, wide_run, django_assert_max_num_queries):
    page = page_of(viewer_page, wide_run)
    assert '<details class="column"' not in page  # 2,000 columns' details would make a page of megabytes
    table_page = reverse("profile-run-report-table", args=[wide_run.pk, "wide.t007"])
    assert f'<a href="{table_page}#t7-c3" class="value">c03</a>' in page

    with django_assert_max_num_queries(16):  # 12, plus the next run and the trends (run ids, rows, columns)
        response = viewer_page.get(table_page)
    assert response.status_code == 200
    details = response.content.decode()
    assert details.count('<details class="column"') == 40
    assert 'id="t7-c3"' in details and "after-value" in details
    assert "table-changes" in details  # compared with the previous run


@pytest.mark.parametrize("table_name", ["a/b", "what?#now", "100%", "line\nbreak"])
def test_any_table_name_gets_its_page_and_link(viewer_page, group, settings, table_name):
    settings.DATA_QUALITY_REPORT_INLINE_COLUMNS = 1  # every table on a page of its own
    payload = wide_payload(1, 2)
    payload["tables"][0]["table_name"] = table_name
    payload["anomalies"] = []
    run = completed_run(group, payload)

    table_page = reverse("profile-run-report-table", args=[run.pk, f"wide.{table_name}"])
    assert f'href="{table_page}#' in page_of(viewer_page, run)
    response = viewer_page.get(table_page)
    assert response.status_code == 200
    assert response.content.decode().count('<details class="column"') == 2


def test_a_small_run_shows_every_column_inline(viewer_page, group, settings):
    settings.DATA_QUALITY_REPORT_INLINE_COLUMNS = 40
    page = page_of(viewer_page, completed_run(group, wide_payload(1, 40)))
    assert page.count('<details class="column"') == 40
    settings.DATA_QUALITY_REPORT_INLINE_COLUMNS = 39
    page = page_of(viewer_page, completed_run(group, wide_payload(1, 40)))
    assert page.count('<details class="column"') == 0


def test_an_unknown_table_is_404(viewer_page, engine_run):
    assert viewer_page.get(reverse("profile-run-report-table", args=[engine_run.pk, "s.nope"])).status_code == 404


def test_the_table_page_needs_the_view_permission(client, django_user_model, engine_run):
    url = reverse("profile-run-report-table", args=[engine_run.pk, "s.t"])
    assert client.get(url).status_code == 302
    client.force_login(django_user_model.objects.create_user(username="outsider"))
    assert client.get(url).status_code == 403


def test_the_api_run_detail_links_to_the_report(viewer, engine_run):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(viewer)
    answer = client.get(f"/data-quality/profile-runs/{engine_run.pk}").json()
    assert answer["report_url"] == f"http://testserver{report_url(engine_run)}"


def test_the_admin_run_page_links_to_the_report(admin_client, engine_run):
    page = admin_client.get(reverse("admin:dataquality_profilerun_change", args=[engine_run.pk])).content.decode()
    assert f'href="{report_url(engine_run)}"' in page
    listing = admin_client.get(reverse("admin:dataquality_profilerun_changelist")).content.decode()
    assert f'href="{report_url(engine_run)}"' in listing


@pytest.mark.parametrize("path", ["/static/dataquality/report.css", "/static/dataquality/report.js", "/static/dataquality/admin.css"])
def test_the_pages_assets_are_served_by_the_app(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_the_glossary_gives_each_metric_its_own_description_under_its_tile_label():
    from dataquality.reports.metrics import glossary, label_of

    entries = glossary()
    meanings = [meaning for _, _, meaning in entries]

    assert len(set(meanings)) == len(meanings)  # no two metrics explained alike
    assert not [m for m in meanings if "percentile_approx" in m or "Spark" in m or "current_date" in m]
    assert ("true_word_count", "Word 'true'") in [(key, label) for key, label, _ in entries]
    assert label_of("p50") == "Median" and label_of("top_values") == "Top values"


def test_a_failed_runs_report_has_no_comparison_and_no_glossary(viewer_page, group):
    run = make_profile_run(group, status="failed", error_message="No tables to profile")

    page = page_of(viewer_page, run)

    assert "first completed run" not in page and 'id="comparison"' not in page
    assert 'id="glossary"' not in page
    assert "No tables to profile" in page
def test_the_report_says_which_tables_were_reused_and_shows_the_run_warnings(viewer_page, group, engine_run):
    payload = load_payload("engine_payload")
    payload["tables"][0].update(delta_version=3, reused_from=str(engine_run.pk))
    payload["warnings"] = ["The results were not written to lake.dq: PermissionDenied"]
    reused = completed_run(group, payload)

    page = viewer_page.get(f"/data-quality/profile-runs/{reused.pk}/report").content.decode()

    assert "Unchanged since run" in page and f"/data-quality/profile-runs/{engine_run.pk}/report" in page
    assert "The results were not written to lake.dq: PermissionDenied" in page
    assert "Unchanged since run" not in viewer_page.get(f"/data-quality/profile-runs/{engine_run.pk}/report").content.decode()
