"""Static files are served with DEBUG=False (the default), so the admin is styled under runserver and gunicorn."""

import pytest


def test_debug_is_off_in_tests(settings):
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "path", ["/static/admin/css/base.css", "/static/rest_framework/css/bootstrap.min.css"]
)
def test_static_file_served_without_debug(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_unknown_static_file_is_404(client):
    assert client.get("/static/admin/css/no-such-file.css").status_code == 404
