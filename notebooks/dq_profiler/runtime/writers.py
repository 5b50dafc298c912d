"""Writing the payload document where `payload_path` says: `dbfs:/…`, `/Volumes/…` or a local path."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

DBFS_SCHEME = "dbfs:/"
VOLUMES_PREFIX = "/Volumes/"
DATABRICKS_VOLUMES_ROOT = "/Volumes"


class PayloadWriter(Protocol):
    def write(self, path: str, text: str) -> None: ...


class DbfsWriter:
    """`dbfs:/` paths go through `dbutils.fs.put`, which works on every cluster type (the /dbfs mount does not)."""

    def __init__(self, dbutils: Any) -> None:
        self._dbutils = dbutils

    def write(self, path: str, text: str) -> None:
        self._dbutils.fs.put(path, text, overwrite=True)


class VolumeWriter:
    """`/Volumes/…` paths are files on the cluster's Unity Catalog mount, written in one sequential pass.

    `volumes_root` is where that mount lives: `/Volumes` on Databricks, a local directory in local mode and tests.
    """

    def __init__(self, volumes_root: str = DATABRICKS_VOLUMES_ROOT) -> None:
        self._root = Path(volumes_root)

    def local_path(self, path: str) -> Path:
        relative = PurePosixPath(path).relative_to(VOLUMES_PREFIX)
        if ".." in relative.parts:
            raise ValueError(f"Refusing a payload path that leaves the volume: {path}")
        return self._root.joinpath(*relative.parts)

    def write(self, path: str, text: str) -> None:
        target = self.local_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


class LocalFileWriter:
    """Any other path is a local file, replaced atomically so a reader never sees half a document."""

    def write(self, path: str, text: str) -> None:
        write_file_atomically(Path(path), text)


def write_file_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def writer_for(path: str, *, dbutils: Any, volumes_root: str = DATABRICKS_VOLUMES_ROOT) -> PayloadWriter:
    if path.startswith(DBFS_SCHEME):
        return DbfsWriter(dbutils)
    if path.startswith(VOLUMES_PREFIX):
        return VolumeWriter(volumes_root)
    return LocalFileWriter()


def write_payload(path: str, text: str, *, dbutils: Any, volumes_root: str = DATABRICKS_VOLUMES_ROOT) -> None:
    writer_for(path, dbutils=dbutils, volumes_root=volumes_root).write(path, text)
