"""Setting an anomaly's disposition (contract 11.3): confirm, dismiss, mute or reopen, with who, when and why.

A mute is the group's, by fingerprint, so later runs store the anomaly muted until `muted_until` passes; setting
any other disposition lifts it. The run's open and new counts follow at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from dataquality.models import AnomalyMute, Disposition, ProfileAnomaly
from dataquality.services.judges.triage import refresh_anomaly_counts


class MuteInThePast(ValueError):
    """`muted_until` has passed already: such a mute would change nothing."""


def set_disposition(
    *, anomaly: ProfileAnomaly, disposition: str, note: str = "", muted_until: datetime | None = None, by: str
) -> ProfileAnomaly:
    now = timezone.now()
    if disposition != Disposition.MUTED:
        muted_until = None
    elif muted_until is not None and muted_until <= now:
        raise MuteInThePast("muted_until must lie in the future.")
    table_group_id = anomaly.profile_run.table_group_id
    with transaction.atomic():
        anomaly.disposition = disposition
        anomaly.disposition_note = note
        anomaly.disposition_by = by
        anomaly.disposition_at = now
        anomaly.muted_until = muted_until
        anomaly.save(update_fields=["disposition", "disposition_note", "disposition_by", "disposition_at", "muted_until"])
        mutes = AnomalyMute.objects.filter(table_group_id=table_group_id, fingerprint=anomaly.fingerprint)
        if disposition == Disposition.MUTED:
            AnomalyMute.objects.update_or_create(
                table_group_id=table_group_id, fingerprint=anomaly.fingerprint,
                defaults={"muted_until": muted_until, "note": note, "muted_by": by, "muted_at": now},
            )
        else:
            mutes.delete()
        refresh_anomaly_counts(anomaly.profile_run)
    return anomaly
