"""A stand-in for the parts of Databricks' `dbutils` the notebook uses, for running it as a plain script.

- `widgets.text(name, default)` / `widgets.get(name)`: values given to the constructor, else the default;
  reading a widget that was never declared nor given fails, as on Databricks.
- `fs.put(path, contents, overwrite)`: `dbfs:/x` lands in `dbfs_root/x`, `/Volumes/x` in `volumes_root/x`,
  anything else is a local path.
- `notebook.exit(value)`: records the value, prints it as the last line of stdout and, when `exit_file` is set,
  writes it there.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .writers import DBFS_SCHEME, VOLUMES_PREFIX, VolumeWriter, write_file_atomically


class WidgetNotDefined(KeyError):
    pass


class LocalWidgets:
    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self._defaults: dict[str, str] = {}

    def text(self, name: str, default_value: str = "", label: str | None = None) -> None:
        self._defaults[name] = default_value

    def get(self, name: str) -> str:
        if name in self._values:
            return self._values[name]
        if name in self._defaults:
            return self._defaults[name]
        raise WidgetNotDefined(f"No widget named {name!r} was declared or given")


class LocalFs:
    def __init__(self, dbfs_root: str, volumes_root: str) -> None:
        self.dbfs_root = Path(dbfs_root)
        self.volumes_root = Path(volumes_root)

    def local_path(self, path: str) -> Path:
        if path.startswith(DBFS_SCHEME):
            relative = PurePosixPath(path[len(DBFS_SCHEME):].lstrip("/"))
            if ".." in relative.parts:
                raise ValueError(f"Refusing a DBFS path that leaves the root: {path}")
            return self.dbfs_root.joinpath(*relative.parts)
        if path.startswith(VOLUMES_PREFIX):
            return VolumeWriter(str(self.volumes_root)).local_path(path)
        return Path(path)

    def put(self, path: str, contents: str, overwrite: bool = False) -> bool:
        target = self.local_path(path)
        if target.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
        write_file_atomically(target, contents)
        return True


class LocalNotebook:
    def __init__(self, exit_file: str | None) -> None:
        self.exit_file = exit_file
        self.exit_value: str | None = None

    def exit(self, value: str) -> None:
        self.exit_value = value
        if self.exit_file:
            write_file_atomically(Path(self.exit_file), value)
        sys.stdout.write(value + "\n")
        sys.stdout.flush()


class LocalDbutils:
    def __init__(
        self,
        widget_values: Mapping[str, str],
        *,
        dbfs_root: str,
        volumes_root: str,
        exit_file: str | None = None,
    ) -> None:
        self.widgets = LocalWidgets(widget_values)
        self.fs = LocalFs(dbfs_root, volumes_root)
        self.notebook = LocalNotebook(exit_file)
