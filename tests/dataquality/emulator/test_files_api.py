"""DBFS read and the Files API over the emulator's data dir."""

import base64

import pytest


@pytest.fixture
def dbfs_file(emulator):
    path = emulator.config.dbfs_root / "dq" / "17" / "run.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"0123456789" * 3)
    return path


def test_dbfs_read_honours_offset_and_length_and_base64_encodes(api, dbfs_file):
    whole = api.get("/api/2.0/dbfs/read", path="/dq/17/run.json").json()
    middle = api.get("/api/2.0/dbfs/read", path="dbfs:/dq/17/run.json", offset=5, length=10).json()
    past_the_end = api.get("/api/2.0/dbfs/read", path="/dq/17/run.json", offset=100).json()

    assert whole == {"bytes_read": 30, "data": base64.b64encode(b"0123456789" * 3).decode()}
    assert middle == {"bytes_read": 10, "data": base64.b64encode(b"5678901234").decode()}
    assert past_the_end == {"bytes_read": 0, "data": ""}


def test_dbfs_read_refuses_as_databricks_does(api, dbfs_file):
    too_long = api.get("/api/2.0/dbfs/read", path="/dq/17/run.json", length=1024 * 1024 + 1)
    negative = api.get("/api/2.0/dbfs/read", path="/dq/17/run.json", offset=-1)
    missing = api.get("/api/2.0/dbfs/read", path="/dq/17/other.json")
    directory = api.get("/api/2.0/dbfs/read", path="/dq/17")
    escape = api.get("/api/2.0/dbfs/read", path="/../emulator.sqlite3")

    assert too_long.status_code == 400 and too_long.json()["error_code"] == "MAX_READ_SIZE_EXCEEDED"
    assert negative.status_code == 400 and negative.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert missing.status_code == 404 and missing.json() == {
        "error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No file or directory exists on path /dq/17/other.json."
    }
    assert directory.status_code == 400 and directory.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert escape.status_code == 400


def test_dbfs_read_one_megabyte_at_most_per_call(api, emulator):
    path = emulator.config.dbfs_root / "big.bin"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * (1024 * 1024 + 10))

    answer = api.get("/api/2.0/dbfs/read", path="/big.bin", length=1024 * 1024).json()

    assert answer["bytes_read"] == 1024 * 1024


@pytest.fixture
def volume_file(emulator):
    path = emulator.config.volumes_root / "main" / "dq" / "payloads" / "17" / "run 1.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"status": "completed"}')
    return path


def test_files_api_downloads_volume_files_raw(api, volume_file):
    answer = api.get("/api/2.0/fs/files/Volumes/main/dq/payloads/17/run%201.json")

    assert answer.status_code == 200 and answer.content == b'{"status": "completed"}'
    assert answer.headers["Content-Type"] == "application/octet-stream"
    assert answer.headers["Content-Length"] == "23" and answer.headers["Last-Modified"].endswith("GMT")


def test_files_api_honours_range_and_head(api, volume_file):
    url = f"{api.base_url}/api/2.0/fs/files/Volumes/main/dq/payloads/17/run%201.json"

    ranged = api.session.get(url, headers={"Range": "bytes=2-7"}, timeout=10)
    head = api.session.head(url, timeout=10)

    assert ranged.status_code == 206 and ranged.content == b"status"
    assert ranged.headers["Content-Range"] == "bytes 2-7/23"
    assert head.status_code == 200 and head.content == b"" and head.headers["Content-Length"] == "23"


def test_files_api_missing_or_outside_files_are_not_found(api, volume_file):
    missing = api.get("/api/2.0/fs/files/Volumes/main/dq/payloads/17/nope.json")
    directory = api.get("/api/2.0/fs/files/Volumes/main/dq/payloads/17")
    not_a_volume = api.get("/api/2.0/fs/files/tmp/secret")
    escape = api.get("/api/2.0/fs/files/Volumes/main/%2E%2E/%2E%2E/%2E%2E/emulator.sqlite3")

    assert missing.status_code == 404 and missing.json()["error_code"] == "NOT_FOUND"
    assert directory.status_code == 404 and not_a_volume.status_code == 404
    assert escape.status_code == 400
