"""Where the emulator keeps its state and files, and what it runs."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .faults import FaultSettings

# The repository this package lives in: its `notebooks/` folder is what jobs' notebook paths map onto.
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class EmulatorConfig:
    data_dir: Path
    token: str
    host: str = "127.0.0.1"
    port: int = 8765
    repository_root: Path = REPOSITORY_ROOT
    python: str = sys.executable
    faults: FaultSettings = field(default_factory=FaultSettings)
    poll_interval_seconds: float = 0.1
    kill_grace_seconds: float = 5.0

    def __post_init__(self) -> None:
        if not self.token:
            raise ValueError("The emulator needs a token: pass --token or set DATABRICKS_TOKEN.")
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())

    @property
    def database_path(self) -> Path:
        return self.data_dir / "emulator.sqlite3"

    @property
    def dbfs_root(self) -> Path:
        return self.data_dir / "dbfs"

    @property
    def volumes_root(self) -> Path:
        return self.data_dir / "volumes"

    @property
    def lakehouse_root(self) -> Path:
        """Where a job's `results_schema` `cat.sch` is written: `<it>/cat/sch/<result table>`, as Delta tables."""
        return self.data_dir / "lakehouse"

    @property
    def warehouse_root(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def runs_root(self) -> Path:
        return self.data_dir / "runs"
