"""The completion's fast paths give what the slow ones gave: top values checked in one loop (same entries, same
errors as the nested serializer), and rows written with COPY on PostgreSQL (same rows as bulk_create)."""

import pytest
from rest_framework import serializers

from dataquality.models import ProfileColumn, ProfileColumnValue
from dataquality.services.results.bulk_rows import insert_rows
from dataquality.services.results.payloads import FrequencyListField, PayloadColumnSerializer, PayloadFrequencySerializer
from tests.dataquality.fixtures.callback import make_profile_run

ENTRIES = [
    [{"value": "a", "count": 3}, {"value": 7, "count": 2}, {"value": 1.5, "count": 1}, {"value": True, "count": 0}],
    [{"value": None, "count": 4}, {"value": "x\x00y", "count": 1}],
    [{"value": "a", "count": "12"}, {"value": "b", "count": 3.0}],  # coerced by the serializer, as before
    [{"value": "a", "count": 1, "extra": "dropped"}],
    [{"value": "a", "count": -1}, {"value": "b", "count": 2**63}, {"value": "c", "count": True}],
    [{"value": {"nested": 1}, "count": 1}, {"value": "a"}, {"count": 1}, "not an entry", [1, 2]],
    [{"value": float("inf"), "count": 1}, {"value": "ok", "count": 1}],
]


class NestedColumnSerializer(PayloadColumnSerializer):
    """The column as it was checked before: its top values through a nested serializer."""

    top_values = PayloadFrequencySerializer(many=True, required=False)


def outcome(serializer, data):
    try:
        return "valid", serializer.run_validation(data)
    except serializers.ValidationError as error:
        return "invalid", error.detail


@pytest.mark.parametrize("entries", ENTRIES)
def test_the_top_values_field_accepts_and_refuses_what_the_nested_serializer_did(entries):
    column = {"column_name": "c", "top_values": entries}
    fast, nested = outcome(PayloadColumnSerializer(), column), outcome(NestedColumnSerializer(), column)
    assert fast[0] == nested[0]
    if fast[0] == "valid":
        assert fast[1]["top_values"] == [dict(entry) for entry in nested[1]["top_values"]]
    else:
        assert fast[1] == nested[1]


def test_the_top_values_field_refuses_what_is_not_a_list():
    column = {"column_name": "c", "top_values": {"value": "a", "count": 1}}
    assert outcome(PayloadColumnSerializer(), column) == outcome(NestedColumnSerializer(), column)
    assert outcome(FrequencyListField(), "text")[0] == "invalid"


@pytest.mark.django_db
def test_rows_written_in_bulk_keep_every_character_and_the_json_extra():
    run = make_profile_run()
    awkward = "tab\there, newline\nthere, back\\slash, quote \" and ' , null-ish \\N, ünïcödé 🚀"
    names = {"profile_run_id": run.pk, "schema_name": "s", "table_name": "t"}
    insert_rows(ProfileColumn, [ProfileColumn(
        **names, column_name=awkward, min_value=awkward, mean=1.25, row_count=2**62,
        extra={"nested": {"list": [1, "two", None]}, "text": awkward},
    )])
    insert_rows(ProfileColumnValue, [
        ProfileColumnValue(**names, column_name="c", kind="value", value=value, frequency=9, rank=rank)
        for rank, value in enumerate([awkward, None, ""], start=1)
    ])
    insert_rows(ProfileColumnValue, [])

    column = ProfileColumn.objects.get(profile_run=run)
    assert (column.column_name, column.min_value, column.mean, column.row_count) == (awkward, awkward, 1.25, 2**62)
    assert column.extra == {"nested": {"list": [1, "two", None]}, "text": awkward}
    assert list(ProfileColumnValue.objects.filter(profile_run=run).order_by("rank").values_list("value", "rank")) == [
        (awkward, 1), (None, 2), ("", 3),
    ]


class SlowColumnSerializer(PayloadColumnSerializer):
    """The column checked only the serializer's own way."""

    def to_internal_value(self, data):
        validated = serializers.ModelSerializer.to_internal_value(self, data)
        validated["extra"] = {**validated.get("extra", {}), **{k: v for k, v in data.items() if k not in self.fields}}
        return validated


COLUMNS = [
    {"column_name": "c", "data_type": "string", "row_count": 10, "null_count": 0, "mean": 1, "stddev": 0.5,
     "min_value": "a", "max_value": "z", "distinct_count_approximate": True, "top_values": [{"value": "a", "count": 1}]},
    {"column_name": "c", "row_count": None, "mean": None, "min_value": None, "engine_metric": 3},
    {"column_name": "c", "min_value": 5, "max_value": True, "mean": "2.5", "row_count": "7"},  # converted
    {"column_name": "c", "data_type": "  padded  ", "general_type": "A" * 21},
    {"column_name": "", "row_count": -1},
    {"column_name": "c", "row_count": 2**63, "min_length": 2**31, "mean": float("inf")},
    {"column_name": "c", "distinct_count_approximate": "yes", "data_type": "x\x00y", "max_value": "\ud800"},
    {"column_name": "c" * 501},
    {"column_name": "c", "extra": {"a": [1, 2]}, "functional_type": "city"},
    {"column_name": "c", "extra": "not a dict"},
    {"row_count": 3},
]


@pytest.mark.parametrize("column", COLUMNS)
def test_a_column_checked_the_quick_way_is_accepted_or_refused_as_the_serializer_would(column):
    assert outcome(PayloadColumnSerializer(), column) == outcome(SlowColumnSerializer(), column)
