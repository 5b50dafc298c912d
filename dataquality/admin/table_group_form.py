"""The table group's admin form: the checks a save needs (a move between workspaces, the group's tables), the drift
thresholds as one number field each rather than a JSON box, and a schedule that is off while it has no cron."""

from __future__ import annotations

import copy

from django import forms

from dataquality.drift_catalogue import DRIFT_THRESHOLDS, DriftThreshold
from dataquality.models import TableGroup
from dataquality.services.launch.table_check import TableCheck, TableSettingsInvalid, check_table_group_tables, needs_check
from dataquality.services.launch.table_groups import ConnectionChangeRefused, check_connection_change

DRIFT_FIELD_PREFIX = "drift_"
SCHEDULE_HELP = "Runs the group on the cron above; off, and without effect, while the cron is blank."


def _bounds(threshold: DriftThreshold) -> str:
    upper = f", at most {threshold.maximum:g}" if threshold.maximum is not None else ""
    return f"more than {threshold.minimum:g}{upper}"


def _drift_fields() -> dict[str, forms.Field]:
    """One optional number per threshold; blank keeps the deployment's setting."""
    return {
        DRIFT_FIELD_PREFIX + threshold.key: forms.FloatField(
            required=False, label=f"Drift: {threshold.meaning}",
            help_text=f"{_bounds(threshold).capitalize()}. Blank: the deployment's {threshold.setting} "
                      f"(default {threshold.default:g}).",
        )
        for threshold in DRIFT_THRESHOLDS
    }


class _TableGroupForm(forms.ModelForm):
    class Meta:
        model = TableGroup
        # Edited as the drift_* fields; shown shortened by the admin.
        exclude = ["drift_thresholds", "job_settings_fingerprint"]

    table_check = TableCheck()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        overrides = self.instance.drift_thresholds or {}
        for threshold in DRIFT_THRESHOLDS:
            self.initial.setdefault(DRIFT_FIELD_PREFIX + threshold.key, overrides.get(threshold.key))
        if "schedule_enabled" in self.fields:
            self.fields["schedule_enabled"].help_text = SCHEDULE_HELP
            if not self.instance.schedule_cron:
                self.initial["schedule_enabled"] = False

    def clean(self):
        cleaned = super().clean()
        if "connection" in cleaned:
            try:
                check_connection_change(table_group=self.instance, connection=cleaned["connection"])
            except ConnectionChangeRefused as exc:
                self.add_error("connection", str(exc))
        if not cleaned.get("schedule_cron"):
            cleaned["schedule_enabled"] = False
        self._clean_drift_thresholds(cleaned)
        if not self.errors:
            self._check_tables(cleaned)
        return cleaned

    def _clean_drift_thresholds(self, cleaned) -> None:
        overrides = {}
        for threshold in DRIFT_THRESHOLDS:
            name = DRIFT_FIELD_PREFIX + threshold.key
            value = cleaned.get(name)
            if value is None:
                continue
            if value <= threshold.minimum or (threshold.maximum is not None and value > threshold.maximum):
                self.add_error(name, f"Must be {_bounds(threshold)}.")
            overrides[threshold.key] = value
        self.instance.drift_thresholds = overrides

    def _check_tables(self, cleaned) -> None:
        """On a copy of the group with the form's values: the form copies them onto the group only after clean()."""
        candidate = copy.copy(self.instance)
        for name in ("connection", "catalog", "schema_name", "include_mask", "exclude_mask"):
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        if not needs_check(candidate):
            return
        try:
            self.table_check = check_table_group_tables(table_group=candidate)
        except TableSettingsInvalid as exc:
            self.add_error(exc.field, str(exc))


# The drift fields are declared on the class, so the admin lists them among the form's fields.
TableGroupForm = type("TableGroupForm", (_TableGroupForm,), {"__module__": __name__, **_drift_fields()})
