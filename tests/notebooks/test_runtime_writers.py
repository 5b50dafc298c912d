import json
import os

import pytest

from notebooks.dq_profiler.runtime.document import encode_document, failure_document
from notebooks.dq_profiler.runtime.writers import (
    DbfsWriter,
    LocalFileWriter,
    VolumeWriter,
    write_file_atomically,
    write_payload,
    writer_for,
)


class FakeFs:
    def __init__(self):
        self.puts = []

    def put(self, path, contents, overwrite=False):
        self.puts.append((path, contents, overwrite))
        return True


class FakeDbutils:
    def __init__(self):
        self.fs = FakeFs()


def test_writer_is_chosen_by_the_path():
    dbutils = FakeDbutils()
    assert isinstance(writer_for("dbfs:/dq/1/run.json", dbutils=dbutils), DbfsWriter)
    assert isinstance(writer_for("/Volumes/main/dq/payloads/1/run.json", dbutils=dbutils), VolumeWriter)
    assert isinstance(writer_for("/tmp/dq/run.json", dbutils=dbutils), LocalFileWriter)


def test_dbfs_path_goes_through_dbutils_fs_put_with_overwrite():
    dbutils = FakeDbutils()

    write_payload("dbfs:/dq/1/run.json", '{"status":"completed"}', dbutils=dbutils)

    assert dbutils.fs.puts == [("dbfs:/dq/1/run.json", '{"status":"completed"}', True)]


def test_volume_path_is_a_plain_file_under_the_volumes_root(tmp_path):
    dbutils = FakeDbutils()

    write_payload("/Volumes/main/dq/payloads/7/run.json", "{}", dbutils=dbutils, volumes_root=str(tmp_path))
    write_payload("/Volumes/main/dq/payloads/7/run.json", '{"v":2}', dbutils=dbutils, volumes_root=str(tmp_path))

    assert (tmp_path / "main/dq/payloads/7/run.json").read_text() == '{"v":2}'
    assert dbutils.fs.puts == []


def test_volume_path_may_not_climb_out_of_the_volumes_root(tmp_path):
    with pytest.raises(ValueError):
        VolumeWriter(str(tmp_path)).write("/Volumes/main/../../etc/run.json", "{}")


def test_local_path_is_written_atomically_and_replaced(tmp_path):
    target = tmp_path / "nested" / "dir" / "run.json"

    write_payload(str(target), "first", dbutils=None)
    write_payload(str(target), "second", dbutils=None)

    assert target.read_text() == "second"
    assert os.listdir(target.parent) == ["run.json"]  # no temporary files left behind


def test_failed_local_write_keeps_the_previous_document(tmp_path, monkeypatch):
    target = tmp_path / "run.json"
    target.write_text("previous")

    def failing_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_file_atomically(target, "half")

    assert target.read_text() == "previous"
    assert os.listdir(tmp_path) == ["run.json"]


def test_encoded_document_is_strict_json():
    from datetime import datetime, timezone
    from decimal import Decimal

    text = encode_document(
        {"mean": float("nan"), "max": float("inf"), "sum": Decimal("1.5"),
         "at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "name": "café"}
    )

    assert json.loads(text) == {"mean": None, "max": None, "sum": 1.5, "at": "2025-01-02T03:04:05Z", "name": "café"}
    assert "NaN" not in text


def test_failure_document_is_a_valid_failed_callback_body():
    document = failure_document("boom", started_at="2025-01-01T00:00:00Z")
    assert document["status"] == "failed" and document["error_message"] == "boom"
    assert document["anomaly_count"] == 0 and document["anomalies"] == []
    assert document["completed_at"].endswith("Z")
