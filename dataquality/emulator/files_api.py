"""DBFS read (`/api/2.0/dbfs/read`) and the Files API (`/api/2.0/fs/files/Volumes/...`) over the data dir."""

from __future__ import annotations

import base64
import email.utils
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from .config import EmulatorConfig
from .errors import ApiError, invalid_parameter
from .params import ApiRequest, integer

DBFS_DEFAULT_LENGTH = 512 * 1024
DBFS_MAX_LENGTH = 1024 * 1024
FILES_PREFIX = "/api/2.0/fs/files"
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@dataclass(frozen=True)
class RawResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FilesApi:
    def __init__(self, config: EmulatorConfig) -> None:
        self._dbfs_root = config.dbfs_root
        self._volumes_root = config.volumes_root

    def dbfs_read(self, request: ApiRequest) -> dict:
        path = str(request.query.get("path") or "").removeprefix("dbfs:")
        if not path.startswith("/"):
            raise invalid_parameter(f"Path must be absolute: {path!r}")
        offset = integer(request.query, "offset", default=0)
        length = integer(request.query, "length", default=DBFS_DEFAULT_LENGTH)
        if offset < 0 or length < 0:
            raise invalid_parameter("offset and length cannot be negative.")
        if length > DBFS_MAX_LENGTH:
            raise ApiError(400, "MAX_READ_SIZE_EXCEEDED", f"Cannot read more than {DBFS_MAX_LENGTH} bytes per call.")
        local = _inside(self._dbfs_root, path)
        if not local.exists():
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"No file or directory exists on path {path}.")
        if local.is_dir():
            raise invalid_parameter(f"Path {path} is a directory.")
        with open(local, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length)
        return {"bytes_read": len(data), "data": base64.b64encode(data).decode("ascii")}

    def download(self, request: ApiRequest) -> RawResponse:
        """GET (or HEAD) one volume file: raw bytes, with `Range: bytes=a-b` honoured."""
        path = unquote(request.path[len(FILES_PREFIX):])
        if not path.startswith("/Volumes/"):
            raise ApiError(404, "NOT_FOUND", f"File {path} does not exist: only /Volumes/ paths are served.")
        local = _inside(self._volumes_root, path.removeprefix("/Volumes"))
        if not local.is_file():
            raise ApiError(404, "NOT_FOUND", f"File {path} does not exist.")
        data = local.read_bytes()
        headers = {
            "Content-Type": "application/octet-stream",
            "Last-Modified": email.utils.formatdate(local.stat().st_mtime, usegmt=True),
        }
        status, data = _ranged(data, request.headers.get("Range"), headers)
        return RawResponse(status, b"" if request.method == "HEAD" else data, {**headers, "Content-Length": str(len(data))})


def _ranged(data: bytes, range_header: str | None, headers: dict[str, str]) -> tuple[int, bytes]:
    match = _RANGE.match((range_header or "").strip())
    if not match:
        return 200, data
    start = int(match.group(1))
    end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
    if start >= len(data) or start > end:
        raise ApiError(416, "INVALID_PARAMETER_VALUE", f"Range {range_header} is outside the file.")
    headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    return 206, data[start : end + 1]


def _inside(root: Path, path: str) -> Path:
    """`root/path`, refusing any path that could leave `root`."""
    relative = PurePosixPath(path.lstrip("/"))
    if ".." in relative.parts:
        raise invalid_parameter(f"Invalid path {path!r}.")
    local = root.joinpath(*relative.parts)
    if not local.resolve().is_relative_to(root.resolve()):
        raise invalid_parameter(f"Invalid path {path!r}.")
    return local
