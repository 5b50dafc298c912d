import pytest

from dataquality.databricks.hosts import base_url, hostname


@pytest.mark.parametrize(
    "written",
    [
        "adb-1.azuredatabricks.net",
        "https://adb-1.azuredatabricks.net",
        "https://ADB-1.azuredatabricks.net/",
        " adb-1.azuredatabricks.net/ ",
    ],
)
def test_the_ways_of_writing_a_host(written):
    assert base_url(written) == "https://adb-1.azuredatabricks.net"
    assert hostname(written) == "adb-1.azuredatabricks.net"


def test_an_explicit_scheme_and_port_are_kept():
    assert base_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert hostname("http://127.0.0.1:8765") == "127.0.0.1"


def test_an_ipv6_host_keeps_its_brackets():
    assert base_url("http://[::1]:8765") == "http://[::1]:8765"
    assert base_url("[::1]") == "https://[::1]"
    assert hostname("http://[::1]:8765") == "::1"


@pytest.mark.parametrize(
    "written",
    [
        "",
        "ftp://host",
        "https://user:pw@host",
        "https://good.net@evil.com",
        "https://host/path",
        "https://host?x=1",
        "https://host:notaport",
    ],
)
def test_anything_but_a_plain_host_is_refused(written):
    with pytest.raises(ValueError):
        base_url(written)
