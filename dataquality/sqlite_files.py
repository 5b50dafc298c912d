"""The app's SQLite database holds REST tokens and sessions: its file and journals are the owner's alone.

SQLite creates a journal (`-journal`, `-wal`, `-shm`) with the mode of its database file, so making the file
0600 when a connection opens is enough for what follows; journals left by an older run are fixed too.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600
JOURNAL_SUFFIXES = ("-journal", "-wal", "-shm")


def restrict_to_owner(database: Path) -> None:
    """Create `database` as 0600 when missing, and make it and its journals 0600."""
    os.close(os.open(database, os.O_CREAT | os.O_RDWR, OWNER_ONLY))
    for path in (database, *(database.with_name(database.name + suffix) for suffix in JOURNAL_SUFFIXES)):
        if path.exists():
            path.chmod(OWNER_ONLY)


def on_connection_created(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite files only, not `:memory:` ones."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and name and not name.startswith(":memory:") and "mode=memory" not in name:
        restrict_to_owner(Path(name))
