"""An anomaly's fingerprint (contract 11.3): the same group, table, column and type give the same fingerprint in
every run, so a problem can be followed across runs and judged once."""

from __future__ import annotations

import hashlib

_SEPARATOR = "\x1f"  # a unit separator: no table or column name holds one, so no two identities collide


def anomaly_fingerprint(table_group_id: int, table_name: str, column_name: str | None, anomaly_type: str) -> str:
    identity = _SEPARATOR.join((str(table_group_id), table_name, column_name or "", anomaly_type))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:40]
