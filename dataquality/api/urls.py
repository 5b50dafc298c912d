from django.urls import include, path
from rest_framework.routers import DefaultRouter

from dataquality.api import views


class OptionalSlashRouter(DefaultRouter):
    """No trailing slash needed; one is accepted (contract section 3)."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.include_root_view = False
router.register("connections", views.ConnectionViewSet, basename="connection")
router.register("datasets", views.DatasetViewSet, basename="dataset")
router.register("table-groups", views.TableGroupViewSet, basename="table-group")
router.register("tables", views.TableViewSet, basename="table")
router.register("profile-runs", views.ProfileRunViewSet, basename="profile-run")
router.register("anomalies", views.AnomalyViewSet, basename="anomaly")

urlpatterns: list = [
    path("testgen/", include("dataquality.api.callback_urls")),
    path("", include(router.urls)),
]
