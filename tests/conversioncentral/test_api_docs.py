"""The API docs pages load every asset from the app itself: the machines that run it have no internet."""

import re

import pytest

# Any absolute or protocol-relative URL in an attribute or a script string.
EXTERNAL_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}""")
ASSET_URL = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_docs_page_names_no_external_url(staff_client, path):
    response = staff_client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert EXTERNAL_URL.findall(html) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_docs_page_assets_are_served_by_the_app(staff_client, client, path):
    html = staff_client.get(path).content.decode()
    assets = ASSET_URL.findall(html)

    assert assets, "the page loads Swagger UI or Redoc from somewhere"
    for asset in assets:
        # Static files, or Swagger UI's start script, which its page serves itself (no inline script).
        assert asset.startswith(("/static/", f"{path}?script")), asset
        response = (client if asset.startswith("/static/") else staff_client).get(asset)
        assert response.status_code == 200, asset
        b"".join(response.streaming_content if response.streaming else [response.content])


def test_the_schema_writes_paths_as_the_readme_does_without_a_trailing_slash(staff_client):
    paths = staff_client.get("/api/schema", {"format": "json"}).json()["paths"]

    assert "/data-quality/table-groups/{id}/profile-runs" in paths
    assert [path for path in paths if path.endswith("/")] == []
