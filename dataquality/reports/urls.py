from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import path, re_path
from django.urls.converters import UUIDConverter
from django.views.generic import RedirectView

from dataquality.reports import views

# A UUID's own shape, not just its characters: a path of 36 hyphens is no run id (a 404, not a 500).
_RUN = rf"^data-quality/profile-runs/(?P<profile_run_id>{UUIDConverter.regex})"

urlpatterns = [
    # Browsers ask for /favicon.ico on every page that names none (the admin's, files): answer it, not 404.
    path("favicon.ico", RedirectView.as_view(url=static("dataquality/favicon.svg"), permanent=True)),
    path("", views.LandingView.as_view(), name="landing"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="dataquality/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # No trailing slash needed, one accepted (contract section 3).
    re_path(
        rf"{_RUN}/report/?$",
        views.ProfileRunReportView.as_view(),
        name="profile-run-report",
    ),
    re_path(r"^data-quality/runs/?$", views.RunsView.as_view(), name="runs-page"),
    re_path(r"^data-quality/table-groups/(?P<pk>[0-9]{1,18})/report/?$", views.TableGroupPageView.as_view(),
            name="table-group-page"),
    re_path(r"^data-quality/anomalies/(?P<pk>[0-9]{1,18})/triage/?$", views.AnomalyDispositionView.as_view(),
            name="anomaly-disposition-page"),
    # A table's name comes from the payload and may hold any character, a slash included.
    re_path(
        rf"{_RUN}/report/tables/(?P<table_name>[\s\S]+?)/?$",
        views.ProfileRunTableReportView.as_view(),
        name="profile-run-report-table",
    ),
]
