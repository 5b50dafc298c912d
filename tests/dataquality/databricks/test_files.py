"""Reading the payload a run left on DBFS or in a Unity Catalog volume."""

import base64

import pytest
from responses import matchers

from dataquality.databricks import DatabricksNotFound, DatabricksPermanentError
from dataquality.databricks.client import DBFS_READ_CHUNK

from .conftest import HOST

DBFS_READ = f"{HOST}/api/2.0/dbfs/read"


def _dbfs_chunk(api, path: str, offset: int, content: bytes) -> None:
    api.get(
        DBFS_READ,
        json={"bytes_read": len(content), "data": base64.b64encode(content).decode()},
        match=[matchers.query_param_matcher({"path": path, "offset": str(offset), "length": str(DBFS_READ_CHUNK)})],
    )


def test_read_dbfs_reads_1_mb_chunks_until_a_short_one(api, client):
    first, second = b"a" * DBFS_READ_CHUNK, b'{"status": "completed"}'
    _dbfs_chunk(api, "/profiles/7/run.json", 0, first)
    _dbfs_chunk(api, "/profiles/7/run.json", DBFS_READ_CHUNK, second)
    assert client.read_dbfs("dbfs:/profiles/7/run.json") == first + second


def test_read_dbfs_stops_on_an_empty_chunk(api, client):
    content = b"b" * DBFS_READ_CHUNK
    _dbfs_chunk(api, "/profiles/7/run.json", 0, content)
    api.get(DBFS_READ, json={"bytes_read": 0})
    assert client.read_dbfs("/profiles/7/run.json") == content


def test_read_dbfs_of_a_missing_file(api, client):
    missing = {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No file or directory exists on path /x."}
    api.get(DBFS_READ, status=404, json=missing)
    with pytest.raises(DatabricksNotFound):
        client.read_dbfs("dbfs:/x")


def test_read_volume_file_returns_the_raw_bytes(api, client):
    api.get(f"{HOST}/api/2.0/fs/files/Volumes/main/dq/payloads/7/run%201.json", body=b"\x00raw bytes")
    assert client.read_volume_file("/Volumes/main/dq/payloads/7/run 1.json") == b"\x00raw bytes"


def test_read_payload_dispatches_on_the_path(api, client):
    _dbfs_chunk(api, "/profiles/7/run.json", 0, b"from dbfs")
    api.get(f"{HOST}/api/2.0/fs/files/Volumes/main/dq/p/run.json", body=b"from volume")
    api.get(f"{HOST}/api/2.0/fs/files/Volumes/main/dq/p/other.json", body=b"from dbfs:/Volumes")
    assert client.read_payload("dbfs:/profiles/7/run.json") == b"from dbfs"
    assert client.read_payload("/Volumes/main/dq/p/run.json") == b"from volume"
    assert client.read_payload("dbfs:/Volumes/main/dq/p/other.json") == b"from dbfs:/Volumes"


@pytest.mark.parametrize(
    "path",
    ["s3://bucket/run.json", "/tmp/run.json", "run.json", "", "dbfs:/profiles/../../etc/passwd", "/Volumes/a/../b"],
)
def test_read_payload_refuses_other_paths_without_calling_databricks(api, client, path):
    with pytest.raises(DatabricksPermanentError) as caught:
        client.read_payload(path)
    assert caught.value.error_code == "INVALID_PAYLOAD_PATH" and caught.value.permanent
    assert path.removeprefix("dbfs:") in str(caught.value)
