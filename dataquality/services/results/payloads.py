"""Decoding and validation of the completion payload (contract section 5), shared by the callback and the
monitor sweep.

The serializers only validate: `complete_profile_run` writes. Bounds come from the model fields, so a
payload that the database would refuse gets field errors instead of a database error.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from dataquality.anomaly_types import KNOWN_ANOMALY_TYPES, SEVERITIES
from dataquality.models import (
    ProfileAnomaly,
    ProfileColumn,
    ProfileResult,
    ProfileRunStatus,
)

logger = logging.getLogger(__name__)

PAYLOAD_STATUSES = (ProfileRunStatus.COMPLETED, ProfileRunStatus.FAILED)
# The payload's own shape nests 7 levels; `extra` gets room to spare, not unbounded recursion.
MAX_PAYLOAD_DEPTH = 64


class MalformedPayload(ValueError):
    """The document is not JSON the app can store: not JSON at all, a non-finite number, or nested too deeply."""


def parse_json_document(document: bytes | str) -> Any:
    """A payload document, decoded strictly: NaN, Infinity and numbers beyond a float's range (`1e999`) are
    refused, and so is nesting deeper than MAX_PAYLOAD_DEPTH. Raises `MalformedPayload` with the reason."""
    try:
        value = json.loads(document, parse_constant=_refuse_constant, parse_float=_finite_float)
    except MalformedPayload:
        raise
    except RecursionError:
        raise MalformedPayload(f"The JSON document is nested more than {MAX_PAYLOAD_DEPTH} levels deep.") from None
    except ValueError as exc:  # not JSON, not UTF-8, or an integer too long to read
        raise MalformedPayload(f"Not a JSON document: {exc}") from None
    if _depth_exceeds(value, MAX_PAYLOAD_DEPTH):
        raise MalformedPayload(f"The JSON document is nested more than {MAX_PAYLOAD_DEPTH} levels deep.")
    return value


def _refuse_constant(name: str) -> None:
    raise MalformedPayload(f"Numbers must be finite: {name} is not accepted.")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise MalformedPayload(f"Numbers must be finite: {text[:40]} is out of range.")
    return number


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit`, without recursion."""
    pending = [(value, 1)] if isinstance(value, (dict, list)) else []
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False

_INTEGER_MAX = {models.BigIntegerField: 2**63 - 1, models.IntegerField: 2**31 - 1}


