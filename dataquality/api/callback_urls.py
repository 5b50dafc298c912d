"""The notebook's endpoints under /data-quality/testgen/ (bearer callback tokens, not REST tokens)."""

from django.urls import path

from dataquality.api.callback import CompleteProfileRunView, ProfileRunManifestView


def _with_optional_slash(route: str, view, name: str) -> list:
    return [path(route, view, name=name), path(f"{route}/", view)]


urlpatterns: list = [
    *_with_optional_slash(
        "profile-runs/<uuid:profile_run_id>/complete", CompleteProfileRunView.as_view(), "profile-run-complete"
    ),
    *_with_optional_slash(
        "profile-runs/<uuid:profile_run_id>/manifest", ProfileRunManifestView.as_view(), "profile-run-manifest"
    ),
]
