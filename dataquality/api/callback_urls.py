"""The notebook's endpoints under /data-quality/testgen/ (bearer callback tokens, not REST tokens)."""

from django.urls import re_path
from django.urls.converters import UUIDConverter

from dataquality.api.callback import CompleteProfileRunView, ProfileRunManifestView

# One route per endpoint, with an optional trailing slash, as the REST router does.
_RUN = rf"^profile-runs/(?P<profile_run_id>{UUIDConverter.regex})"

urlpatterns: list = [
    re_path(rf"{_RUN}/complete/?$", CompleteProfileRunView.as_view(), name="profile-run-complete"),
    re_path(rf"{_RUN}/manifest/?$", ProfileRunManifestView.as_view(), name="profile-run-manifest"),
]