def _count_bounds(model: type[models.Model], names: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """`extra_kwargs` making each named integer field a count: at least 0, at most what its column holds."""
    bounds = {}
    for name in names:
        field = model._meta.get_field(name)
        bounds[name] = {"min_value": 0, "max_value": _INTEGER_MAX[type(field)]}
    return bounds


def _without_nul(value: Any) -> Any:
    # Neither PostgreSQL text nor jsonb can hold NUL, and dirty data may well contain it: show it, don't refuse it.
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def _storable_json(value: Any, depth: int = 1) -> Any:
    """`_without_nul` through a JSON document, keys included: jsonb refuses NUL anywhere in it. A non-finite
    number or deeper nesting than MAX_PAYLOAD_DEPTH is a field error, whoever decoded the document: neither can
    be stored as JSON."""
    if depth > MAX_PAYLOAD_DEPTH:
        raise serializers.ValidationError(f"Nested more than {MAX_PAYLOAD_DEPTH} levels deep.")
    if isinstance(value, dict):
        return {_without_nul(key): _storable_json(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable_json(item, depth + 1) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise serializers.ValidationError("Numbers must be finite (no NaN or Infinity).")
    return _without_nul(value)


def _keep_whitespace(*names: str) -> dict[str, dict[str, bool]]:
    # Names and values are data: a leading space is what the leading-space check is about.
    return {name: {"trim_whitespace": False} for name in names}


class ScalarTextField(serializers.CharField):
    """A min or max value: text, a finite number or a boolean, stored as text."""

    default_error_messages = {"not_finite": "Numbers must be finite (no NaN or Infinity)."}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool):
            return "true" if data else "false"
        if isinstance(data, float) and not math.isfinite(data):
            self.fail("not_finite")
        return super().to_internal_value(_without_nul(data))


@extend_schema_field(OpenApiTypes.ANY)
class ScalarValueField(serializers.Field):
    """A top value as the engine reported it: a string, a number, a boolean or null."""

    default_error_messages = {"invalid": "Expected a string, a finite number, a boolean or null."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, (str, int, float, bool)) or (isinstance(data, float) and not math.isfinite(data)):
            self.fail("invalid")
        return _without_nul(data)

    def to_representation(self, value: Any) -> Any:
        return value


class PayloadFrequencySerializer(serializers.Serializer):
    """One entry of `top_values` or `top_patterns` (the OpenAPI schema of FrequencyListField's entries)."""

    value = ScalarValueField()
    count = serializers.IntegerField(min_value=0, max_value=2**63 - 1)


@extend_schema_field(PayloadFrequencySerializer(many=True))
class FrequencyListField(serializers.Field):
    """`top_values` or `top_patterns`: PayloadFrequencySerializer's rules and errors, checked in one plain loop.
    A run of 20 x 30 carries about 5,000 entries; as nested serializers they took a third of a completion's time.
    Entries already in the engine's shape (a string, number or boolean value and an int count) take the short way;
    any other goes through the serializer's own fields, so what is accepted and what an error says are unchanged."""

    default_error_messages = {"not_a_list": 'Expected a list of items but got type "{input_type}".'}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._entry = PayloadFrequencySerializer()

    def to_internal_value(self, data: Any) -> list[dict]:
        if not isinstance(data, list):
            message = self.error_messages["not_a_list"].format(input_type=type(data).__name__)
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="not_a_list")
        entries, errors = [], {}
        for index, item in enumerate(data):
            entry, error = _frequency_entry(item, self._entry)
            entries.append(entry)
            if error:
                errors[index] = error  # keyed by position, as a nested list serializer reports them
        if errors:
            raise serializers.ValidationError(errors)
        return entries

    def to_representation(self, value: Any) -> Any:
        return value


_COUNT_MAX = 2**63 - 1


def _frequency_entry(item: Any, serializer: PayloadFrequencySerializer) -> tuple[dict | None, dict]:
    """(the validated entry, {}) or (None, its field errors)."""
    if isinstance(item, dict) and len(item) == 2:
        value, count = item.get("value", _MISSING), item.get("count")
        plain_value = type(value) in (str, int, bool) or (type(value) is float and math.isfinite(value))
        if plain_value and type(count) is int and 0 <= count <= _COUNT_MAX:
            return {"value": _without_nul(value), "count": count}, {}
    try:
        return serializer.run_validation(item), {}
    except serializers.ValidationError as exc:
        return None, exc.detail


_MISSING = object()


_COLUMN_COUNTS = (
    "row_count", "null_count", "distinct_count", "zero_count", "negative_count", "blank_count",
    "leading_space_count", "numeric_like_count", "date_like_count", "future_count", "before_1900_count",
    "true_count", "false_count", "ordinal_position", "min_length", "max_length",
)
_COLUMN_MEASURES = (
    "distinct_count_approximate", "min_value", "max_value", "mean", "stddev", "p25", "p50", "p75", "avg_length",
)


class PayloadColumnSerializer(serializers.ModelSerializer):
    """A column: the ProfileColumn metrics by name; any other key goes into `extra`."""

    min_value = ScalarTextField(required=False, allow_null=True, allow_blank=True, trim_whitespace=False)
    max_value = ScalarTextField(required=False, allow_null=True, allow_blank=True, trim_whitespace=False)
    top_values = FrequencyListField(required=False)
    top_patterns = FrequencyListField(required=False)
    extra = serializers.DictField(required=False)

    class Meta:
        model = ProfileColumn
        fields = (
            "column_name", "data_type", "general_type", "functional_type", *_COLUMN_COUNTS, *_COLUMN_MEASURES,
            "top_values", "top_patterns", "extra",
        )
        extra_kwargs = {**_count_bounds(ProfileColumn, _COLUMN_COUNTS), **_keep_whitespace("column_name")}

    def to_internal_value(self, data: Any) -> dict:
        validated = quick_column(self.fields, data)
        if validated is None:  # something to convert, or to refuse: the serializer's own way, with its errors
            validated = super().to_internal_value(data)
        undeclared = {key: value for key, value in data.items() if key not in self.fields}
        validated["extra"] = _storable_json({**validated.get("extra", {}), **undeclared})
        return validated


_SURROGATES = re.compile("[\ud800-\udfff]")


def quick_column(fields: dict, data: Any) -> dict | None:
    """A column whose every declared value already has its stored type and passes its field's checks, validated
    in one loop; None when any value needs the serializer's own conversion or error (it then checks the column).
    A run carries hundreds of columns: through the serializer's per-field machinery they were its slowest part."""
    if not isinstance(data, dict) or "column_name" not in data:
        return None
    validated = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is None:
            continue  # undeclared: kept in `extra`
        if value is None and field.allow_null:
            validated[name] = None
            continue
        try:
            accepted, validated[name] = _quick_value(field, value)
        except serializers.ValidationError:
            return None
        if not accepted:
            return None
    return validated


def _quick_value(field: serializers.Field, value: Any) -> tuple[bool, Any]:
    if isinstance(field, serializers.BooleanField):
        return type(value) is bool, value
    if isinstance(field, serializers.IntegerField):
        low, high = field.min_value, field.max_value
        return type(value) is int and (low is None or value >= low) and (high is None or value <= high), value
    if isinstance(field, serializers.FloatField):
        finite = type(value) is int or (type(value) is float and math.isfinite(value))
        return finite and field.min_value is None and field.max_value is None, float(value) if finite else None
    if isinstance(field, serializers.CharField):
        plain = (
            type(value) is str and (value or field.allow_blank)
            and (field.max_length is None or len(value) <= field.max_length) and (field.min_length is None)
            and (not field.trim_whitespace or value == value.strip())
            and "\x00" not in value and not _SURROGATES.search(value)
        )
        return plain, value
    return True, field.run_validation(value)  # the top values' own quick loop, `extra`'s dict


class PayloadTableSerializer(serializers.ModelSerializer):
    """A table of the run: `table_name` is bare, the schema is separate."""

    sampled = serializers.BooleanField(required=False, allow_null=True)
    columns = PayloadColumnSerializer(many=True, required=False)

    class Meta:
        model = ProfileResult
        fields = (
            "schema_name", "table_name", "row_count", "column_count", "error", "sampled", "delta_version",
            "reused_from", "columns",
        )
        extra_kwargs = {
            **_count_bounds(ProfileResult, ("row_count", "column_count", "delta_version")),
            **_keep_whitespace("schema_name", "table_name"),
        }

    def validate_columns(self, columns: list[dict]) -> list[dict]:
        counts = Counter(column["column_name"] for column in columns)
        duplicated = sorted(name for name, count in counts.items() if count > 1)
        if duplicated:
            raise serializers.ValidationError(f"Duplicate column names: {', '.join(duplicated)}.")
        return columns


ANOMALY_TYPE_MAX_LENGTH = 64
_logged_unknown_types: set[str] = set()


def _log_unknown_type_once(anomaly_type: str) -> None:
    """A notebook synced ahead of the server may know newer types: say so once per type and process."""
    if anomaly_type not in _logged_unknown_types and len(_logged_unknown_types) < 1000:
        _logged_unknown_types.add(anomaly_type)
        logger.warning("Anomaly type %r is not in this server's catalogue; kept and shown as unknown", anomaly_type)


class PayloadAnomalySerializer(serializers.ModelSerializer):
    """An anomaly: `table_name` is qualified (`schema.table`). Its severity is one of the catalogue's (any case);
    a type the server does not know is kept (a newer notebook may know it), within a short id's characters."""

    anomaly_type = serializers.CharField(
        max_length=ANOMALY_TYPE_MAX_LENGTH,
        validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", "Letters, digits, '_', '.' and '-' only.")],
    )
    severity = serializers.CharField()

    class Meta:
        model = ProfileAnomaly
        fields = ("table_name", "column_name", "anomaly_type", "severity", "description", "detected_at")
        extra_kwargs = {
            "detected_at": {"required": False, "allow_null": True},
            **_keep_whitespace("table_name", "column_name"),
        }

    def validate_severity(self, value: str) -> str:
        severity = value.strip().lower()
        if severity not in SEVERITIES:
            raise serializers.ValidationError(f"Unknown severity {value[:40]!r}: one of {', '.join(SEVERITIES)}.")
        return severity

    def validate_anomaly_type(self, value: str) -> str:
        if value not in KNOWN_ANOMALY_TYPES:
            _log_unknown_type_once(value)
        return value


class CompletionPayloadSerializer(serializers.Serializer):
    """The document the notebook posts to the callback and writes to `payload_path`."""

    profile_run_id = serializers.UUIDField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PAYLOAD_STATUSES)
    row_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**63 - 1)
    anomaly_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    error_message = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    completed_at = serializers.DateTimeField(required=False, allow_null=True)
    profile_version = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=50)
    sampled = serializers.BooleanField(required=False, allow_null=True)
    anomalies = PayloadAnomalySerializer(many=True, required=False)
    tables = PayloadTableSerializer(many=True, required=False)
    # What the notebook has to say besides its results (e.g. result tables it could not write).
    warnings = serializers.ListField(child=serializers.CharField(trim_whitespace=False), required=False, max_length=100)

    def validate_profile_run_id(self, value):
        expected = self.context.get("profile_run_id")
        if value is not None and expected is not None and str(value) != str(expected):
            raise serializers.ValidationError(f"This payload is for run {value}, not {expected}.")
        return value

    def validate_tables(self, tables: list[dict]) -> list[dict]:
        seen: set[tuple[str, str]] = set()
        for table in tables:
            key = (table.get("schema_name", ""), table["table_name"])
            if key in seen:
                raise serializers.ValidationError(f"Table {'.'.join(filter(None, key))} is listed twice.")
            seen.add(key)
        return tables


def parse_completion_payload(data: Any, *, profile_run_id=None) -> dict:
    """The validated payload, or `rest_framework.exceptions.ValidationError` with the field errors.

    With `profile_run_id`, a payload naming another run is refused.
    """
    serializer = CompletionPayloadSerializer(data=data, context={"profile_run_id": profile_run_id})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
